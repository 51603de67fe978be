/**
 * Exam-start stampede: N participants press Start within the same second. Set-up (users, tokens,
 * enrolment, a CAT-like bank of 3 sections, 110 questions drawn per participant) is outside the
 * timing; then all N `POST /api/v1/activity-exam/exams/:id/attempts` are fired at once from this
 * process and each must answer 201 with its own attempt and its 110 questions. Afterwards the
 * database must hold exactly one attempt per participant.
 *
 * For scale, the same N participants first fire N `GET /api/v1/auth/me` at once with a second,
 * never used token each (`authFloor`): what authenticating N cold bearer tokens costs on this
 * server before any exam code runs. On FerretDB 1.x that is most of a start (docs/adr/0021).
 *
 * Run alone: `npx tsx bench/exam-start.ts 500` (needs MONGODB_URI and REDIS_URL, as npm run bench
 * sets). Loopback only; ends by itself.
 */
import { pathToFileURL } from 'node:url';
import { Agent, setGlobalDispatcher } from 'undici';
import { createUser, startTestEnv, type TestEnv } from '../test/support/harness';
import { createBank, createCourse, createExam, examApi, type SectionSpec } from '../plugins/activity-exam/test/exam-fixtures';
import { benchNip, pool, round1 } from './fixtures';

export const EXAM_SECTIONS: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 40, draw: 30, mark: 5, pass: { mode: 'points', value: 65 } },
  { key: 'tiu', kind: 'mc', pool: 45, draw: 35, mark: 5, pass: { mode: 'points', value: 80 } },
  { key: 'tkp', kind: 'tkp', pool: 55, draw: 45, mark: 5, pass: { mode: 'points', value: 166 } },
];
export const QUESTIONS_PER_ATTEMPT = EXAM_SECTIONS.reduce((n, s) => n + (s.draw ?? s.pool), 0);

export interface ExamParticipant {
  id: string;
  token: string;
  /** A second token, only for the authentication baseline (a token's first use is the cold one). */
  spareToken?: string;
}

/** A kernel with a CAT-like exam and N enrolled participants with API tokens. */
export async function examFixture(n: number, settings: Record<string, unknown> = {}, opts: { spareTokens?: boolean; role?: 'all' | 'web' } = {}): Promise<{ env: TestEnv; examId: string; courseId: string; participants: ExamParticipant[] }> {
  const env = await startTestEnv({ role: opts.role ?? 'all' });
  try {
    const trainer = await createUser(env, 'trainer', 'Pelatih Bench');
    const courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, EXAM_SECTIONS);
    const { exam } = await createExam(trainer, courseId, EXAM_SECTIONS, { timeLimitMinutes: 100, ...settings });
    const participants = await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
      const u = await env.kernel.identity.createUser({ nip: benchNip(i), name: `Peserta ${i + 1}`, password: 'Rahasia-Bench-123', roles: ['learner'] });
      const id = String(u._id);
      const { token } = await env.kernel.identity.createToken(id, 'bench');
      const spare = opts.spareTokens ? (await env.kernel.identity.createToken(id, 'bench-auth')).token : undefined;
      await env.kernel.learning.enrol(id, courseId);
      return { id, token, ...(spare ? { spareToken: spare } : {}) };
    });
    return { env, examId: exam.id, courseId, participants };
  } catch (e) {
    await env.stop();
    throw e;
  }
}

export const quantile = (sorted: number[], p: number) => (sorted.length ? round1(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!) : 0);

/** Fires one request per participant at once; latencies sorted, statuses counted. */
async function stampede(participants: ExamParticipant[], send: (p: ExamParticipant) => Promise<Response>, check: (p: ExamParticipant, status: number, body: unknown) => void = () => undefined) {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  const w0 = performance.now();
  await Promise.all(
    participants.map(async (p) => {
      const s = performance.now();
      let status = 0;
      let body: unknown = null;
      try {
        const res = await send(p);
        status = res.status;
        body = await res.json().catch(() => null);
      } catch {
        status = 0; // connection error
      }
      lat.push(performance.now() - s);
      statuses[status] = (statuses[status] ?? 0) + 1;
      check(p, status, body);
    }),
  );
  const wallMs = Math.round(performance.now() - w0);
  lat.sort((a, b) => a - b);
  return { wallMs, statuses, latencyMs: { p50: quantile(lat, 50), p99: quantile(lat, 99), max: quantile(lat, 100) } };
}

/** Ms until the queue has no waiting, delayed or active job (null when it did not get there in time). */
export async function queueDrained(env: TestEnv, name: string, timeoutMs: number): Promise<number | null> {
  const q = env.kernel.services.queues.allQueues().find((x) => x.name === name);
  if (!q) return 0;
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const c = await q.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    if (Object.values(c).every((v) => v === 0)) return Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

export async function benchExamStart(n = 500, opts: { authFloor?: boolean } = {}) {
  const withFloor = opts.authFloor ?? true;
  // Enough sockets for every participant at once (undici's default pool would queue them).
  setGlobalDispatcher(new Agent({ connections: n + 10, pipelining: 1 }));
  const t0 = performance.now();
  const { env, examId, participants } = await examFixture(n, {}, { spareTokens: withFloor });
  const setupMs = Math.round(performance.now() - t0);
  try {
    const authFloor = withFloor
      ? await stampede(participants, (p) => fetch(`${env.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${p.spareToken}`, accept: 'application/json' } }))
      : undefined;

    const ids = new Set<string>();
    const errors: string[] = [];
    const run = await stampede(
      participants,
      (p) => fetch(`${env.url}/api/v1/activity-exam/exams/${examId}/attempts`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json', accept: 'application/json' }, body: '{}' }),
      (_p, status, body) => {
        const b = body as { attempt?: { id: string }; questions?: unknown[]; error?: { code: string } } | null;
        if (status === 201 && b?.attempt && b.questions?.length === QUESTIONS_PER_ATTEMPT) ids.add(b.attempt.id);
        else if (errors.length < 5) errors.push(`${status} ${b?.error?.code ?? JSON.stringify(b).slice(0, 120)}`);
      },
    );
    // Exactly one attempt per participant, none lost, none doubled.
    const Attempt = examApi(env).service.models.Attempt;
    const inDb = await Attempt.countDocuments({ examId });
    const users = (await Attempt.distinct('userId', { examId })).length;
    // The "viewed" progress the starts handed to the worker (a job each): how long it trails.
    const progressDrainMs = await queueDrained(env, 'activity-exam.progress', 180_000);
    return {
      participants: n, questionsPerAttempt: QUESTIONS_PER_ATTEMPT, setupMs,
      wallMs: run.wallMs, startsPerSec: round1(n / (run.wallMs / 1000)), ok: ids.size, statuses: run.statuses, latencyMs: run.latencyMs,
      attemptsInDb: inDb, participantsWithAttempt: users, progressDrainMs,
      ...(authFloor ? { authFloor } : {}),
      ...(errors.length ? { errors } : {}),
    };
  } finally {
    await env.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchExamStart(Number(process.argv[2] ?? 500), { authFloor: process.env.BENCH_AUTH_FLOOR !== '0' })));
  process.exit(0);
}
