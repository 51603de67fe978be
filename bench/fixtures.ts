/**
 * Bench fixtures on a fresh kernel (test/support/harness.ts): one trainer, a published course
 * with a two-question quiz (multichoice s1, true/false s2), and N learners, each enrolled, with a
 * personal API token and a started attempt. Users, tokens and enrolments go through the services
 * (the argon2 hash included, at the harness's cost); the attempts are inserted in one batch with
 * exactly the fields AttemptService.start writes, because starting 200 attempts one by one over
 * HTTP costs ~20 s on FerretDB (each start scans tokens, enrolments and attempts).
 */
import { randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { seededShuffle } from '../src/learning/seeded-shuffle';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, type TestEnv, type TestUser } from '../test/support/harness';
import type { AttemptService } from '../plugins/activity-quiz/attempt-service';
import type { AttemptDoc, QuizDoc } from '../plugins/activity-quiz/quiz-models';

export interface BenchLearner {
  id: string;
  token: string;
  attemptId: string;
}

export interface QuizFixture {
  courseId: string;
  quizId: string;
  questionIds: string[];
}

export interface SetupTimings {
  learners: number;
  totalMs: number;
  /** createUser (argon2id hash at the harness's BINA_PASSWORD_HASH_MEMORY_KIB) per learner. */
  createUserMsAvg: number;
  /** Inserting all the started attempts (one insertMany per 100). */
  attemptsInsertMs: number;
}

/** Responses valid for the default quiz of createCourseWithQuiz, alternated per request. */
export const SLOT_RESPONSES = [
  { slot: 's1', responses: [{ selected: ['ka'] }, { selected: ['kb'] }, { selected: ['kc'] }] },
  { slot: 's2', responses: [{ value: true }, { value: false }] },
];

export function attemptService(env: TestEnv): AttemptService {
  return (env.kernel.services.providers.require('activity-quiz').impl as { service: AttemptService }).service;
}

export function models(env: TestEnv): { Attempt: Model<AttemptDoc>; Quiz: Model<QuizDoc> } {
  const svc = attemptService(env);
  return { Attempt: svc.Attempt, Quiz: svc.Quiz };
}

/** A valid, unique PNS NIP for learner i (birth date 1970-01-01 + i days), good for thousands. */
export function benchNip(i: number): string {
  const d = new Date(Date.UTC(1970, 0, 1) + i * 86_400_000);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${ymd}201503${1 + (i % 2)}${String(1 + (i % 999)).padStart(3, '0')}`;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export async function createTrainerAndQuiz(env: TestEnv): Promise<{ trainer: TestUser; quiz: QuizFixture }> {
  const trainer = await createUser(env, 'trainer', 'Pelatih Bench');
  const quiz = await createCourseWithQuiz(trainer);
  return { trainer, quiz: { courseId: quiz.courseId, quizId: quiz.quizId, questionIds: quiz.questionIds } };
}

/** N learners (numbered from `offset`) with a token and an open attempt on `quiz`. Bounded concurrency (argon2 runs on libuv's 4 threads). */
export async function createLearners(env: TestEnv, quiz: QuizFixture, n: number, offset = 0): Promise<{ learners: BenchLearner[]; timings: SetupTimings }> {
  const t0 = performance.now();
  let userMs = 0;
  const users = await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
    const tu = performance.now();
    const u = await env.kernel.identity.createUser({ nip: benchNip(offset + i), name: `Peserta Bench ${offset + i + 1}`, password: TEST_PASSWORD, roles: ['learner'] });
    userMs += performance.now() - tu;
    const id = String(u._id);
    const { token } = await env.kernel.identity.createToken(id, 'bench');
    await env.kernel.learning.enrol(id, quiz.courseId);
    return { id, token };
  });

  // The attempts, as AttemptService.start creates them (no time limit: no deadline, no autosubmit job).
  const ta = performance.now();
  const { Attempt, Quiz } = models(env);
  const q = await Quiz.findById(quiz.quizId).lean();
  if (!q) throw new Error('bench quiz not found');
  const now = new Date();
  const docs = users.map((u) => {
    const seed = randomInt(0, 2 ** 31);
    const slots = q.shuffleQuestions ? seededShuffle(q.slots, seed) : q.slots;
    return {
      _id: new Types.ObjectId(),
      quizId: q._id, courseId: q.courseId, userId: new Types.ObjectId(u.id), number: 1, state: 'in_progress' as const, seed,
      slots: slots.map((s) => ({ slot: s.slot, questionId: s.questionId, mark: s.mark })), answers: {}, startedAt: now,
      maxScore: q.slots.reduce((sum, s) => sum + s.mark, 0), results: [], gradeCount: 0,
    };
  });
  for (let i = 0; i < docs.length; i += 100) await Attempt.insertMany(docs.slice(i, i + 100), { ordered: true });
  const attemptsInsertMs = performance.now() - ta;

  // One round trip through the real API proves the inserted attempts are what the service expects.
  const first = users[0];
  if (first) {
    const res = await fetch(`${env.url}/api/v1/activity-quiz/attempts/${docs[0]!._id}`, { headers: { authorization: `Bearer ${first.token}`, accept: 'application/json' } });
    const body = (await res.json()) as { attempt?: { state: string }; questions?: unknown[] };
    if (res.status !== 200 || body.attempt?.state !== 'in_progress' || body.questions?.length !== q.slots.length) throw new Error(`bench attempt check: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  const learners = users.map((u, i) => ({ id: u.id, token: u.token, attemptId: String(docs[i]!._id) }));
  return {
    learners,
    timings: { learners: n, totalMs: Math.round(performance.now() - t0), createUserMsAvg: round1(userMs / Math.max(1, n)), attemptsInsertMs: Math.round(attemptsInsertMs) },
  };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
