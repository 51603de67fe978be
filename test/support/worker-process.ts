/**
 * A Bina worker in its own process (`src/main.ts worker`), as production runs it: tests use it to
 * prove that what a worker does (grading, regrades, notices) reaches the web process only through
 * the database, the queue and Redis pub/sub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/kernel/core-version';

const READY_TIMEOUT_MS = 90_000;

/**
 * Starts a worker with `env` (a test env's `childEnv`: its own database URI, Redis URL and queue
 * prefix, which override whatever the test process inherited); resolves once it reports ready.
 * A worker that exits or stays silent is reported with the end of its output, not as a bare
 * mocha timeout.
 */
export type WorkerProcess = ChildProcess & { /** The end of what it printed (for a failing test's message). */ output(): string };

export function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  if (!env.MONGODB_URI || !env.REDIS_URL) throw new Error('startWorkerProcess needs MONGODB_URI and REDIS_URL in its env');
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'main.ts'), 'worker'], {
    env: { ...process.env, ...env },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + String(d)).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const worker = Object.assign(child, { output: () => output });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker not ready after ${READY_TIMEOUT_MS} ms: ${output.slice(-2000)}`));
    }, READY_TIMEOUT_MS);
    child.once('message', () => {
      clearTimeout(timer);
      resolve(worker);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited early (${code}): ${output.slice(-2000)}`));
    });
  });
}
