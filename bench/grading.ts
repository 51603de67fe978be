/**
 * Grading throughput through BullMQ: M submitted attempts are inserted directly with the kernel's
 * model (fast set-up), then one grade job each is enqueued exactly as submitAttempt does, and the
 * kernel's own in-process workers (role 'all', the plugin's concurrency) grade them. Next to it:
 * bare no-op BullMQ jobs on the same Redis with the same concurrency and job options, on a unique
 * prefix, so the ratio shows what grading costs above the queue itself.
 *
 * Invariants: completion is observed, never guessed: the `activity-quiz.attempt.graded` event is
 * counted (polled every few ms) and the database is checked afterwards (all M graded, each exactly
 * once). Every wait has a timeout; the bare queue is obliterated and its connections closed.
 */
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { uniqueName, type TestEnv } from '../test/support/harness';
import { pollUntil } from './abort';
import { models, round1, type BenchLearner, type QuizFixture } from './fixtures';
import { DbProfiler, probeFilterCost, type DbProfile, type FilterProbe } from './db-profile';
import { CpuMeter, servicePids, withOthers, type CpuShares } from './proc-stats';

const GRADE_QUEUE = 'activity-quiz.grade';

interface JobDecl {
  name: string;
  attempts?: number;
  backoffMs?: number;
  concurrency?: number;
}

/** The grade job's declaration (attempts, backoff, concurrency) from the plugin's manifest. */
export function gradeJobDecl(): Required<JobDecl> {
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../plugins/activity-quiz/plugin.json', import.meta.url)), 'utf8')) as { jobs: JobDecl[] };
  const d = manifest.jobs.find((j) => j.name === GRADE_QUEUE);
  return { name: GRADE_QUEUE, attempts: d?.attempts ?? 5, backoffMs: d?.backoffMs ?? 1000, concurrency: d?.concurrency ?? 1 };
}

export interface GradingResult {
  attempts: number;
  concurrency: number;
  insertMs: number;
  enqueueMs: number;
  /** From the first enqueue to the last attempt graded. */
  wallMs: number;
  perSec: number;
  /** Database operations per graded attempt (warm-up sample, same concurrency). */
  dbProfile: DbProfile;
  /** The last graded attempt fetched by { _id } and by { _id, state } (after the timed run). */
  filterProbe: FilterProbe;
  cpu: CpuShares;
}

export interface BareQueueResult {
  jobs: number;
  concurrency: number;
  enqueueMs: number;
  wallMs: number;
  perSec: number;
  cpu: CpuShares;
}

/** M submitted attempts on `quiz`, answered at random, owned round-robin by `learners`. */
async function insertSubmitted(env: TestEnv, quiz: QuizFixture, learners: BenchLearner[], m: number, numberBase: number): Promise<Types.ObjectId[]> {
  const { Attempt, Quiz } = models(env);
  const q = await Quiz.findById(quiz.quizId).lean();
  if (!q) throw new Error('grading quiz not found');
  const now = new Date();
  const maxScore = q.slots.reduce((s, x) => s + x.mark, 0);
  const docs = Array.from({ length: m }, (_, i) => ({
    _id: new Types.ObjectId(),
    quizId: q._id,
    courseId: q.courseId,
    userId: new Types.ObjectId(learners[i % learners.length]!.id),
    // (quizId, userId, number) is unique: numbers above anything a learner really used.
    number: numberBase + i,
    state: 'submitted' as const,
    seed: randomInt(0, 2 ** 31),
    slots: q.slots.map((s) => ({ slot: s.slot, questionId: s.questionId, mark: s.mark })),
    answers: {
      s1: { r: { selected: [['ka', 'kb', 'kc'][i % 3]!] }, seq: 1, at: now },
      s2: { r: { value: i % 2 === 0 }, seq: 1, at: now },
    },
    startedAt: now,
    submittedAt: now,
    submittedBy: 'learner' as const,
    maxScore,
    results: [],
    gradeCount: 0,
  }));
  for (let i = 0; i < docs.length; i += 100) await Attempt.insertMany(docs.slice(i, i + 100), { ordered: true });
  return docs.map((d) => d._id);
}

/** Enqueues one grade job per attempt, as AttemptService.submitAttempt does. */
async function enqueueGrades(env: TestEnv, ids: Types.ObjectId[]): Promise<void> {
  await Promise.all(ids.map((id) => env.kernel.services.queues.enqueue(GRADE_QUEUE, { attemptId: String(id) }, { key: `grade-${id}` })));
}

/** Grades `m` attempts through the kernel's workers; `warm` attempts first (untimed, counts DB ops). */
export async function runGrading(env: TestEnv, quiz: QuizFixture, learners: BenchLearner[], m: number, warm = 20): Promise<GradingResult> {
  const { Attempt } = models(env);
  const decl = gradeJobDecl();
  let graded = 0;
  const off = env.kernel.services.events.on('bench', 'activity-quiz.attempt.graded', () => {
    graded += 1;
  });
  try {
    // Warm-up and DB op count: a few attempts graded with mongoose's debug hook on.
    const warmIds = await insertSubmitted(env, quiz, learners, warm, 1_000_000);
    const profiler = new DbProfiler(env.kernel.services.conn);
    try {
      await enqueueGrades(env, warmIds);
      await pollUntil(() => graded >= warm, 'the warm-up attempts to be graded', 60_000, 5);
    } catch (e) {
      profiler.stop(warm); // the wrappers always come off
      throw e;
    }
    const dbProfile = profiler.stop(warm);

    const ti = performance.now();
    const ids = await insertSubmitted(env, quiz, learners, m, 2_000_000);
    const insertMs = Math.round(performance.now() - ti);

    graded = 0;
    const pids = servicePids();
    const meter = new CpuMeter({ db: pids.db, redis: pids.redis });
    const t0 = performance.now();
    await enqueueGrades(env, ids);
    const enqueueMs = Math.round(performance.now() - t0);
    await pollUntil(() => graded >= m, `${m} attempts to be graded`, 300_000, 5);
    const wallMs = performance.now() - t0;
    const cpu = withOthers(meter.stop());

    // The database agrees: every one graded, each exactly once.
    const mine = { quizId: new Types.ObjectId(quiz.quizId), number: { $gte: 2_000_000 } };
    const inDb = await Attempt.countDocuments({ ...mine, state: 'graded' });
    const once = await Attempt.countDocuments({ ...mine, gradeCount: 1 });
    if (inDb !== m || once !== m) throw new Error(`grading check: ${inDb}/${m} graded, ${once}/${m} with gradeCount 1`);
    const filterProbe = await probeFilterCost(Attempt, ids[ids.length - 1]!, { state: 'graded' });
    return {
      attempts: m,
      concurrency: decl.concurrency,
      insertMs,
      enqueueMs,
      wallMs: Math.round(wallMs),
      perSec: round1((m / wallMs) * 1000),
      dbProfile,
      filterProbe,
      cpu,
    };
  } finally {
    off();
  }
}

/** `m` no-op jobs through a bare Queue + Worker (same Redis, concurrency, job options), unique prefix. */
export async function runBareQueue(env: TestEnv, m: number, warm = 50): Promise<BareQueueResult> {
  const decl = gradeJobDecl();
  const prefix = uniqueName('bqbare');
  const name = 'bench-noop';
  const redisUrl = env.config.REDIS_URL;
  const qConn = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const wConn = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: qConn, prefix });
  let done = 0;
  const worker = new Worker(name, async () => undefined, {
    connection: wConn,
    prefix,
    concurrency: decl.concurrency,
    lockDuration: env.config.BINA_JOB_LOCK_MS,
    stalledInterval: env.config.BINA_JOB_STALLED_INTERVAL_MS,
    maxStalledCount: 5,
  });
  worker.on('completed', () => {
    done += 1;
  });
  // The same options QueueSystem.enqueue gives every job.
  const add = (key: string) =>
    queue.add(name, { attemptId: key }, {
      jobId: key,
      attempts: decl.attempts,
      backoff: { type: 'exponential', delay: decl.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 5000 },
      removeOnFail: false,
    });
  try {
    await worker.waitUntilReady();
    await Promise.all(Array.from({ length: warm }, (_, i) => add(`warm-${i}`)));
    await pollUntil(() => done >= warm, 'the warm-up no-op jobs', 30_000, 5);
    done = 0;
    const pids = servicePids();
    const meter = new CpuMeter({ db: pids.db, redis: pids.redis });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: m }, (_, i) => add(`noop-${i}`)));
    const enqueueMs = Math.round(performance.now() - t0);
    await pollUntil(() => done >= m, `${m} no-op jobs`, 120_000, 5);
    const wallMs = performance.now() - t0;
    const cpu = withOthers(meter.stop());
    return { jobs: m, concurrency: decl.concurrency, enqueueMs, wallMs: Math.round(wallMs), perSec: round1((m / wallMs) * 1000), cpu };
  } finally {
    await worker.close().catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
    await Promise.allSettled([qConn.quit(), wConn.quit()]);
  }
}
