/**
 * The processes a kill test kills, run as production runs them: Redis, FerretDB and its
 * PostgreSQL from `scripts/services` in a data dir of their own (never the dev or test services),
 * and Bina's web and worker processes under `npm start`'s supervisor (scripts/start.mjs: with both
 * URIs set it starts no services and seeds nothing, and restarts a child that dies, ADR 0038).
 *
 * A killed service is brought back the way an operator's unit would: `scripts/services up`, which
 * starts what does not answer (Redis on its append-only file, ADR 0061). A killed Bina process is
 * brought back by the supervisor itself; nothing here restarts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/kernel/core-version';

export type Component = 'web' | 'worker' | 'redis' | 'ferretdb' | 'postgresql';

const servicesScript = join(REPO_ROOT, 'scripts', 'services');

/** Runs `scripts/services <cmd>` on `dir` without blocking the event loop (the load keeps running). */
function services(dir: string, cmd: 'up' | 'down', log: WriteStream): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [servicesScript, cmd], {
      env: { ...process.env, MONGODB_URI: '', REDIS_URL: '', BINA_SERVICES_DIR: dir, BINA_SERVICES_SCRATCH: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => log.write(d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`scripts/services ${cmd} exited ${code}; see ${dir}/chaos.log`));
      const found: Record<string, string> = {};
      for (const line of out.split('\n')) {
        const m = /^(MONGODB_URI|REDIS_URL)=(.+)$/.exec(line.trim());
        if (m) found[m[1]!] = m[2]!;
      }
      resolve(found);
    });
  });
}

export class Services {
  readonly log: WriteStream;
  constructor(readonly dir: string) {
    this.log = createWriteStream(join(dir, 'chaos.log'), { flags: 'a' });
  }

  async up(): Promise<{ MONGODB_URI: string; REDIS_URL: string }> {
    const found = await services(this.dir, 'up', this.log);
    if (!found.MONGODB_URI || !found.REDIS_URL) throw new Error('scripts/services up printed no MONGODB_URI/REDIS_URL');
    return { MONGODB_URI: found.MONGODB_URI, REDIS_URL: found.REDIS_URL };
  }

  async down(): Promise<void> {
    await services(this.dir, 'down', this.log).catch(() => undefined);
    this.log.end();
  }

  /** The pids scripts/services recorded (redis_pid, mongo_pid, pg_pid). */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const line of readFileSync(join(this.dir, 'state'), 'utf8').split('\n')) {
      const m = /^(redis_pid|mongo_pid|pg_pid)=(\d+)$/.exec(line.trim());
      if (m) out[m[1]!] = Number(m[2]);
    }
    return out;
  }

  /** SIGKILL the service's server process (PostgreSQL: its postmaster). */
  kill(component: 'redis' | 'ferretdb' | 'postgresql'): number {
    const key = component === 'redis' ? 'redis_pid' : component === 'ferretdb' ? 'mongo_pid' : 'pg_pid';
    const pid = this.pids()[key];
    if (!pid) throw new Error(`no ${component} pid in ${this.dir}/state`);
    process.kill(pid, 'SIGKILL');
    return pid;
  }
}

/** Bina's web and worker processes under `node scripts/start.mjs` (the supervisor). */
export class Bina {
  private child?: ChildProcess;
  private output = '';
  constructor(
    private readonly env: Record<string, string>,
    private readonly log: WriteStream,
  ) {}

  start(): void {
    this.child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs')], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.log.write(d);
      // Only the supervisor's lines matter here; the children's logs go to the file only.
      for (const line of String(d).split('\n')) if (line.startsWith('supervisor:')) this.output += `${line}\n`;
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
  }

  /** The pid of the role's current process (the last one the supervisor started). */
  pid(role: 'web' | 'worker'): number | undefined {
    const all = [...this.output.matchAll(new RegExp(`supervisor: ${role} started \\(pid (\\d+)\\)`, 'g'))];
    const last = all.at(-1);
    return last ? Number(last[1]) : undefined;
  }

  /** How many times the supervisor has started the role. */
  starts(role: 'web' | 'worker'): number {
    return [...this.output.matchAll(new RegExp(`supervisor: ${role} started`, 'g'))].length;
  }

  kill(role: 'web' | 'worker'): number {
    const pid = this.pid(role);
    if (!pid) throw new Error(`the supervisor has not started a ${role} process`);
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** SIGTERM to the supervisor: it stops both children cleanly. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const force = setTimeout(() => c.kill('SIGKILL'), 40_000);
    await exited;
    clearTimeout(force);
  }
}
