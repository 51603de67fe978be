/**
 * Shared start-up of a worker process: the same kernel and plugins as the web process (so the
 * code that enqueues a job and the code that runs it cannot drift apart), with workers only for
 * the queues of one family. SIGTERM lets running jobs finish, or return them to the queue.
 */
import { loadConfig } from '../src/config';
import { isBinaError } from '../src/kernel/errors';
import { Kernel } from '../src/host/kernel';

export function runWorker(family: string, queueFilter: (queue: string) => boolean): void {
  (async () => {
    const kernel = await Kernel.create({ config: loadConfig(), role: 'worker', queueFilter });
    kernel.services.log.info({ family, workers: kernel.services.queues.workerCount }, 'worker running');
    if (process.send) process.send({ ready: true });
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      kernel.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  })().catch((err) => {
    console.error(isBinaError(err) ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  });
}
