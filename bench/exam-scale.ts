/**
 * The exam path at the scale of a national CAT sitting (issue 11), on one CAT-like exam (110
 * questions drawn from 3 sections, bench/exam-start.ts), served by separate web and worker
 * processes (`src/main.ts web|worker`, bench/processes.ts) in each topology of BENCH_TOPOLOGY
 * ("1+1,2+2" by default: 1 web + 1 worker, then 2 web + 2 worker, each on a fresh database, the
 * load spread over the web processes round-robin by taker), measured in this order on the same data:
 *
 * - examStart2000: 2,000 participants press Start within one second (all fired at once).
 *   {ok, p50Ms, p99Ms, wallMs}. The other participants then start 32 at a time (not timed).
 * - dbRaw: the database alone, on the same server and data: the conditional single-document update
 *   of a started attempt that a save sent before ADR 0053, an upsert of a small document, and the
 *   insert of one answer version that a save sends now, each with 32 in flight.
 *   {updatesPerSec, upsertsPerSec, insertsPerSec}.
 * - autosaveCatPace5000: 5,000 takers with started attempts, each saving one answer every
 *   15–45 s (uniform; ~167 saves/s offered) for BENCH_PACE_S (60) s. As the real page does, a
 *   taker has one save out at a time: a save due while the previous one is out waits for it, and
 *   its latency counts from when it was due.
 * - autosaveBurst1000: 1,000 takers saving every 5 s (200/s offered) for BENCH_BURST_S (30) s.
 *   Both report {offeredPerSec, perSec, p50Ms, p99Ms, errors, unfinished, lost}: errors = replies
 *   other than 200 "saved: true" and connection errors; unfinished = saves with no reply
 *   BENCH_GRACE_S (30) s after the run; lost = acknowledged saves whose answer (slot, seq) is not
 *   in the database afterwards.
 * - grading2000: 2,000 attempts submitted while the grading queue is paused; then the queue is
 *   resumed and timed until every one is graded. {wallMs, perSec} (+ submitMs).
 *
 * Each saves a TWK or TIU answer (multiple choice), rotating over the taker's 65 such slots, so the
 * attempt documents grow as a real sitting's do. Loopback only; ends by itself.
 * Run alone: `npx tsx bench/exam-scale.ts` (needs MONGODB_URI and REDIS_URL).
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Types, type Model } from 'mongoose';
import { Agent, setGlobalDispatcher } from 'undici';
import { benchNip, pool, round1 } from './fixtures';
import { DbProfiler, describeProfile } from './db-profile';
import { cpuSecondsOf, cpuSecondsOfTree, servicePids } from './proc-stats';
import { startTopology, topologiesFrom, type RunningTopology, type Topology } from './processes';
import { examFixture, quantile, QUESTIONS_PER_ATTEMPT, queueDrained, type ExamParticipant } from './exam-start';
import { examApi } from '../plugins/activity-exam/test/exam-fixtures';
import type { TestEnv } from '../test/support/harness';
import { enrolmentId } from '../src/learning/learning-models';
import { hashToken, TOKEN_PREFIX, tokenDocId } from '../src/identity/identity-service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};

export interface Taker {
  token: string;
  attemptId: string;
  /** Multiple-choice slots (TWK, TIU) this taker saves to, in turn. */
  slots: string[];
  /** One more such slot, only for dbRaw's updates (their seqs would make paced saves stale). */
  rawSlot: string;
  /** The exam-session cookie the start issued (ADR 0029): saves without it are refused. */
  cookie: string;
  next: number;
  seq: number;
  /** The web process this taker's requests go to (round-robin over the topology's web processes). */
  base: string;
}

export interface PacedResult {
  takers: number;
  durationS: number;
  offeredPerSec: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  unfinished: number;
  lost: number;
  statuses: Record<string, number>;
  /** CPU ms per acknowledged save. */
  cpuMsPerOp: ReturnType<CpuPerOp['stop']>;
}

const headers = (token: string, cookie = '') => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', ...(cookie ? { cookie } : {}) });

/** `bina_exam_<attemptId>=<id>` from a start's Set-Cookie headers ('' when none). */
function examCookie(res: Response): string {
  for (const c of res.headers.getSetCookie()) {
    const m = /^(bina_exam_[a-f0-9]{24}=[^;]+)/.exec(c);
    if (m) return m[1]!;
  }
  return '';
}

function toTaker(p: ExamParticipant, body: { attempt?: { id: string }; questions?: Array<{ slot: string; name: string }> }, cookie: string): Taker {
  const slots = (body.questions ?? []).filter((q) => /^(twk|tiu)/.test(q.name)).map((q) => q.slot);
  return { token: p.token, attemptId: body.attempt!.id, slots: slots.slice(0, -1), rawSlot: slots.at(-1)!, cookie, next: 0, seq: 0, base: '' };
}

/**
 * More participants like examFixture's, written in bulk (users share one password hash; tokens and
 * enrolments as identity.createToken and learning.enrol write them): creating 5,000 one by one
 * with argon2 would take the bench longer than the scenarios.
 */
async function bulkParticipants(env: TestEnv, courseId: Types.ObjectId, like: ExamParticipant, from: number, to: number): Promise<ExamParticipant[]> {
  const conn = env.kernel.services.conn;
  const User = conn.model('identity_users') as Model<Record<string, unknown>>;
  const ApiToken = conn.model('identity_api_tokens') as Model<Record<string, unknown>>;
  const Enrolment = conn.model('learning_enrolments') as Model<Record<string, unknown>>;
  const model = (await User.findById(like.id).lean())!;
  const now = new Date();
  const out: ExamParticipant[] = [];
  for (let start = from; start < to; start += 500) {
    const users: Record<string, unknown>[] = [];
    const tokens: Record<string, unknown>[] = [];
    const enrolments: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(to, start + 500); i++) {
      const _id = new Types.ObjectId();
      const nip = benchNip(i);
      users.push({ ...model, _id, username: nip, nip, name: `Peserta ${i + 1}`, createdAt: now });
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const hash = hashToken(token);
      tokens.push({ _id: tokenDocId(hash), userId: _id, name: 'bench', hash, hint: token.slice(0, TOKEN_PREFIX.length + 4), createdAt: now });
      enrolments.push({ _id: enrolmentId(courseId, _id), courseId, userId: _id, status: 'active', enrolledAt: now });
      out.push({ id: String(_id), token });
    }
    await User.collection.insertMany(users);
    await ApiToken.collection.insertMany(tokens);
    await Enrolment.collection.insertMany(enrolments);
  }
  return out;
}

/**
 * Started attempts for `participants`, as copies of attempts started through the API (same exam,
 * same drawn questions, a new id and owner): 5,000 starts through the API would dominate the
 * bench's run time, and examStart measures that path.
 */
async function cloneAttempts(env: TestEnv, templates: Taker[], participants: ExamParticipant[]): Promise<Taker[]> {
  const Attempt = examApi(env).service.models.Attempt;
  const docs = await Attempt.find({ _id: { $in: templates.slice(0, 50).map((t) => new Types.ObjectId(t.attemptId)) } }).lean();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const out: Taker[] = [];
  for (let start = 0; start < participants.length; start += 250) {
    const batch: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(participants.length, start + 250); i++) {
      const tpl = templates[i % Math.min(50, templates.length)]!;
      const doc = byId.get(tpl.attemptId)!;
      const _id = new Types.ObjectId();
      batch.push({ ...doc, _id, userId: new Types.ObjectId(participants[i]!.id), answers: {}, client: undefined, session: undefined });
      // Same devices as the template, so the template's exam-session id, under this attempt's name.
      const cookie = tpl.cookie ? tpl.cookie.replace(/^bina_exam_[a-f0-9]{24}=/, `bina_exam_${String(_id)}=`) : '';
      out.push({ token: participants[i]!.token, attemptId: String(_id), slots: tpl.slots, rawSlot: tpl.rawSlot, cookie, next: 0, seq: 0, base: '' });
    }
    await Attempt.collection.insertMany(batch);
  }
  return out;
}

/** N Start presses fired at once. */
async function startStampede(load: Load, examId: string, participants: ExamParticipant[]) {
  const lat: number[] = [];
  const takers: Taker[] = [];
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  const cpu = new CpuPerOp(load.procs);
  const w0 = performance.now();
  await Promise.all(participants.map(async (p, i) => {
    const t = performance.now();
    let status = 0;
    try {
      const res = await fetch(`${load.urls[i % load.urls.length]}/api/v1/activity-exam/exams/${examId}/attempts`, { method: 'POST', headers: headers(p.token), body: '{}' });
      status = res.status;
      const body = (await res.json().catch(() => ({}))) as Parameters<typeof toTaker>[1];
      if (status === 201 && body.questions?.length === QUESTIONS_PER_ATTEMPT) takers.push(toTaker(p, body, examCookie(res)));
      else if (status === 201) status = -201; // a 201 without its 110 questions
    } catch (e) {
      status = 0;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (errors.length < 3) errors.push(`${(e as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`);
    }
    lat.push(performance.now() - t);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }));
  const wallMs = Math.round(performance.now() - w0);
  const cpuMsPerOp = cpu.stop(takers.length);
  lat.sort((a, b) => a - b);
  return { takers, result: { cpuMsPerOp, n: participants.length, ok: takers.length, p50Ms: quantile(lat, 50), p99Ms: quantile(lat, 99), maxMs: quantile(lat, 100), wallMs, startsPerSec: round1(participants.length / (wallMs / 1000)), statuses, ...(errors.length ? { errors } : {}) } };
}

/**
 * Paced saves: each taker's first save falls due at a random moment in its first interval, then
 * one every `interval()` ms, until `durationS`; all answered or abandoned `graceS` after that.
 */
export async function pacedAutosave(load: Load, takers: Taker[], durationS: number, interval: () => number, firstWithin: number, graceS: number): Promise<PacedResult> {
  const env = load.env;
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let unfinished = 0;
  let sent = 0;
  /** attemptId -> slot -> highest acknowledged seq. */
  const acked = new Map<string, Map<string, number>>();
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  const deadline = end + graceS * 1000;
  const cpu = new CpuPerOp(load.procs);

  // `due`: when the taker's page wanted to save; the wait behind its previous save counts.
  const saveOnce = async (tk: Taker, due: number) => {
    const slot = tk.slots[tk.next++ % tk.slots.length]!;
    const seq = ++tk.seq;
    sent += 1;
    try {
      const res = await fetch(`${tk.base}/api/v1/activity-exam/attempts/${tk.attemptId}/answers/${slot}`, {
        method: 'PUT', headers: headers(tk.token, tk.cookie), signal: AbortSignal.timeout(Math.max(1, Math.round(deadline - performance.now()))),
        body: JSON.stringify({ seq, response: { selected: [seq % 2 ? 'a' : 'b'] } }),
      });
      const text = await res.text();
      lat.push(performance.now() - due);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200 && text.includes('"saved":true')) {
        const m = acked.get(tk.attemptId) ?? new Map<string, number>();
        m.set(slot, Math.max(m.get(slot) ?? 0, seq));
        acked.set(tk.attemptId, m);
      } else errors += 1;
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') unfinished += 1;
      else {
        errors += 1;
        const code = (e as { cause?: { code?: string } }).cause?.code ?? name;
        statuses[code] = (statuses[code] ?? 0) + 1;
      }
    }
  };

  // Each taker's page sends one save at a time (plugins/activity-exam/public/attempt.js): a save
  // that falls due while the previous one is still out waits for it. (Concurrent writes to one
  // attempt document can lose one another on FerretDB 1.x, ADR 0026; the real client never sends them.)
  await Promise.all(takers.map(async (tk) => {
    let due = t0 + Math.random() * firstWithin;
    while (due < end) {
      await sleep(Math.max(0, due - performance.now()));
      if (performance.now() >= deadline) {
        unfinished += 1;
        sent += 1;
      } else await saveOnce(tk, due);
      due += interval();
    }
  }));
  const wallS = Math.max(durationS, (performance.now() - t0) / 1000);
  const cpuMsPerOp = cpu.stop(lat.length);

  // Lost: an acknowledged (slot, seq) that the database does not hold (or holds older). Answers
  // live in their own documents (ADR 0053): read per attempt as the grader does, one query each.
  const svc = examApi(env).service;
  let lost = 0;
  await pool([...acked.keys()], 8, async (id) => {
    const doc = await svc.models.Attempt.findById(id, { answers: 1 }).lean();
    const answers = await svc.answersOf({ _id: new Types.ObjectId(id), answers: doc?.answers ?? {} });
    for (const [slot, seq] of acked.get(id)!) if ((answers[slot]?.seq ?? 0) < seq) lost += 1;
  });
  lat.sort((a, b) => a - b);
  return {
    takers: takers.length, durationS, offeredPerSec: round1(sent / durationS), perSec: round1(lat.length / wallS),
    p50Ms: quantile(lat, 50), p99Ms: quantile(lat, 99), maxMs: quantile(lat, 100), errors, unfinished, lost, statuses, cpuMsPerOp,
  };
}

/**
 * Where one save's time goes, with no load: `n` sequential saves over HTTP, every database
 * operation they send counted and timed (bench/db-profile.ts). httpMs - dbMs is the application's
 * own time (authentication, validation, access rules, provisional grade, board message).
 */
async function saveBreakdown(env: TestEnv, takers: Taker[], n: number) {
  // Each taker's token is used once in this process before the timed saves: a taker saving every
  // 30 s is served from the auth cache (ADR 0067), and a first request is not what a sitting is made of.
  const saveOnce = async (tk: Taker) => {
    const slot = tk.slots[tk.next++ % tk.slots.length]!;
    const res = await fetch(`${env.url}/api/v1/activity-exam/attempts/${tk.attemptId}/answers/${slot}`, { method: 'PUT', headers: headers(tk.token, tk.cookie), body: JSON.stringify({ seq: ++tk.seq, response: { selected: ['a'] } }) });
    await res.arrayBuffer();
  };
  for (let i = 0; i < n; i++) await saveOnce(takers[(i * 7) % takers.length]!);
  const profiler = new DbProfiler(env.kernel.services.conn);
  const lat: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const tk = takers[(i * 7) % takers.length]!;
      const slot = tk.slots[tk.next++ % tk.slots.length]!;
      const seq = ++tk.seq;
      const t = performance.now();
      const res = await fetch(`${env.url}/api/v1/activity-exam/attempts/${tk.attemptId}/answers/${slot}`, { method: 'PUT', headers: headers(tk.token, tk.cookie), body: JSON.stringify({ seq, response: { selected: ['a'] } }) });
      const text = await res.text();
      lat.push(performance.now() - t);
      if (res.status !== 200 || !text.includes('"saved":true')) throw new Error(`save breakdown: ${res.status} ${text.slice(0, 200)}`);
    }
  } catch (e) {
    profiler.stop(n); // the wrappers always come off
    throw e;
  }
  const profile = profiler.stop(n);
  lat.sort((a, b) => a - b);
  const httpMs = round1(lat.reduce((x, y) => x + y, 0) / lat.length);
  return { saves: n, httpMs, httpP50Ms: quantile(lat, 50), dbMs: profile.dbMsPerUnit, appMs: round1(httpMs - profile.dbMsPerUnit), opsPerSave: profile.opsPerUnit, ops: describeProfile(profile), profile };
}

/**
 * Where one grade's time goes: `takers`' attempts are marked submitted in the database (no job is
 * enqueued, so no worker takes them) and graded one by one in this process by the grade job's own
 * code, every database operation counted and timed.
 */
async function gradeBreakdown(env: TestEnv, takers: Taker[]) {
  const api = examApi(env);
  const ids = takers.map((t) => new Types.ObjectId(t.attemptId));
  await api.service.models.Attempt.updateMany({ _id: { $in: ids }, state: 'in_progress' }, { $set: { state: 'submitted', submittedAt: new Date(), submittedBy: 'learner' } });
  const profiler = new DbProfiler(env.kernel.services.conn);
  const t0 = performance.now();
  try {
    for (const id of ids) await api.grading.grade(String(id));
  } catch (e) {
    profiler.stop(ids.length);
    throw e;
  }
  const ms = round1((performance.now() - t0) / ids.length);
  const profile = profiler.stop(ids.length);
  return { attempts: ids.length, msPerGrade: ms, dbMs: profile.dbMsPerUnit, opsPerGrade: profile.opsPerUnit, ops: describeProfile(profile), profile };
}

/**
 * CPU spent per operation during a phase, in ms: `node` is this process (the kernel, web and
 * worker, and the load generator: an upper bound for the server), `ferretdb` and `postgres` the
 * database (postgres with its backends). null where the pid is unknown.
 */
export class CpuPerOp {
  private readonly pids = servicePids();
  private readonly start: ReturnType<CpuPerOp['read']>;
  constructor(private readonly procs?: RunningTopology) {
    this.start = this.read();
  }
  private read() {
    const u = process.cpuUsage();
    const children = this.procs?.cpu();
    return {
      node: (u.user + u.system) / 1e6,
      web: children ? children.web : null,
      worker: children ? children.worker : null,
      ferretdb: this.pids.db ? cpuSecondsOf(this.pids.db) : null,
      postgres: this.pids.postgres ? cpuSecondsOfTree(this.pids.postgres) : null,
    };
  }
  /** ms per op; with a topology, `node` is the load generator alone and `web`/`worker` the processes that serve. */
  stop(ops: number): { node: number | null; web: number | null; worker: number | null; ferretdb: number | null; postgres: number | null } {
    const end = this.read();
    const per = (a: number | null, b: number | null) => (a === null || b === null || ops <= 0 ? null : round1(((b - a) * 1000) / ops));
    return { node: per(this.start.node, end.node), web: per(this.start.web, end.web), worker: per(this.start.worker, end.worker), ferretdb: per(this.start.ferretdb, end.ferretdb), postgres: per(this.start.postgres, end.postgres) };
  }
}

/** Where the load goes: the web processes' base URLs (round-robin by taker) and, in a multi-process topology, their pids. */
export interface Load {
  env: TestEnv;
  urls: string[];
  procs?: RunningTopology;
}

/** `fn` looped with `inFlight` at a time for `durationS`: operations per second. */
async function rawLoop(durationS: number, inFlight: number, fn: (i: number) => Promise<unknown>): Promise<{ perSec: number; errors: number; p50Ms: number; p99Ms: number; cpuMsPerOp: ReturnType<CpuPerOp['stop']> }> {
  const cpu = new CpuPerOp();
  const lat: number[] = [];
  let errors = 0;
  let i = 0;
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await fn(i++);
        lat.push(performance.now() - t);
      } catch {
        errors += 1;
      }
    }
  }));
  lat.sort((a, b) => a - b);
  const cpuMsPerOp = cpu.stop(lat.length);
  return { perSec: round1(lat.length / ((performance.now() - t0) / 1000)), errors, p50Ms: quantile(lat, 50), p99Ms: quantile(lat, 99), cpuMsPerOp };
}

export async function dbRaw(env: TestEnv, takers: Taker[], durationS: number) {
  const Attempt = examApi(env).service.models.Attempt;
  const seqBase = 10_000_000;
  // The update saveAnswer sends (exam-service.ts), on a slot the paced runs also use.
  const updates = await rawLoop(durationS, 32, async (i) => {
    const tk = takers[i % takers.length]!;
    const path = `answers.${tk.rawSlot}`;
    const now = new Date();
    const seq = seqBase + i;
    const r = await Attempt.updateOne(
      { _id: new Types.ObjectId(tk.attemptId), state: 'in_progress', $and: [{ $or: [{ deadline: { $exists: false } }, { deadline: null }, { deadline: { $gt: new Date(now.getTime() - 10_000) } }] }, { $or: [{ [`${path}.seq`]: { $exists: false } }, { [`${path}.seq`]: { $lt: seq } }] }] },
      { $set: { [path]: { r: { selected: ['a'] }, seq, at: now, p: 5 } } },
    );
    if (r.matchedCount !== 1) throw new Error('not matched');
  });
  const coll = env.kernel.services.conn.db!.collection<{ _id: string; v: number; at: Date }>('bench_raw_upserts');
  const upserts = await rawLoop(durationS, 32, (i) => coll.updateOne({ _id: `k${i % 5000}` }, { $set: { v: i, at: new Date() } }, { upsert: true }));
  await coll.drop().catch(() => undefined);
  // What a save writes since ADR 0053: one answer version, inserted (on the answers collection, with its indexes).
  const svc = examApi(env).service;
  const inserts = await rawLoop(durationS, 32, async (i) => {
    const tk = takers[i % takers.length]!;
    const r = await svc.answers.insert({ _id: new Types.ObjectId(tk.attemptId), parentId: new Types.ObjectId(), userId: null }, tk.rawSlot, { selected: ['a'] }, seqBase + i, new Date());
    if (r !== 'saved') throw new Error('not inserted');
  });
  return { updatesPerSec: updates.perSec, upsertsPerSec: upserts.perSec, insertsPerSec: inserts.perSec, updates, upserts, inserts };
}

async function gradeAll(load: Load, examId: string, takers: Taker[]) {
  const env = load.env;
  const q = env.kernel.services.queues.allQueues().find((x) => x.name === 'activity-exam.grade');
  if (!q) throw new Error('no activity-exam.grade queue');
  const Attempt = examApi(env).service.models.Attempt;
  const ids = takers.map((t) => new Types.ObjectId(t.attemptId));
  await q.pause();
  const s0 = performance.now();
  let submitErrors = 0;
  try {
    await pool(takers, 32, async (tk) => {
      const res = await fetch(`${tk.base}/api/v1/activity-exam/attempts/${tk.attemptId}/submit`, { method: 'POST', headers: headers(tk.token, tk.cookie) });
      await res.arrayBuffer();
      if (res.status !== 202 && res.status !== 200) submitErrors += 1;
    });
  } finally {
    await q.resume();
  }
  const submitMs = Math.round(performance.now() - s0);
  const t0 = performance.now();
  const cpu = new CpuPerOp(load.procs);
  const limit = t0 + 600_000;
  // Watched through the queue's counts (Redis), not the attempts: a count of 2,000 ids every 200 ms
  // was a whole-collection read on FerretDB (a `$in` filter is not pushed down), and it cost the
  // server more than the grading it measured (ADR 0067). The database is read once, at the end.
  while (performance.now() < limit) {
    const c = await q.getJobCounts('wait', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused');
    if (Object.values(c).every((n) => n === 0)) break;
    await sleep(200);
  }
  const wallMs = Math.round(performance.now() - t0);
  const graded = await Attempt.countDocuments({ _id: { $in: ids }, state: { $in: ['graded', 'needs_grading'] } });
  const cpuMsPerOp = cpu.stop(graded);
  return { cpuMsPerOp, attempts: takers.length, graded, wallMs, perSec: round1(graded / (wallMs / 1000)), submitMs, submitErrors, concurrency: 4 * (load.procs?.workerPids.length ?? 1) };
}

export async function benchExamScale(opts: { takers?: number; starts?: number; burst?: number; grade?: number; paceS?: number; burstS?: number; rawS?: number; graceS?: number; say?: (m: string) => void } = {}) {
  const say = opts.say ?? ((m: string) => process.stderr.write(`exam-scale: ${m}\n`));
  const nTakers = opts.takers ?? num('BENCH_EXAM_TAKERS', 5000);
  const nStarts = Math.min(nTakers, opts.starts ?? num('BENCH_EXAM_STARTS', 2000));
  const nBurst = Math.min(nTakers, opts.burst ?? num('BENCH_BURST_TAKERS', 1000));
  const nGrade = Math.min(nTakers, opts.grade ?? num('BENCH_GRADE_EXAMS', 2000));
  const paceS = opts.paceS ?? num('BENCH_PACE_S', 60);
  const burstS = opts.burstS ?? num('BENCH_BURST_S', 30);
  const rawS = opts.rawS ?? num('BENCH_RAW_S', 10);
  const graceS = opts.graceS ?? num('BENCH_GRACE_S', 30);
  // Real takers each have their own connection; the stampede needs one per Start.
  // A browser waits minutes for a connection and an answer; undici's defaults (10 s to connect,
  // 300 s for headers) would count a slow accept under a stampede as a connection error.
  setGlobalDispatcher(new Agent({ connections: Math.max(nStarts, 1024) + 10, pipelining: 1, connect: { timeout: 600_000 }, headersTimeout: 900_000, bodyTimeout: 900_000 }));

  const sizes = { nTakers, nStarts, nBurst, nGrade, paceS, burstS, rawS, graceS };
  const runs: Record<string, Awaited<ReturnType<typeof runTopology>>> = {};
  for (const t of topologiesFrom()) {
    say(`topology ${t.name}: ${t.webs} web and ${t.workers} worker processes`);
    runs[t.name] = await runTopology(t, sizes, (m) => say(`[${t.name}] ${m}`));
  }
  const first = Object.values(runs)[0]!;
  // The scenario keys come from the first topology (1+1 by default); every topology's figures are under `topologies`.
  return { ...first, topologies: runs };
}

/** Every scenario once, on a fresh database, with the load spread over topology `t`'s web processes. */
async function runTopology(t: Topology, z: { nTakers: number; nStarts: number; nBurst: number; nGrade: number; paceS: number; burstS: number; rawS: number; graceS: number }, say: (m: string) => void) {
  const t0 = performance.now();
  say(`setup: an exam and ${z.nTakers} enrolled participants with tokens`);
  // The bench's own kernel only sets up, profiles one save and enqueues nothing it would run: no workers in it.
  const { env, examId, courseId, participants: first } = await examFixture(1, {}, { role: 'web' });
  let procs: RunningTopology | undefined;
  try {
    procs = await startTopology(t, env.childEnv);
    const load: Load = { env, urls: procs.urls, procs };
    const participants = [first[0]!, ...(await bulkParticipants(env, new Types.ObjectId(courseId), first[0]!, 1, z.nTakers))];
    const setupMs = Math.round(performance.now() - t0);
    say(`setup: done in ${(setupMs / 1000).toFixed(0)} s; examStart${z.nStarts}: ${z.nStarts} Start presses at once`);
    const stampede = await startStampede(load, examId, participants.slice(0, z.nStarts));
    say(`examStart: ${JSON.stringify(stampede.result)}; ${z.nTakers - z.nStarts} more started attempts (copies)`);
    if (stampede.takers.length === 0) throw new Error('no Start succeeded');
    const started = new Set(stampede.takers.map((x) => x.token));
    const takers = [...stampede.takers, ...(await cloneAttempts(env, stampede.takers, participants.filter((p) => !started.has(p.token))))];
    takers.forEach((tk, i) => (tk.base = load.urls[i % load.urls.length]!));
    const progressDrainMs = await queueDrained(env, 'activity-exam.progress', 300_000);
    const info = (await env.kernel.services.conn.db!.admin().command({ buildInfo: 1 }).catch(() => ({}))) as { version?: string; ferretdbVersion?: string };
    const server = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion.replace(/^v/, '')}` : `MongoDB ${info.version ?? '?'}`;
    say(`started ${takers.length} attempts (progress jobs drained in ${progressDrainMs} ms); dbRaw: ${z.rawS} s each of updates, upserts and inserts`);
    const breakdown = await saveBreakdown(env, takers, 100);
    say(`one save, sequential: ${JSON.stringify({ ...breakdown, profile: undefined })}`);
    const raw = await dbRaw(env, takers, z.rawS);
    say(`dbRaw: ${raw.updatesPerSec} updates/s, ${raw.upsertsPerSec} upserts/s, ${raw.insertsPerSec} answer inserts/s; autosaveCatPace${takers.length}: ${z.paceS} s`);
    const pace = await pacedAutosave(load, takers, z.paceS, () => 15_000 + Math.random() * 30_000, 30_000, z.graceS);
    say(`autosaveCatPace: ${JSON.stringify(pace)}; autosaveBurst${z.nBurst}: ${z.burstS} s`);
    const burst = await pacedAutosave(load, takers.slice(0, z.nBurst), z.burstS, () => 5_000, 5_000, z.graceS);
    say(`autosaveBurst: ${JSON.stringify(burst)}; grading${z.nGrade}`);
    const grading = await gradeAll(load, examId, takers.slice(0, z.nGrade));
    say(`grading: ${JSON.stringify(grading)}`);
    const gradeSteps = takers.length >= z.nGrade + 20 ? await gradeBreakdown(env, takers.slice(z.nGrade, z.nGrade + 20)) : undefined;
    if (gradeSteps) say(`one grade, sequential: ${JSON.stringify({ ...gradeSteps, profile: undefined })}`);
    return { topology: t.name, server, setupMs, takers: takers.length, saveBreakdown: breakdown, gradeBreakdown: gradeSteps, examStart: stampede.result, dbRaw: raw, autosaveCatPace: pace, autosaveBurst: burst, grading, progressDrainMs };
  } finally {
    await queueDrained(env, 'activity-exam.grade', 120_000).catch(() => null);
    await procs?.stop();
    await Promise.race([env.stop(), sleep(60_000)]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchExamScale()));
  process.exit(0);
}
