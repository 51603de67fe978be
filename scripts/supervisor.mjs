// A small process supervisor for `npm start` (the embedded default): runs Bina's web and worker
// processes as children and restarts one that exits without being asked to, after a back-off
// (1 s, doubling to 30 s; back to 1 s once a child has stayed up for a minute). Each restart is
// logged on stderr. A learner's exam survives a crashed web process: the page retries its saves
// while the new process starts. Production uses systemd units that do the same (README).
import { spawn } from 'node:child_process';

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

/**
 * @param {{ name: string, command: string, args: string[], env: NodeJS.ProcessEnv,
 *           onMessage?: (message: unknown) => void, log?: (line: string) => void }} spec
 * @returns {{ stop: (signal?: NodeJS.Signals) => Promise<void>, readonly pid: number | undefined }}
 */
export function supervise(spec) {
  const log = spec.log ?? ((line) => process.stderr.write(`${line}\n`));
  let child;
  let stopping = false;
  let delay = MIN_DELAY_MS;
  let timer;
  let exited = Promise.resolve();

  const start = () => {
    const startedAt = Date.now();
    child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    log(`supervisor: ${spec.name} started (pid ${child.pid})`);
    if (spec.onMessage) child.on('message', spec.onMessage);
    exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve();
        if (stopping) return;
        if (Date.now() - startedAt >= STABLE_AFTER_MS) delay = MIN_DELAY_MS;
        log(`supervisor: ${spec.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`);
        timer = setTimeout(start, delay);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      });
    });
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    async stop(signal = 'SIGTERM') {
      stopping = true;
      clearTimeout(timer);
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
