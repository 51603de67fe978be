/**
 * Test harness: builds a real kernel against the real MongoDB-protocol server and Redis that
 * `npm test` started (scripts/services), each on its own database and queue prefix, listening on
 * a free port. Nothing is mocked; each test file owns its data and drops it at the end.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { Kernel, type KernelRole } from '../../src/host/kernel';
import { createLogger } from '../../src/kernel/logger';
import type { Role } from '../../src/kernel/plugins/manifest';
import type { Clock } from '../../src/kernel/clock';
import { seedDemo } from '../../src/cli/demo-seed';

export interface TestEnvOptions {
  /** Only these plugins are loaded (tests build small kernels). Default: all. */
  only?: string[];
  role?: KernelRole;
  env?: Record<string, string>;
  /** The kernel's clock (a ManualClock for tests of time: retention, deadlines). @default the system clock */
  clock?: Clock;
}

/** A clock a test moves by hand: starts at `start` and stands still until `advance`. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date = new Date()) {
    this.t = start.getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestEnv {
  kernel: Kernel;
  url: string;
  config: Config;
  /** Environment for child processes (workers) that must share this database and queue prefix. */
  childEnv: Record<string, string>;
  stop(): Promise<void>;
}

let counter = 0;

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
}

/** Env for a kernel on a fresh database and queue prefix. */
export function testEnvVars(extra: Record<string, string> = {}): Record<string, string> {
  const base = process.env.MONGODB_URI;
  const redis = process.env.REDIS_URL;
  if (!base || !redis) throw new Error('MONGODB_URI and REDIS_URL must be set: run the tests with `npm test`');
  const db = uniqueName('bina_test');
  const uri = new URL(base);
  uri.pathname = `/${db}`;
  return {
    NODE_ENV: 'test',
    MONGODB_URI: uri.toString(),
    REDIS_URL: redis,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    BINA_QUEUE_PREFIX: uniqueName('bq'),
    BINA_PASSWORD_HASH_MEMORY_KIB: '4096',
    BINA_JOB_LOCK_MS: '5000',
    BINA_JOB_STALLED_INTERVAL_MS: '1000',
    LOG_LEVEL: process.env.BINA_TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    // Uploaded files of this kernel only (removed by stop()).
    BINA_DATA_DIR: join(tmpdir(), uniqueName('bina-data')),
    ...extra,
  };
}

export async function startTestEnv(opts: TestEnvOptions = {}): Promise<TestEnv> {
  const childEnv = testEnvVars(opts.env);
  const config = loadConfig(childEnv);
  const kernel = await Kernel.create({ config, role: opts.role ?? 'all', only: opts.only, clock: opts.clock, logger: createLogger(config.LOG_LEVEL) });
  await kernel.learning.seedCompetencies();
  const url = await kernel.listen(0, '127.0.0.1');
  return {
    kernel,
    url,
    config,
    childEnv,
    async stop() {
      const queues = kernel.services.queues.allQueues();
      await Promise.allSettled(queues.map((q) => q.obliterate({ force: true })));
      await kernel.services.conn.dropDatabase().catch(() => undefined);
      await kernel.stop();
      await rm(config.BINA_DATA_DIR, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A JSON client for the API, authenticated with a bearer token (or anonymous). Like a browser it
 * keeps the cookies the server sets (an exam's exam-session cookie), so one client is one device;
 * a second `ApiClient` with the same token is the same person on another device.
 */
export class ApiClient {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string, readonly token?: string) {}

  /** The same person (token) on another device: no cookies. */
  otherDevice(): ApiClient {
    return new ApiClient(this.base, this.token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    if (this.cookies.size && !h.cookie) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (eq > 0) expired ? this.cookies.delete(pair!.slice(0, eq).trim()) : this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* HTML or empty */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get<T = any>(p: string) { return this.request<T>('GET', p); }
  post<T = any>(p: string, b?: unknown) { return this.request<T>('POST', p, b ?? {}); }
  put<T = any>(p: string, b?: unknown) { return this.request<T>('PUT', p, b ?? {}); }
  patch<T = any>(p: string, b?: unknown) { return this.request<T>('PATCH', p, b ?? {}); }
  delete<T = any>(p: string) { return this.request<T>('DELETE', p); }
}

export const TEST_PASSWORD = 'Rahasia-Uji-123';

let nipSeq = 0;
/** A valid, unique PNS NIP: birth date + CPNS start + sex + sequence (DOMAIN.md). */
export function makeNip(): string {
  nipSeq += 1;
  const day = String(1 + (nipSeq % 28)).padStart(2, '0');
  const seq = String(1 + ((nipSeq * 7 + process.pid) % 999)).padStart(3, '0');
  const month = String(1 + (Math.floor(nipSeq / 28) % 12)).padStart(2, '0');
  return `1990${month}${day}201503${nipSeq % 2 ? '1' : '2'}${seq}`;
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
  api: ApiClient;
}

/** Creates a user through the service (fixture set-up) and logs in over HTTP for a token. */
export async function createUser(env: TestEnv, role: Role, name = `${role} ${counter}`): Promise<TestUser> {
  const u = await env.kernel.identity.createUser(
    role === 'admin' ? { email: `${uniqueName('admin')}@test.local`, name, password: TEST_PASSWORD, roles: [role] } : { nip: makeNip(), name, password: TEST_PASSWORD, roles: [role] },
  );
  const token = await loginForToken(env.url, u.username, TEST_PASSWORD);
  return { id: String(u._id), username: u.username, token, api: new ApiClient(env.url, token) };
}

/** Logs in with the JSON login (cookie + CSRF) and creates a personal API token. */
export async function loginForToken(url: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/v1/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'test' }) });
  if (res.status !== 201) throw new Error(`token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Polls until `fn` returns a truthy value; fails with `what` after `timeoutMs`. No fixed sleeps. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until job `jobId` of `queue` has completed: then all its processor wrote and every event it
 * emitted (listeners are awaited) is done, not only the first write a test could poll for.
 */
export async function waitForJob(env: TestEnv, queue: string, jobId: string, timeoutMs = 20_000): Promise<void> {
  const q = env.kernel.services.queues.queue(queue);
  await waitFor(async () => (await (await q.getJob(jobId))?.getState()) === 'completed', `job ${jobId} of ${queue} to complete`, timeoutMs);
}

/** A course with a lesson and a quiz of the given questions, authored over the API by `trainer`. */
export async function createCourseWithQuiz(trainer: TestUser, opts: { questions?: Array<{ type: string; data: unknown; stem?: string }>; quiz?: Record<string, unknown> } = {}) {
  const course = await trainer.api.post('/api/v1/courses', { title: 'Kursus Uji', description: 'd', jp: 2, competencies: [{ code: 'MNJ-PP', level: 2 }], published: true });
  if (course.status !== 201) throw new Error(`course: ${course.status} ${JSON.stringify(course.body)}`);
  const courseId = course.body.course.id as string;
  const lesson = await trainer.api.post('/api/v1/activity-lesson/lessons', { courseId, title: 'Materi', markdown: '# Judul\n\nIsi **materi**.' });
  if (lesson.status !== 201) throw new Error(`lesson: ${lesson.status} ${JSON.stringify(lesson.body)}`);
  const qs = opts.questions ?? [
    { type: 'multichoice', data: { single: true, shuffle: true, options: [{ id: 'ka', text: 'Benar', fraction: 1 }, { id: 'kb', text: 'Salah', fraction: 0 }, { id: 'kc', text: 'Salah juga', fraction: 0 }] } },
    { type: 'truefalse', data: { correct: true } },
  ];
  const questionIds: string[] = [];
  for (const [i, q] of qs.entries()) {
    const r = await trainer.api.post('/api/v1/questions', { courseId, type: q.type, name: `Q${i + 1}`, stem: q.stem ?? `Pertanyaan ${i + 1}`, data: q.data });
    if (r.status !== 201) throw new Error(`question: ${r.status} ${JSON.stringify(r.body)}`);
    questionIds.push(r.body.question.id);
  }
  const quiz = await trainer.api.post('/api/v1/activity-quiz/quizzes', { courseId, title: 'Kuis', questions: questionIds.map((questionId) => ({ questionId })), ...opts.quiz });
  if (quiz.status !== 201) throw new Error(`quiz: ${quiz.status} ${JSON.stringify(quiz.body)}`);
  return { courseId, lessonId: lesson.body.lesson.id as string, quizId: quiz.body.quiz.id as string, questionIds };
}

export { seedDemo };
