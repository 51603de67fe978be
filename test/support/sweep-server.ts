/**
 * The Bina the page sweep walks: `src/main.ts all` in its own process, as `npm start` runs it, on a
 * fresh database with the demo data seeded (`bina seed-demo`), so pages have content. Its own
 * process lets the sweep see a crash (the process is gone, or replaced) instead of dying with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { testEnvVars } from './harness';

export interface SweepServer {
  readonly url: string;
  /** The server process's id; a different one after restart(). */
  readonly pid: number;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The tail of what the process wrote to stderr (why it died). */
  stderrTail(): string;
  /** Demo pages the seed printed (certificate check, exam, public score board), as paths. */
  readonly demoPaths: string[];
  /** Starts the server again after it died (same database and port). */
  restart(): Promise<void>;
  /** Whether /health answers 200; if not, the process is ended (if still there) and started again. */
  ensureUp(): Promise<boolean>;
  stop(): Promise<void>;
}


function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

export interface SweepServerOptions {
  /** More environment for the server (a higher public rate limit, a log level). */
  env?: Record<string, string>;
  /** Where the server's standard output (its log) goes; by default nowhere. */
  logFd?: number;
  /** Runs after the demo seed and before the server starts (e.g. to put payloads into the data). */
  afterSeed?: (env: Record<string, string>) => Promise<void>;
}

export async function startSweepServer(opts: SweepServerOptions = {}): Promise<SweepServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = testEnvVars({ PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, ...opts.env });
  const printed = await run([join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'seed-demo'], env);
  await opts.afterSeed?.(env);
  const demoPaths = [...printed.matchAll(/https?:\/\/[^\s]+/g)].map((m) => new URL(m[0]).pathname + new URL(m[0]).search).filter((p) => p !== '/');

  let child: ChildProcess | undefined;
  let stderr = '';
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      stderr = '';
      const c = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'main.ts'), 'all'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', opts.logFd ?? 'ignore', 'pipe', 'ipc'],
      });
      c.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-8000)));
      c.once('message', () => resolve());
      c.once('exit', (code) => reject(new Error(`the server exited early (${code}): ${stderr}`)));
      child = c;
    });
  await launch();

  return {
    url,
    get pid() {
      return child?.pid ?? -1;
    },
    alive: () => Boolean(child && child.exitCode === null && child.signalCode === null),
    stderrTail: () => stderr,
    demoPaths,
    restart: launch,
    async ensureUp() {
      const ok = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
      if (ok) return true;
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await gone;
      }
      await launch();
      return false;
    },
    async stop() {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await gone;
      }
      // Drop the sweep's database and its Redis keys (queues, sessions).
      const conn = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
      await conn.dropDatabase().finally(() => conn.close());
      const redis = new Redis(env.REDIS_URL!);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.BINA_QUEUE_PREFIX}:*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
