/**
 * A Bina worker in its own process (`src/main.ts worker`), as production runs it: tests use it to
 * prove that what a worker does (grading, regrades, notices) reaches the web process only through
 * the database, the queue and Redis pub/sub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/kernel/core-version';

/** Starts a worker with `env` (e.g. a test env's `childEnv`); resolves once it reports ready. */
export function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'main.ts'), 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${stderr.slice(-2000)}`)));
  });
}
