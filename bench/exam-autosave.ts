/**
 * Exam autosave under N concurrent simulated participants. Each has a started 110-question CAT
 * attempt (started through the API) and saves its answer to one TWK question in a loop, a newer
 * seq each time (optionally thinking `BENCH_THINK_MS`, random 0..2x, between saves), for
 * `durationS` over HTTP. Then the same N loops issue the raw single-document conditional update
 * that saveAnswer sends, straight through mongoose, for the same time; the ratio of the HTTP and
 * raw p50/p99 is the cost of everything around the write (authentication, the attempt read,
 * access rules, the board message).
 *
 * Bounded: at most `BENCH_IN_FLIGHT` (32) requests, or raw updates, are at the server at once; the
 * others wait in this process and that wait is part of their latency, as it would be for a
 * participant. A save still waiting `BENCH_GRACE_S` (5) after the end of its phase is abandoned
 * and counted as `unfinished` (its latency is at least the phase's length): on a slow server the
 * phase ends on time instead of draining a queue of a thousand requests. Before the raw phase one
 * more save is sent and awaited (`drainMs`), so the server's leftover work does not spill into it.
 *
 * Loopback only (the kernel listens on 127.0.0.1); ends by itself.
 * Run alone: `npx tsx bench/exam-autosave.ts 1000` (needs MONGODB_URI and REDIS_URL).
 */
import { pathToFileURL } from 'node:url';
import { Types } from 'mongoose';
import { Agent, setGlobalDispatcher } from 'undici';
import { pool, round1 } from './fixtures';
import { examFixture, quantile, QUESTIONS_PER_ATTEMPT } from './exam-start';
import { examApi } from '../plugins/activity-exam/test/exam-fixtures';

interface Started {
  token: string;
  cookie: string;
  attemptId: string;
  slot: string;
}

interface PhaseResult {
  requests: number;
  perSec: number;
  unfinished: number;
  statuses?: Record<string, number>;
  notSaved?: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Time until `probe` (a request queued behind whatever the server still does) is answered. */
async function drain(probe: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await probe().catch(() => undefined);
  return Math.round(performance.now() - t0);
}

/** A counting semaphore whose wait can be abandoned at a deadline. */
class Gate {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async enter(deadline: number): Promise<boolean> {
    if (this.free > 0) {
      this.free -= 1;
      return true;
    }
    let wake!: () => void;
    const turn = new Promise<void>((r) => (wake = r));
    this.waiting.push(wake);
    const left = deadline - performance.now();
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), Math.max(0, left)));
    if ((await Promise.race([turn.then(() => 'in' as const), timer])) === 'in') return true;
    const i = this.waiting.indexOf(wake);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      return false;
    }
    // Woken at the same moment as the deadline: the slot is ours, give it back.
    this.leave();
    return false;
  }
  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/**
 * N participant loops for `durationS`: `op` is one save (resolves true when acknowledged,
 * false when answered otherwise); the ones still pending at end + grace count as unfinished.
 */
async function phase(
  started: Started[],
  durationS: number,
  graceS: number,
  thinkMs: number,
  op: (s: Started, seq: number, deadline: number, lat: number[]) => Promise<'ok' | 'not-saved' | 'unfinished' | number | string>,
  seq0: number,
): Promise<PhaseResult & { maxSeq: number }> {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let unfinished = 0;
  let notSaved = 0;
  let maxSeq = seq0;
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  const deadline = end + graceS * 1000;
  await Promise.all(
    started.map(async (s, i) => {
      // Spread the first saves over the first second, as participants do not click in unison.
      await sleep((i / started.length) * Math.min(1000, durationS * 100));
      for (let seq = seq0 + 1; performance.now() < end; seq++) {
        maxSeq = Math.max(maxSeq, seq);
        const r = await op(s, seq, deadline, lat);
        if (r === 'unfinished') {
          unfinished += 1;
          return;
        }
        if (r === 'not-saved') notSaved += 1;
        const code = typeof r === 'number' ? String(r) : r === 'ok' || r === 'not-saved' ? '200' : r;
        statuses[code] = (statuses[code] ?? 0) + 1;
        if (thinkMs > 0) await sleep(Math.random() * 2 * thinkMs);
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    requests: lat.length, perSec: round1(lat.length / Math.max(wallS, durationS)), unfinished, statuses, notSaved, maxSeq,
    latencyMs: { p50: quantile(lat, 50), p99: quantile(lat, 99), max: quantile(lat, 100) },
  };
}

export async function benchExamAutosave(n = 1000, durationS = Number(process.env.BENCH_DURATION_S ?? 10)) {
  const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 32);
  const thinkMs = Number(process.env.BENCH_THINK_MS ?? 0);
  const graceS = Number(process.env.BENCH_GRACE_S ?? 5);
  setGlobalDispatcher(new Agent({ connections: inFlight, pipelining: 1 }));
  const t0 = performance.now();
  const { env, examId, participants } = await examFixture(n);
  try {
    // Every participant starts the exam through the API (32 at a time) and picks one TWK question.
    const started = await pool(participants, 32, async (p): Promise<Started> => {
      const res = await fetch(`${env.url}/api/v1/activity-exam/exams/${examId}/attempts`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json', accept: 'application/json' }, body: '{}' });
      const body = (await res.json()) as { attempt?: { id: string }; questions?: Array<{ slot: string; name: string }> };
      if (res.status !== 201 || !body.attempt || body.questions?.length !== QUESTIONS_PER_ATTEMPT) throw new Error(`start: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      // The exam-session cookie the start set: this participant's device (ADR 0029).
      const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      return { token: p.token, cookie, attemptId: body.attempt.id, slot: body.questions.find((q) => q.name.startsWith('twk'))!.slot };
    });
    const setupMs = Math.round(performance.now() - t0);
    const save = (s: Started, seq: number, signal?: AbortSignal) =>
      fetch(`${env.url}/api/v1/activity-exam/attempts/${s.attemptId}/answers/${s.slot}`, {
        method: 'PUT', signal,
        headers: { authorization: `Bearer ${s.token}`, cookie: s.cookie, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ seq, response: { selected: [seq % 2 ? 'a' : 'b'] } }),
      });

    // HTTP: undici keeps at most `inFlight` sockets; the rest wait here (and that wait counts).
    const http = await phase(started, durationS, graceS, thinkMs, async (s, seq, deadline, lat) => {
      const t = performance.now();
      try {
        const res = await save(s, seq, AbortSignal.timeout(Math.max(1, Math.round(deadline - t))));
        const text = await res.text();
        lat.push(performance.now() - t);
        if (res.status !== 200) return res.status;
        return text.includes('"saved":true') ? 'ok' : 'not-saved';
      } catch (e) {
        if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') return 'unfinished';
        throw e;
      }
    }, 0);

    process.stderr.write(`exam-autosave: http ${JSON.stringify(http)}\n`);
    // Let the server finish what the abandoned requests left behind before timing the database alone.
    const drainMs = await drain(() => save(started[0]!, http.maxSeq + 1, AbortSignal.timeout(180_000)).then((r) => r.arrayBuffer()));

    // Raw: the conditional update saveAnswer issues, N loops, at most `inFlight` at the server.
    const Attempt = examApi(env).service.models.Attempt;
    const gate = new Gate(inFlight);
    const raw = await phase(started, durationS, graceS, thinkMs, async (s, seq, deadline, lat) => {
      const t = performance.now();
      if (!(await gate.enter(deadline))) return 'unfinished';
      try {
        const now = new Date();
        const path = `answers.${s.slot}`;
        // A database error (FerretDB: "database is locked" after 10 s waiting for the write lock)
        // is a result of the run, counted by its code name, not a reason to stop it.
        const r = await Attempt.updateOne(
          { _id: new Types.ObjectId(s.attemptId), state: 'in_progress', $and: [{ $or: [{ deadline: { $exists: false } }, { deadline: null }, { deadline: { $gt: new Date(now.getTime() - 10_000) } }] }, { $or: [{ [`${path}.seq`]: { $exists: false } }, { [`${path}.seq`]: { $lt: seq } }] }] },
          { $set: { [path]: { r: { selected: ['a'] }, seq, at: now, p: 5 } } },
        );
        lat.push(performance.now() - t);
        return r.matchedCount === 1 ? 'ok' : 'not-saved';
      } catch (e) {
        lat.push(performance.now() - t);
        return `error:${(e as { codeName?: string }).codeName ?? (e as Error).name}`;
      } finally {
        gate.leave();
      }
    }, http.maxSeq + 1_000_000);

    process.stderr.write(`exam-autosave: raw ${JSON.stringify(raw)}\n`);
    const { maxSeq: _h, ...httpOut } = http;
    const { maxSeq: _r, statuses: _s, ...rawOut } = raw;
    return {
      participants: n, durationS, inFlight, thinkMs, setupMs, drainMs,
      http: httpOut, raw: rawOut,
      ratio: { p50: round1(http.latencyMs.p50 / Math.max(raw.latencyMs.p50, 0.1)), p99: round1(http.latencyMs.p99 / Math.max(raw.latencyMs.p99, 0.1)) },
    };
  } finally {
    // Dropping the database while abandoned requests still read it has crashed FerretDB 1.24
    // (SIGBUS in the WAL index): wait for the server first, then stop, never longer than 3 minutes.
    await drain(() => fetch(`${env.url}/api/v1/auth/me`, { signal: AbortSignal.timeout(180_000) }).then((r) => r.arrayBuffer())).catch(() => undefined);
    await Promise.race([env.stop(), sleep(30_000)]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchExamAutosave(Number(process.argv[2] ?? 1000))));
  process.exit(0);
}
