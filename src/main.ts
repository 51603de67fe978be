/**
 * Entry point: `web`, `worker`, or `all` (the development default) in one binary. A bad setting
 * stops start-up with one line naming it; SIGTERM/SIGINT shut down gracefully.
 */
import { loadConfig } from './config';
import { isBinaError } from './kernel/errors';
import { Kernel, type KernelRole } from './host/kernel';

async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as KernelRole;
  if (!['web', 'worker', 'all'].includes(role)) {
    console.error(`Unknown role '${role}': use web, worker or all`);
    process.exit(2);
  }
  const config = loadConfig();
  const kernel = await Kernel.create({ config, role });
  let url: string | undefined;
  if (role !== 'worker') url = await kernel.listen(config.PORT, config.HOST);
  kernel.services.log.info({ url, role }, 'Bina is running');
  if (process.send) process.send({ ready: true, url });
  let stopping = false;
  let exitCode = 0;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    kernel.services.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    kernel.stop().then(() => process.exit(exitCode), () => process.exit(1));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A fault nothing caught leaves the process in an unknown state: log it, then stop cleanly
  // (non-zero) so the supervisor (`npm start`, systemd) starts a fresh one. Never die silently.
  const fatal = (kind: string) => (err: unknown) => {
    kernel.services.log.fatal({ err, kind }, 'unexpected fault; shutting down for a restart');
    exitCode = 1;
    shutdown(kind);
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));
}

main().catch((err) => {
  if (isBinaError(err)) console.error(`${err.code}: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
