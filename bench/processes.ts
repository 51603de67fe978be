/**
 * A multi-process topology for the exam bench (issue 11, "scale beyond one machine"): W web
 * processes and K worker processes (`src/main.ts web|worker`, as a deployment runs them) against
 * the same database and Redis as a test env, started as child processes. The load generator
 * spreads takers over the web processes' ports round-robin (no load balancer needed on loopback).
 * Their pids let the bench attribute CPU to web and worker processes apart from itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { cpuSecondsOf } from './proc-stats';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Topology {
  /** e.g. "1+1", "2+2": web processes + worker processes. */
  name: string;
  webs: number;
  workers: number;
}

/** `BENCH_TOPOLOGY` ("1+1,2+2" by default): the topologies to run, side by side. */
export function topologiesFrom(spec = process.env.BENCH_TOPOLOGY ?? '1+1,2+2'): Topology[] {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(\d)\+(\d)$/.exec(s);
    if (!m || m[1] === '0' || m[2] === '0') throw new Error(`BENCH_TOPOLOGY: "${s}" is not <web processes>+<worker processes>, e.g. 2+2`);
    return { name: s, webs: Number(m[1]), workers: Number(m[2]) };
  });
}

export interface RunningTopology {
  urls: string[];
  webPids: number[];
  workerPids: number[];
  /** CPU seconds of the web and of the worker processes so far. */
  cpu(): { web: number | null; worker: number | null };
  stop(): Promise<void>;
}

function start(role: 'web' | 'worker', env: Record<string, string>): Promise<{ child: ChildProcess; url?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src', 'main.ts'), role], {
      cwd: repo,
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => reject(new Error(`${role} process did not start within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${role} process exited with ${code} before it was ready`)));
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (!m?.ready) return;
      clearTimeout(timer);
      resolve({ child, url: m.url });
    });
  });
}

/** Starts the topology's processes with `childEnv` (TestEnv.childEnv: same database and queue prefix). */
export async function startTopology(t: Topology, childEnv: Record<string, string>): Promise<RunningTopology> {
  const started: ChildProcess[] = [];
  try {
    const webs = await Promise.all(Array.from({ length: t.webs }, () => start('web', childEnv).then((r) => (started.push(r.child), r))));
    const workers = await Promise.all(Array.from({ length: t.workers }, () => start('worker', childEnv).then((r) => (started.push(r.child), r))));
    const webPids = webs.map((w) => w.child.pid!);
    const workerPids = workers.map((w) => w.child.pid!);
    const sum = (pids: number[]) => {
      let total = 0;
      for (const p of pids) {
        const s = cpuSecondsOf(p);
        if (s === null) return null;
        total += s;
      }
      return total;
    };
    return {
      urls: webs.map((w) => w.url!),
      webPids,
      workerPids,
      cpu: () => ({ web: sum(webPids), worker: sum(workerPids) }),
      stop: () => stopAll(started),
    };
  } catch (e) {
    await stopAll(started);
    throw e;
  }
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const force = setTimeout(() => c.kill('SIGKILL'), 30_000);
    c.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    c.kill('SIGTERM');
  })));
}
