/**
 * Autosave throughput: N learners hammer `PUT /api/v1/activity-quiz/attempts/:id/answers/:slot`
 * over HTTP (autocannon in a child process, one connection per learner), next to the very same
 * single-document `updateOne` that AttemptService.saveAnswer issues, sent straight through the
 * kernel's mongoose connection by N parallel loops. The ratio HTTP/raw is the cost of everything
 * around the write (auth, loads, validation, Express).
 *
 * Invariants: every request and every raw update is a real write (a newer seq on an open
 * attempt): the server counts saveAnswer outcomes and the raw loops count matchedCount; loops
 * are bounded by time, and after the load stops the next phase waits (up to 60 s) until the
 * server has ended every request it received, so phases do not overlap.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Types } from 'mongoose';
import type { TestEnv } from '../test/support/harness';
import type { LoadJob, LoadResult } from './autosave-load';
import { attemptService, models, round1, SLOT_RESPONSES, type BenchLearner } from './fixtures';
import { CpuMeter, servicePids, withOthers, type CpuShares } from './proc-stats';
import { DbProfiler, type DbProfile } from './db-profile';
import { benchAbort, pollUntil, throwIfAborted } from './abort';

const LOADER = fileURLToPath(new URL('./autosave-load.ts', import.meta.url));
/** AttemptService's default grace (plugin setting graceSeconds, default 10). */
const GRACE_MS = 10_000;

export interface ServerCounts {
  /** PUT …/answers/… requests the HTTP server received. */
  received: number;
  /** saveAnswer calls that wrote (saved, not a duplicate). */
  writes: number;
  duplicates: number;
  stale: number;
  failed: number;
  /** Requests whose client closed the socket before the reply (the loader stopping mid-request). */
  clientGone: number;
}

export interface HttpAutosaveResult extends LoadResult {
  server: ServerCounts;
  /** Event-loop utilisation of the server's (this process's) main thread, 0–1. */
  serverElu: number;
  cpu: CpuShares;
  /** saveAnswer writes the server completed while the load ran, per second (the client's count lags when replies are slow). */
  serverWritesPerSec: number;
  /** Wait after the load stopped until the server had answered everything it received (null: it did not within 60 s). */
  drainMs: number | null;
}

export interface RawAutosaveResult {
  concurrency: number;
  durationS: number;
  updates: number;
  updatesPerSec: number;
  /** Updates whose filter did not match (must be 0: each is a newer seq on an open attempt). */
  notMatched: number;
  errors: number;
  /** Up to 3 distinct error messages, as evidence. */
  errorSamples: string[];
  latency: { p50: number; p99: number; max: number };
  maxSeq: number;
  cpu: CpuShares;
}


/**
 * Server-side accounting: saveAnswer outcomes (by wrapping the service instance's method) and the
 * autosave requests the HTTP server received, each open until its handler has ended the reply
 * (`writableEnded`, true even when the client already closed the socket).
 */
export class SaveCounter {
  counts: ServerCounts = { received: 0, writes: 0, duplicates: 0, stale: 0, failed: 0, clientGone: 0 };
  private open = new Set<ServerResponse>();
  private restore: () => void;

  constructor(env: TestEnv) {
    const svc = attemptService(env);
    const original = svc.saveAnswer;
    const counts = () => this.counts;
    svc.saveAnswer = async function (this: typeof svc, ...args: Parameters<typeof original>) {
      try {
        const out = await original.apply(svc, args);
        if (out.saved && !out.duplicate) counts().writes += 1;
        else if (out.saved) counts().duplicates += 1;
        else counts().stale += 1;
        return out;
      } catch (e) {
        counts().failed += 1;
        throw e;
      }
    };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== 'PUT' || !req.url?.includes('/answers/')) return;
      this.counts.received += 1;
      this.open.add(res);
      res.once('close', () => {
        if (!res.writableEnded) this.counts.clientGone += 1;
      });
    };
    env.kernel.server!.on('request', onRequest);
    this.restore = () => {
      svc.saveAnswer = original;
      env.kernel.server!.off('request', onRequest);
    };
  }

  reset(): void {
    this.counts = { received: 0, writes: 0, duplicates: 0, stale: 0, failed: 0, clientGone: 0 };
    this.open.clear();
  }

  /** True once the handler of every received request has ended its reply. */
  get drained(): boolean {
    for (const res of this.open) if (res.writableEnded) this.open.delete(res);
    return this.open.size === 0;
  }

  dispose(): void {
    this.restore();
  }
}

function throwIfAbortedInto(reject: (e: unknown) => void): void {
  try {
    throwIfAborted();
  } catch (e) {
    reject(e);
  }
}

/** Runs the load generator; `onReady` fires when it is about to start the load. */
function runLoader(job: LoadJob, onReady: () => void): Promise<{ result: LoadResult; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOADER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    let ready = false;
    child.stdout.on('data', (d: string) => {
      out += d;
      if (!ready && out.includes('READY\n')) {
        ready = true;
        onReady();
      }
    });
    // A hung loader must not hang the bench: duration plus a generous margin.
    const killer = setTimeout(() => child.kill('SIGKILL'), (job.durationS + 60) * 1000);
    const onAbort = () => child.kill('SIGTERM');
    benchAbort.signal.addEventListener('abort', onAbort);
    const done = () => {
      clearTimeout(killer);
      benchAbort.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('exit', (code, signal) => {
      done();
      throwIfAbortedInto(reject);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`load generator failed (${signal ?? `exit ${code}`})`));
      resolve({ result: JSON.parse(line) as LoadResult, pid: child.pid! });
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/** One HTTP autosave run with all `learners` as concurrent connections. */
export async function runHttpAutosave(env: TestEnv, counter: SaveCounter, learners: BenchLearner[], durationS: number, seqBase: number): Promise<HttpAutosaveResult> {
  counter.reset();
  const pids = servicePids();
  let meter: CpuMeter | undefined;
  let elu0: EventLoopUtilization | undefined;
  let w0 = 0;
  let t0 = 0;
  const { result } = await runLoader(
    { url: env.url, learners: learners.map((l) => ({ token: l.token, attemptId: l.attemptId })), durationS, seqBase, slots: SLOT_RESPONSES },
    () => {
      meter = new CpuMeter({ db: pids.db, redis: pids.redis });
      elu0 = performance.eventLoopUtilization();
      w0 = counter.counts.writes;
      t0 = performance.now();
    },
  );
  const serverWritesPerSec = round1(((counter.counts.writes - w0) / (performance.now() - t0)) * 1000);
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = withOthers({ ...meter!.stop(), loader: result.cpuPct });
  // The loader closed its sockets mid-request at the end; let the server finish those requests.
  const d0 = performance.now();
  let drainMs: number | null = null;
  try {
    await pollUntil(() => counter.drained, 'the server to finish the last autosave requests', 60_000);
    drainMs = Math.round(performance.now() - d0);
  } catch {
    /* reported as null: the next phase may overlap the tail */
    throwIfAborted();
  }
  return { ...result, server: { ...counter.counts }, serverWritesPerSec, serverElu: Math.round(elu.utilization * 1000) / 1000, cpu, drainMs };
}

/**
 * The service's write, issued directly for `durationS`: `loops` parallel loops (default one per
 * learner); loop k takes the attempts k, k+loops, … in turn, so each attempt has one writer and
 * its seq only grows, and every attempt's position in the collection is exercised.
 */
export async function runRawAutosave(env: TestEnv, learners: BenchLearner[], durationS: number, seqBase: number, loops = learners.length): Promise<RawAutosaveResult> {
  const { Attempt } = models(env);
  const pids = servicePids();
  const latencies: number[] = [];
  let notMatched = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  let maxSeq = seqBase;
  const meter = new CpuMeter({ db: pids.db, redis: pids.redis });
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  await Promise.all(
    Array.from({ length: loops }, async (_, k) => {
      const mine = learners.filter((_l, j) => j % loops === k).map((l) => new Types.ObjectId(l.attemptId));
      let seq = seqBase;
      for (let i = 0; performance.now() < end && !benchAbort.signal.aborted; i++) {
        const id = mine[i % mine.length]!;
        const round = Math.floor(i / mine.length);
        const s = SLOT_RESPONSES[round % SLOT_RESPONSES.length]!;
        const value = s.responses[Math.floor(round / SLOT_RESPONSES.length) % s.responses.length];
        seq += 1;
        maxSeq = Math.max(maxSeq, seq);
        const now = new Date();
        const path = `answers.${s.slot}`;
        const ts = performance.now();
        try {
          // Exactly AttemptService.saveAnswer's filter and update.
          const r = await Attempt.updateOne(
            {
              _id: id,
              state: 'in_progress',
              $and: [
                { $or: [{ deadline: { $exists: false } }, { deadline: null }, { deadline: { $gt: new Date(now.getTime() - GRACE_MS) } }] },
                { $or: [{ [`${path}.seq`]: { $exists: false } }, { [`${path}.seq`]: { $lt: seq } }] },
              ],
            },
            { $set: { [path]: { r: value, seq, at: now } } },
          );
          latencies.push(performance.now() - ts);
          if (r.matchedCount !== 1) notMatched += 1;
        } catch (e) {
          errors += 1;
          const msg = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : String(e);
          if (errorSamples.length < 3 && !errorSamples.includes(msg)) errorSamples.push(msg);
        }
      }
    }),
  );
  throwIfAborted();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = withOthers(meter.stop());
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length ? round1(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!) : 0);
  return {
    concurrency: loops,
    durationS: Math.round(wallS * 100) / 100,
    updates: latencies.length,
    updatesPerSec: round1(latencies.length / wallS),
    notMatched,
    errors,
    errorSamples,
    latency: { p50: q(50), p99: q(99), max: q(100) },
    maxSeq,
    cpu,
  };
}

/**
 * Database operations one autosave request costs, counted and timed at the driver
 * (bench/db-profile.ts) over `n` sequential requests, outside any timed phase.
 */
export async function sampleAutosaveDbOps(env: TestEnv, learners: BenchLearner[], n: number, seqBase: number): Promise<DbProfile> {
  const profiler = new DbProfiler(env.kernel.services.conn);
  try {
    for (let i = 0; i < n; i++) {
      throwIfAborted();
      const l = learners[i % learners.length]!;
      const res = await fetch(`${env.url}/api/v1/activity-quiz/attempts/${l.attemptId}/answers/s2`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${l.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ seq: seqBase + i + 1, response: { value: i % 2 === 0 } }),
      });
      const body = await res.text();
      if (res.status !== 200 || !body.includes('"saved":true')) throw new Error(`sample autosave: ${res.status} ${body}`);
    }
  } catch (e) {
    profiler.stop(n); // the wrappers always come off
    throw e;
  }
  return profiler.stop(n);
}
