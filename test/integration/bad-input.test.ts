/**
 * Bad input over HTTP against the real servers: every API route that takes a body, a query or
 * path parameters is sent malformed input (wrong types, unknown keys, invalid ids, broken JSON,
 * oversize strings) and domain-invalid input (question data, answers, NIPs…). Each must answer a
 * 4xx `{error:{code,message,details}}`, never a 500, and nothing stored may change.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { RouteEntry } from '../../src/http/route-table';
import { ApiClient, createCourseWithQuiz, createUser, makeNip, startTestEnv, TEST_PASSWORD, type ApiResponse, type TestEnv, type TestUser } from '../support/harness';

type Actor = 'admin' | 'trainer' | 'learner' | 'anon';

/** A request that passes validation; the generic cases break it one part at a time (never sent as is). */
interface ValidRequest {
  actor?: Actor;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
}

interface BadCase {
  name: string;
  actor: Actor;
  method: string;
  path: string;
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  status?: number;
  code?: string;
  /** Must match the JSON of `error.details`. */
  detail?: RegExp;
}

const CLIENT_ERROR_CODES = ['BINA_ERR_HTTP_VALIDATION', 'BINA_ERR_HTTP_BAD_REQUEST'];
/** Collections that must exist in the snapshot; every other collection of the database is compared too. */
const SNAPSHOT_COLLECTIONS = [
  'learning_courses', 'learning_questions', 'activity-quiz_quizzes', 'activity-quiz_attempts', 'activity-lesson_lessons', 'identity_users',
];
const HUGE = 'x'.repeat(250_001);

/** A value of another JSON type than `v`. */
function wrongType(v: unknown): unknown {
  if (typeof v === 'string') return 12345;
  if (typeof v === 'number') return 'bukan angka';
  if (typeof v === 'boolean') return 'ya';
  if (Array.isArray(v)) return 'bukan daftar';
  return 'bukan objek';
}

/** Whether `schema` refuses `{[field]: value}` because of that field (not only because others are missing). */
function refusedAt(schema: z.ZodType, field: string, value: unknown): boolean {
  const r = schema.safeParse({ [field]: value });
  return !r.success && r.error.issues.some((i) => i.path[0] === field);
}

/** The top-level fields of an object schema (refined and extended ones included). */
function schemaProperties(schema: z.ZodType): string[] {
  try {
    return Object.keys((z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {});
  } catch {
    return [];
  }
}

function pathParams(path: string): string[] {
  return (path.match(/:([A-Za-z0-9_]+)/g) ?? []).map((s) => s.slice(1));
}

function isStrict(schema: z.ZodType): boolean {
  return (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { additionalProperties?: unknown }).additionalProperties === false;
}

function expectClientError(res: ApiResponse, what: string, status = 400, code?: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
  expect(res.headers.get('content-type'), what).to.match(/application\/json/);
  expect(res.body?.error, what).to.be.an('object');
  if (code) expect(res.body.error.code, what).to.equal(code);
  else if (status === 400) expect(CLIENT_ERROR_CODES, what).to.include(res.body.error.code);
  expect(res.body.error.message, what).to.be.a('string').that.is.not.empty;
  expect(res.body.error, what).to.have.property('details');
  expect(res.body.error.details, what).to.not.equal(null);
}

describe('bad input', function () {
  // Booting a kernel (every plugin, every index) can take tens of seconds on a loaded machine.
  this.timeout(120_000);

  let env: TestEnv;
  let users: Record<Exclude<Actor, 'anon'>, TestUser>;
  let fx: {
    courseId: string; otherCourseId: string; otherQuestionId: string; quizId: string; lessonId: string; questionIds: string[]; attemptId: string;
    slots: Record<string, string>; tokenId: string; bankId: string; categoryId: string; qid: string;
    /** A valid certificate template and a saved one, when certificate-pdf is loaded. */
    certificateTemplate?: unknown; templateId?: string; unitId: string;
  };
  let snapshot: Record<string, unknown[]>;

  const client = (actor: Actor) => (actor === 'anon' ? new ApiClient(env.url) : users[actor].api);

  /** Every document of every collection; without when tokens were last used, which requests record (ADR 0067). */
  async function takeSnapshot() {
    const db = env.kernel.services.conn.db!;
    const out: Record<string, unknown[]> = {};
    for (const { name } of await db.listCollections().toArray()) {
      if (name === 'identity_api_token_use') continue;
      const docs = await db.collection(name).find().sort({ _id: 1 }).toArray();
      out[name] = name === 'identity_api_tokens' ? docs.map(({ lastUsedAt: _l, ...rest }) => rest) : docs;
    }
    for (const name of SNAPSHOT_COLLECTIONS) expect(out, 'collections').to.have.property(name);
    return out;
  }

  /** Path parameters of the fixtures, by name. */
  function paramValues(): Record<string, string> {
    return {
      courseId: fx.courseId, questionId: fx.questionIds[0]!, quizId: fx.quizId, lessonId: fx.lessonId, attemptId: fx.attemptId, slot: fx.slots.truefalse!,
      tokenId: fx.tokenId, userId: users.learner.id, unitId: fx.unitId, bankId: fx.bankId, qid: fx.qid, importId: '9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e',
      noticeId: `exam-graded:${fx.attemptId}`, year: '2026', which: 'plan',
      // A behaviour-rating task is keyed by course and learner (evaluation-training).
      taskId: `${fx.courseId}-${users.learner.id}`,
      ...(fx.templateId ? { templateId: fx.templateId } : {}),
    };
  }

  /** A path for the route: fixture values where its schema takes them, else any value its schema takes. */
  function routePath(e: RouteEntry, override: Record<string, string> = {}): string {
    const fixtures = paramValues();
    return e.fullPath.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
      if (name in override) return override[name]!;
      const candidates = [fixtures[name], new Types.ObjectId().toHexString(), randomUUID(), 's1', 'a'.repeat(24)].filter((v): v is string => v !== undefined);
      return candidates.find((v) => !e.spec.params || !refusedAt(e.spec.params, name, v)) ?? candidates[0]!;
    });
  }

  function apiRoutes() {
    return env.kernel.services.routes.entries.filter((e) => e.spec.kind !== 'page');
  }

  /** A valid request for every API route that takes a body or a query; the coverage test keeps this complete. */
  function validRequests(): Record<string, ValidRequest> {
    const q = (i: number) => fx.questionIds[i]!;
    return {
      'POST /api/v1/auth/login': { actor: 'anon', body: { username: 'tidak.ada@test.local', password: 'Apa-saja-123' } },
      'POST /api/v1/auth/tokens': { actor: 'learner', body: { name: 'token baru', expiresInDays: 30 } },
      'GET /api/v1/users': { query: { q: 'budi', role: 'learner', unitId: new Types.ObjectId().toHexString(), active: 'true', page: '2', limit: '10' } },
      'PATCH /api/v1/users/:userId': { body: { name: 'Budi Santoso', frontTitle: 'Dr.', backTitle: 'M.Si.', golongan: 'III/a', positionName: 'Analis', positionType: 'fungsional', functionalLevel: 'ahli-muda', phone: '0812 3456 789', timeZone: 'Asia/Makassar', locale: 'id' } },
      'PUT /api/v1/users/:userId/active': { body: { active: true } },
      'PUT /api/v1/users/:userId/password': { body: { temporaryPassword: 'Sementara-2026' } },
      'GET /api/v1/people/nip-check': { query: { nip: '199001152015031001' } },
      'GET /api/v1/people/export': { query: { kind: 'units' } },
      'POST /api/v1/people/imports': { body: { units: 'code,name\nU-1,Unit Satu', users: 'nip,name\n199001152015031001,Budi', dryRun: true } },
      'PATCH /api/v1/units/:unitId': { body: { name: 'Biro Umum', region: 'Sulbar' } },
      'PUT /api/v1/auth/password': { actor: 'learner', body: { current: 'salah-sekali-1', password: 'Kata-Sandi-Baru-1' } },
      'PATCH /api/v1/auth/me': { actor: 'learner', body: { locale: 'en', timeZone: 'Asia/Jayapura' } },
      'POST /api/v1/users': { body: { nip: makeNip(), name: 'Budi', password: TEST_PASSWORD, roles: ['learner'], locale: 'id', timeZone: 'Asia/Jakarta' } },
      'PUT /api/v1/users/:userId/roles': { body: { roles: ['learner', 'mentor'], unitHeadOf: [] } },
      'POST /api/v1/units': { body: { code: 'UNIT-1', name: 'Biro Umum', region: 'DKI Jakarta' } },
      'POST /api/v1/courses': { actor: 'trainer', body: { title: 'Kursus Baru', description: 'd', jp: 2, competencies: [{ code: 'MNJ-PP', level: 2 }], published: true } },
      'PATCH /api/v1/courses/:courseId': { actor: 'trainer', body: { title: 'Judul Lain', description: 'd', jp: 3, competencies: [], published: false } },
      'GET /api/v1/me/jp': { actor: 'learner', query: { year: '2024' } },
      'POST /api/v1/questions': { actor: 'trainer', body: { courseId: fx.courseId, type: 'truefalse', name: 'Q', stem: 'Benar?', stemFormat: 'plain', generalFeedback: 'f', defaultMark: 1, data: { correct: true } } },
      'POST /api/v1/questions/:questionId/versions': { actor: 'trainer', body: { type: 'multichoice', name: 'Q', stem: 'Pilih', defaultMark: 2, data: { single: true, options: [{ id: 'x', text: 'A', fraction: 1 }, { id: 'y', text: 'B', fraction: 0 }] } } },
      'POST /api/v1/activity-lesson/lessons': { actor: 'trainer', body: { courseId: fx.courseId, title: 'Materi 2', markdown: '# Isi' } },
      'PUT /api/v1/activity-lesson/lessons/:lessonId': { actor: 'trainer', body: { title: 'Materi', markdown: '# Isi baru' } },
      'POST /api/v1/activity-quiz/quizzes': { actor: 'trainer', body: { courseId: fx.courseId, title: 'Kuis 2', intro: 'i', timeLimitMinutes: 30, closesAt: '2030-01-01T00:00:00+07:00', attemptsAllowed: 2, shuffleQuestions: false, passPercent: 60, review: { marks: 'immediately', correctness: 'immediately', feedback: 'never', rightAnswer: 'never' }, questions: [{ questionId: q(0), mark: 2 }] } },
      'PATCH /api/v1/activity-quiz/quizzes/:quizId': { actor: 'trainer', body: { title: 'Kuis', intro: 'i', timeLimitMinutes: 30, closesAt: '2030-01-01T00:00:00Z', attemptsAllowed: 2, shuffleQuestions: false, passPercent: 50, review: { marks: 'immediately', correctness: 'immediately', feedback: 'never', rightAnswer: 'never' } } },
      'POST /api/v1/activity-quiz/quizzes/:quizId/slots': { actor: 'trainer', body: { questionId: q(1), mark: 3 } },
      'PUT /api/v1/activity-quiz/attempts/:attemptId/answers/:slot': { actor: 'learner', body: { seq: 7, response: { value: true } } },
      'POST /api/v1/banks': { actor: 'trainer', body: { name: 'Bank Baru', owner: { type: 'course', id: fx.courseId } } },
      'POST /api/v1/banks/:bankId/categories': { actor: 'trainer', body: { name: 'Sub', parentId: fx.categoryId } },
      'GET /api/v1/banks/:bankId/questions': {
        actor: 'trainer',
        query: { categoryId: fx.categoryId, recursive: 'true', type: 'truefalse', tag: 'dasar', difficulty: 'easy', competency: 'MNJ-PP', level: '2', q: 'benar', includeHidden: 'false', limit: '10', skip: '0' },
      },
      'POST /api/v1/banks/:bankId/questions': { actor: 'trainer', body: { categoryId: fx.categoryId, type: 'truefalse', name: 'Q', stem: 'Benar?', data: { correct: true }, tags: ['dasar'], difficulty: 'easy', competency: { code: 'MNJ-PP', level: 2 } } },
      'POST /api/v1/bank-questions/:qid/versions': { actor: 'trainer', body: { type: 'truefalse', name: 'Q', stem: 'Benar?', data: { correct: false }, tags: [], difficulty: 'hard' } },
      'POST /api/v1/bank-questions/:qid/move': { actor: 'trainer', body: { categoryId: fx.categoryId } },
      'POST /api/v1/bank-questions/:qid/copy': { actor: 'trainer', body: { bankId: fx.bankId, categoryId: fx.categoryId } },
      'PUT /api/v1/bank-questions/:qid/hidden': { actor: 'trainer', body: { hidden: true } },
      'GET /api/v1/bank-questions/:qid/preview': { actor: 'trainer', query: { seed: '3', version: '1' } },
      'POST /api/v1/banks/:bankId/imports': { actor: 'trainer', body: { format: 'gift', text: '::Q1:: Langit biru {T}', categoryId: fx.categoryId, dry_run: true, importId: '9b2f3c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e' } },
      'GET /api/v1/banks/:bankId/export': { actor: 'trainer', query: { format: 'gift', categoryId: fx.categoryId } },
      'POST /api/v1/certificate-pdf/templates': { body: { name: 'Templat Uji', template: fx.certificateTemplate } },
      'PUT /api/v1/certificate-pdf/templates/:templateId': { body: { name: 'Templat Uji 2', template: fx.certificateTemplate } },
      'POST /api/v1/certificate-pdf/preview': { body: { template: fx.certificateTemplate, locale: 'en' } },
      'POST /api/v1/activity-exam/exams': {
        actor: 'trainer',
        body: {
          courseId: fx.courseId, title: 'Ujian', intro: 'i', opensAt: '2030-01-01T00:00:00+07:00', closesAt: '2030-01-02T00:00:00+07:00', timeLimitMinutes: 90,
          attemptsAllowed: 1, grading: 'highest', navigation: 'free', pass: { mode: 'percent', value: 60 },
          review: { marks: 'immediately', correctness: 'never', feedback: 'never', rightAnswer: 'never' }, board: { identity: 'masked_nip', public: false }, access: [],
          sections: [{ key: 'twk', title: 'TWK', fixed: [{ questionId: q(0) }] }],
        },
      },
      'PATCH /api/v1/activity-exam/exams/:examId': { actor: 'trainer', body: { title: 'Ujian 2', attemptsAllowed: 2, sections: [{ key: 'tiu', title: 'TIU', fixed: [{ questionId: q(0) }] }] } },
      'PUT /api/v1/activity-exam/exams/:examId/accommodations/:userId': { body: { extraMinutes: 30, extraAttempts: 1, reason: 'Tunanetra' } },
      'POST /api/v1/activity-exam/exams/:examId/attempts': { actor: 'learner', body: { code: 'KODE' } },
      'PUT /api/v1/activity-exam/attempts/:attemptId/answers/:slot': { actor: 'learner', body: { seq: 3, fields: { q_s1: 'x' } } },
      'POST /api/v1/activity-exam/attempts/:attemptId/sections/next': { actor: 'learner', body: { from: 0 } },
      'POST /api/v1/activity-exam/attempts/:attemptId/takeover': { actor: 'learner', body: { code: 'KODE' } },
      'POST /api/v1/activity-exam/attempts/:attemptId/integrity': { actor: 'learner', body: { kind: 'focus_lost', at: '2030-01-01T00:00:00Z', durationMs: 1200 } },
      'GET /api/v1/activity-exam/exams/:examId/grading': { query: { by: 'question' } },
      'GET /api/v1/notify-inbox/notices': { actor: 'learner', query: { limit: '20', unread: '1', before: '2030-01-01T00:00:00+07:00' } },
      'POST /api/v1/notify-inbox/notices/read-all': { actor: 'learner', body: {} },
      'POST /api/v1/notify-inbox/notices/:noticeId/read': { actor: 'learner', body: {} },
      'PUT /api/v1/activity-exam/attempts/:attemptId/manual/:slot': { body: { score: 2, comment: 'Baik' } },
      'POST /api/v1/activity-exam/exams/:examId/regrades': { body: { questionIds: [q(0)], toLatest: true } },
    };
  }

  before(async () => {
    env = await startTestEnv();
    for (const id of ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-essay', 'question-description', 'question-matching', 'question-ordering', 'question-numerical', 'question-shortanswer', 'question-truefalse']) {
      expect(env.kernel.plugins.isActive(id), `plugin ${id}`).to.equal(true);
    }
    users = { admin: await createUser(env, 'admin'), trainer: await createUser(env, 'trainer'), learner: await createUser(env, 'learner') };
    const course = await createCourseWithQuiz(users.trainer, {
      questions: [
        { type: 'multichoice', data: { single: true, options: [{ id: 'ka', text: 'Benar', fraction: 1 }, { id: 'kb', text: 'Salah', fraction: 0 }] } },
        { type: 'truefalse', data: { correct: true } },
        { type: 'shortanswer', data: { answers: [{ text: 'Makassar', fraction: 1 }] } },
        { type: 'numerical', data: { answers: [{ min: 3.4, max: 3.6, fraction: 1 }] } },
        { type: 'matching', data: { pairs: [{ id: 'jabar', question: 'Jawa Barat', answer: 'Bandung', answerId: 'qzvmwk' }, { id: 'jatim', question: 'Jawa Timur', answer: 'Surabaya', answerId: 'hxtrpa' }] } },
        { type: 'ordering', data: { items: [{ id: 'plan', text: 'Perencanaan' }, { id: 'exec', text: 'Pelaksanaan' }, { id: 'eval', text: 'Evaluasi' }] } },
        { type: 'essay', data: { minWords: 5 } },
        { type: 'description', data: {} },
      ],
    });
    const other = await users.trainer.api.post('/api/v1/courses', { title: 'Kursus Lain', jp: 1, published: true });
    const otherQ = await users.trainer.api.post('/api/v1/questions', { courseId: other.body.course.id, type: 'truefalse', name: 'Lain', stem: 'Lain?', data: { correct: false } });
    expect((await users.learner.api.post(`/api/v1/courses/${course.courseId}/enrol`)).status).to.equal(201);
    const attempt = await users.learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`);
    expect(attempt.status).to.equal(201);
    const slots: Record<string, string> = {};
    for (const q of attempt.body.questions as Array<{ type: string; slot: string }>) slots[q.type] = q.slot;
    const token = await users.learner.api.post('/api/v1/auth/tokens', { name: 'untuk dihapus' });
    expect(token.status).to.equal(201);
    const bank = await users.trainer.api.post('/api/v1/banks', { name: 'Bank Kursus', owner: { type: 'course', id: course.courseId } });
    expect(bank.status, JSON.stringify(bank.body)).to.equal(201);
    const categories = await users.trainer.api.get(`/api/v1/banks/${bank.body.bank.id}/categories`);
    const categoryId = categories.body.categories[0].id as string;
    const bankQ = await users.trainer.api.post(`/api/v1/banks/${bank.body.bank.id}/questions`, { categoryId, type: 'truefalse', name: 'BQ', stem: 'Benar?', data: { correct: true } });
    expect(bankQ.status, JSON.stringify(bankQ.body)).to.equal(201);
    const unit = await users.admin.api.post('/api/v1/units', { code: `BAD-${Date.now()}`, name: 'Unit Uji' });
    expect(unit.status, JSON.stringify(unit.body)).to.equal(201);
    fx = {
      unitId: unit.body.unit.id,
      ...course, otherCourseId: other.body.course.id, otherQuestionId: otherQ.body.question.id, attemptId: attempt.body.attempt.id, slots, tokenId: token.body.id,
      bankId: bank.body.bank.id, categoryId, qid: bankQ.body.question.qid,
    };
    if (env.kernel.plugins.isActive('certificate-pdf')) {
      // Resolved at run time: the certificate plugins are optional, and this file must also
      // typecheck on a tree without them.
      const templateStore: string = '../../plugins/certificate-pdf/template-store';
      const { BUILT_IN_TEMPLATES } = (await import(templateStore)) as { BUILT_IN_TEMPLATES: Array<{ template: unknown }> };
      fx.certificateTemplate = BUILT_IN_TEMPLATES[0]!.template;
      const saved = await users.admin.api.post('/api/v1/certificate-pdf/templates', { name: 'Templat Awal', template: fx.certificateTemplate });
      expect(saved.status, JSON.stringify(saved.body).slice(0, 500)).to.equal(201);
      fx.templateId = saved.body.template.id;
    }
    snapshot = await takeSnapshot();
  });

  after(async () => {
    await env?.stop();
  });

  describe('the table of valid requests', () => {
    it('does describe only requests that pass validation', () => {
      for (const [key, v] of Object.entries(validRequests())) {
        const [method, path] = key.split(' ');
        const route = apiRoutes().find((e) => e.spec.method.toUpperCase() === method && e.fullPath === path);
        if (!route) continue; // its plugin is not loaded
        if (v.body) expect(route.spec.body!.safeParse(v.body).success, `${key} body`).to.equal(true);
        if (v.query) expect(route.spec.query!.safeParse(v.query).success, `${key} query`).to.equal(true);
      }
    });
  });

  describe('path parameters', () => {
    it('does answer 400 naming the parameter for an invalid id, slot or token on every route', async () => {
      const routes = apiRoutes().filter((e) => e.fullPath.includes(':'));
      expect(routes.length).to.be.greaterThan(10);
      for (const e of routes) {
        const method = e.spec.method.toUpperCase();
        const actor = validRequests()[`${method} ${e.fullPath}`]?.actor ?? 'admin';
        expect(e.spec.params, `${method} ${e.fullPath} validates its path parameters`).to.not.equal(undefined);
        for (const name of pathParams(e.fullPath)) {
          // Values no id, slot or token schema should take; each route is sent those its own schema refuses.
          const candidates = ['bukan id!', '{"$gt":""}', 'x', 'a'.repeat(300), 'bukan-id', '0123456789abcdef0123456g', '0123456789abcdef012345678', 'x1', 's', 's12345', 'S1'];
          const bad = candidates.filter((v) => refusedAt(e.spec.params!, name, v)).slice(0, 5);
          expect(bad.length, `${method} ${e.fullPath} :${name} refuses malformed values`).to.be.greaterThan(2);
          for (const value of bad) {
            const path = routePath(e, { [name]: encodeURIComponent(value) });
            const res = await client(actor).request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
            expectClientError(res, `${method} ${path}`, 400, 'BINA_ERR_HTTP_VALIDATION');
            expect(res.body.error.details.map((d: { path: string }) => d.path), `${method} ${path}`).to.include(name);
          }
          const path = routePath(e, { [name]: '%E0%A4%A' });
          expectClientError(await client(actor).request(method, path), `${method} ${path} (malformed escape)`, 400, 'BINA_ERR_HTTP_BAD_REQUEST');
        }
      }
    });
  });

  describe('bodies, on every route', () => {
    /** Every API route with a JSON body, with a path its parameters accept. */
    function jsonBodyRoutes() {
      return apiRoutes()
        .filter((e) => e.spec.body && !e.spec.rawBody)
        .map((e) => ({ key: `${e.spec.method.toUpperCase()} ${e.fullPath}`, method: e.spec.method.toUpperCase(), path: routePath(e), schema: e.spec.body! }));
    }

    it('does answer 400 to invalid JSON text', async () => {
      const routes = jsonBodyRoutes();
      expect(routes.length).to.be.greaterThan(20);
      for (const r of routes) {
        await Promise.all(['{"title": ', '{title: 1}', "{'a': 1}", '"teks"', '42', 'null', '{"a":1}}'].map(async (raw) =>
          expectClientError(await users.admin.api.request(r.method, r.path, raw), `${r.key} ${raw}`, 400, 'BINA_ERR_HTTP_BAD_REQUEST'),
        ));
      }
    });

    it('does answer 400 to a body that is not an object', async () => {
      for (const r of jsonBodyRoutes()) {
        if (r.schema.safeParse([]).success) continue;
        await Promise.all(['[]', '[{"a":1}]'].map(async (raw) => expectClientError(await users.admin.api.request(r.method, r.path, raw), `${r.key} ${raw}`, 400, 'BINA_ERR_HTTP_VALIDATION')));
      }
    });

    it('does answer 400 naming the field for a value of the wrong type, null or oversize in any field', async () => {
      let sent = 0;
      for (const r of jsonBodyRoutes()) {
        const cases: Array<[string, unknown]> = [];
        for (const field of schemaProperties(r.schema)) {
          const wrong = [12345, 'teks', true, [], { a: 1 }].find((v) => refusedAt(r.schema, field, v));
          for (const v of [wrong, null, HUGE]) if (v !== undefined && refusedAt(r.schema, field, v)) cases.push([field, v]);
        }
        await Promise.all(cases.map(async ([field, value]) => {
          const what = `${r.key} ${field}=${JSON.stringify(value).slice(0, 20)}`;
          const res = await users.admin.api.request(r.method, r.path, { [field]: value });
          expectClientError(res, what, 400, 'BINA_ERR_HTTP_VALIDATION');
          expect(res.body.error.details.some((d: { path: string }) => String(d.path).split('.')[0] === field), `${what}: ${JSON.stringify(res.body.error.details)}`).to.equal(true);
        }));
        sent += cases.length;
      }
      expect(sent).to.be.greaterThan(100);
    });

    it('does answer 400 naming an unknown key on every strict body schema', async () => {
      let strict = 0;
      for (const r of jsonBodyRoutes()) {
        const probe = r.schema.safeParse({ rahasia: true });
        if (probe.success || !probe.error.issues.some((i) => i.code === 'unrecognized_keys')) continue;
        strict += 1;
        const res = await users.admin.api.request(r.method, r.path, { rahasia: true });
        expectClientError(res, r.key, 400, 'BINA_ERR_HTTP_VALIDATION');
        expect(JSON.stringify(res.body.error.details), r.key).to.include('rahasia');
      }
      expect(strict).to.be.greaterThan(20);
    });
  });

  describe('bodies, changed one field at a time from a valid request', () => {
    function bodyRoutes() {
      const valid = validRequests();
      return apiRoutes()
        .filter((e) => e.spec.body && valid[`${e.spec.method.toUpperCase()} ${e.fullPath}`])
        .map((e) => {
          const key = `${e.spec.method.toUpperCase()} ${e.fullPath}`;
          const v = valid[key]!;
          return { key, method: e.spec.method.toUpperCase(), path: routePath(e), actor: v.actor ?? 'admin', valid: v.body!, schema: e.spec.body! };
        });
    }

    it('does answer 400 naming the field when any one field has the wrong type', async () => {
      for (const r of bodyRoutes()) {
        for (const [field, value] of Object.entries(r.valid)) {
          const res = await client(r.actor).request(r.method, r.path, { ...r.valid, [field]: wrongType(value) });
          expectClientError(res, `${r.key} ${field}`, 400, 'BINA_ERR_HTTP_VALIDATION');
          expect(JSON.stringify(res.body.error.details), `${r.key} ${field}`).to.include(field);
        }
      }
    });

    it('does answer 400 to unknown keys, prototype keys included', async () => {
      for (const r of bodyRoutes()) {
        expect(isStrict(r.schema), `${r.key} has a strict body schema`).to.equal(true);
        for (const extra of ['{"rahasia":true}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}']) {
          const raw = Object.keys(r.valid).length === 0 ? extra : JSON.stringify(r.valid).replace(/}$/, `,${extra.slice(1)}`);
          const res = await client(r.actor).request(r.method, r.path, raw);
          expectClientError(res, `${r.key} ${extra}`, 400, 'BINA_ERR_HTTP_VALIDATION');
        }
      }
      expect(({} as { admin?: boolean }).admin).to.equal(undefined);
    });

    it('does answer 400 to an oversize string in any string field', async () => {
      for (const r of bodyRoutes()) {
        const props = (z.toJSONSchema(r.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { maxLength?: number }> }).properties ?? {};
        for (const [field, value] of Object.entries(r.valid)) {
          // Fields meant for whole files (an import's text) may be longer than our oversize string.
          if (typeof value !== 'string' || (props[field]?.maxLength ?? 0) > HUGE.length) continue;
          expectClientError(await client(r.actor).request(r.method, r.path, { ...r.valid, [field]: HUGE }), `${r.key} ${field}`, 400, 'BINA_ERR_HTTP_VALIDATION');
        }
      }
    });
  });

  describe('bodies, as bytes', () => {
    it('does answer 413, not 500, to a body over the size limit', async () => {
      const res = await users.trainer.api.post('/api/v1/courses', { title: 'x'.repeat(1_100_000), jp: 1 });
      expectClientError(res, 'huge body', 413, 'BINA_ERR_HTTP_PAYLOAD_TOO_LARGE');
    });

    it('does answer 400 to a body with a corrupt encoding or an unknown charset', async () => {
      expectClientError(await users.trainer.api.request('POST', '/api/v1/courses', '{"title":"abc","jp":1}', { 'content-encoding': 'gzip' }), 'corrupt gzip');
      expectClientError(await users.trainer.api.request('POST', '/api/v1/courses', '{"title":"abc","jp":1}', { 'content-type': 'application/json; charset=klingon' }), 'charset');
    });

    it('does answer 400 to a body sent as text/plain', async () => {
      expectClientError(await users.trainer.api.request('POST', '/api/v1/courses', JSON.stringify({ title: 'abc', jp: 1 }), { 'content-type': 'text/plain' }), 'text/plain');
    });
  });

  describe('queries', () => {
    it('does answer 400 naming the parameter for a mistyped, repeated or oversize value, on every route with a query', async () => {
      const routes = apiRoutes().filter((x) => x.spec.query);
      expect(routes.length).to.be.greaterThan(3);
      for (const e of routes) {
        const key = `${e.spec.method.toUpperCase()} ${e.fullPath}`;
        const actor = validRequests()[key]?.actor ?? 'admin';
        for (const name of schemaProperties(e.spec.query!)) {
          const candidates: Array<string | string[]> = ['abc', 'zzz-tidak-ada', '-1', '1.5', '9'.repeat(2000), ['1', '1']];
          const bad = candidates.filter((v) => refusedAt(e.spec.query!, name, v)).slice(0, 4);
          expect(bad.length, `${key} ?${name} refuses some values`).to.be.greaterThan(0);
          for (const value of bad) {
            const qs = new URLSearchParams();
            for (const v of Array.isArray(value) ? value : [value]) qs.append(name, v);
            const res = await client(actor).request(e.spec.method.toUpperCase(), `${routePath(e)}?${qs}`, e.spec.method === 'get' ? undefined : {});
            expectClientError(res, `${key} ?${name}=${String(value).slice(0, 20)}`, 400, 'BINA_ERR_HTTP_VALIDATION');
            expect(res.body.error.details.some((d: { path: string }) => String(d.path).split('.')[0] === name), `${key} ?${name}`).to.equal(true);
          }
        }
      }
    });

    it('does answer 400 to out-of-range or mistyped values', async () => {
      for (const qs of ['limit=abc', 'limit=0', 'limit=501', 'limit=1.5', 'role=raja', 'role=ADMIN', `q=${'a'.repeat(101)}`]) {
        expectClientError(await users.admin.api.get(`/api/v1/users?${qs}`), `users ${qs}`, 400, 'BINA_ERR_HTTP_VALIDATION');
      }
      for (const qs of ['year=abc', 'year=1999', 'year=2101', 'year=2024.5']) {
        expectClientError(await users.learner.api.get(`/api/v1/me/jp?${qs}`), `jp ${qs}`, 400, 'BINA_ERR_HTTP_VALIDATION');
      }
    });
  });

  describe('domain rules', () => {
    function cases(): BadCase[] {
      const t = 'trainer' as const;
      const question = (type: string, data: unknown) => ({ courseId: fx.courseId, type, name: 'Q', stem: 'S', data });
      const save = (slotType: string, body: unknown) => ({ actor: 'learner' as const, method: 'PUT', path: `/api/v1/activity-quiz/attempts/${fx.attemptId}/answers/${fx.slots[slotType]}`, body });
      const quiz = (extra: Record<string, unknown>) => ({ courseId: fx.courseId, title: 'Kuis X', questions: [{ questionId: fx.questionIds[0] }], ...extra });
      const user = (nip: string) => ({ nip, name: 'Budi', password: TEST_PASSWORD });
      return [
        // courses
        { name: 'course with an unknown competency code', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: 'Kursus X', jp: 1, competencies: [{ code: 'TIDAK-ADA', level: 1 }] }, detail: /competencies/ },
        { name: 'course patch with an unknown competency code', actor: t, method: 'PATCH', path: `/api/v1/courses/${fx.courseId}`, body: { competencies: [{ code: 'TIDAK-ADA', level: 1 }] }, detail: /competencies/ },
        { name: 'course with negative JP', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: 'Kursus X', jp: -1 }, detail: /jp/ },
        { name: 'course with competency level 6', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: 'Kursus X', jp: 1, competencies: [{ code: 'MNJ-PP', level: 6 }] }, detail: /competencies\.0\.level/ },
        { name: 'course with a too short title', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: 'ab', jp: 1 }, detail: /title/ },
        { name: 'course with a whitespace title', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: '      ', jp: 1 }, detail: /title/ },
        { name: 'course with 21 competencies', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: 'Kursus X', jp: 1, competencies: Array.from({ length: 21 }, () => ({ code: 'MNJ-PP', level: 1 })) } },
        { name: 'course with a NoSQL operator as title', actor: t, method: 'POST', path: '/api/v1/courses', body: { title: { $gt: '' }, jp: 1 } },
        // question data, per type
        { name: 'multichoice with fraction 5', actor: t, method: 'POST', path: '/api/v1/questions', body: question('multichoice', { single: true, options: [{ id: 'a', text: 'A', fraction: 5 }, { id: 'b', text: 'B', fraction: 0 }] }), detail: /data\.options\.0\.fraction/ },
        { name: 'multichoice without a 100 % option', actor: t, method: 'POST', path: '/api/v1/questions', body: question('multichoice', { single: true, options: [{ id: 'a', text: 'A', fraction: 0.5 }, { id: 'b', text: 'B', fraction: 0 }] }), detail: /data/ },
        { name: 'multichoice with duplicate option ids', actor: t, method: 'POST', path: '/api/v1/questions', body: question('multichoice', { single: true, options: [{ id: 'a', text: 'A', fraction: 1 }, { id: 'a', text: 'B', fraction: 0 }] }), detail: /data/ },
        { name: 'multichoice with one option', actor: t, method: 'POST', path: '/api/v1/questions', body: question('multichoice', { single: true, options: [{ id: 'a', text: 'A', fraction: 1 }] }), detail: /data/ },
        { name: 'multichoice option id with a dot', actor: t, method: 'POST', path: '/api/v1/questions', body: question('multichoice', { single: true, options: [{ id: 'a.b', text: 'A', fraction: 1 }, { id: '$b', text: 'B', fraction: 0 }] }), detail: /data\.options/ },
        { name: 'truefalse with correct "yes"', actor: t, method: 'POST', path: '/api/v1/questions', body: question('truefalse', { correct: 'yes' }), detail: /data\.correct/ },
        { name: 'shortanswer without answers', actor: t, method: 'POST', path: '/api/v1/questions', body: question('shortanswer', { answers: [] }), detail: /data\.answers/ },
        { name: 'shortanswer without a 100 % answer', actor: t, method: 'POST', path: '/api/v1/questions', body: question('shortanswer', { answers: [{ text: 'Makassar', fraction: 0.5 }] }), detail: /data\.answers/ },
        { name: 'numerical with min > max', actor: t, method: 'POST', path: '/api/v1/questions', body: question('numerical', { answers: [{ min: 4, max: 3, fraction: 1 }] }), detail: /data\.answers/ },
        { name: 'numerical with unitRequired but no units', actor: t, method: 'POST', path: '/api/v1/questions', body: question('numerical', { answers: [{ min: 3, max: 4, fraction: 1 }], unitRequired: true }), detail: /data\.unitRequired/ },
        { name: 'numerical with a non-finite bound', actor: t, method: 'POST', path: '/api/v1/questions', body: '{"type":"numerical","name":"Q","stem":"S","data":{"answers":[{"min":1e400,"max":1e401,"fraction":1}]}}' },
        { name: 'matching with one pair', actor: t, method: 'POST', path: '/api/v1/questions', body: question('matching', { pairs: [{ id: 'p', question: 'Q', answer: 'A', answerId: 'qzvmwk' }] }), detail: /data\.pairs/ },
        { name: 'matching with answer ids that reveal the pairing', actor: t, method: 'POST', path: '/api/v1/questions', body: question('matching', { pairs: [{ id: 'p1', question: 'Q1', answer: 'A1', answerId: 'a1' }, { id: 'p2', question: 'Q2', answer: 'A2', answerId: 'a2' }] }), detail: /data\.pairs/ },
        { name: 'ordering with two items', actor: t, method: 'POST', path: '/api/v1/questions', body: question('ordering', { items: [{ id: 'qa', text: 'A' }, { id: 'zb', text: 'B' }] }), detail: /data\.items/ },
        { name: 'ordering with ids counting up', actor: t, method: 'POST', path: '/api/v1/questions', body: question('ordering', { items: [{ id: 'i1', text: 'A' }, { id: 'i2', text: 'B' }, { id: 'i3', text: 'C' }] }), detail: /data\.items/ },
        { name: 'essay with minWords > maxWords', actor: t, method: 'POST', path: '/api/v1/questions', body: question('essay', { minWords: 10, maxWords: 5 }), detail: /data\.minWords/ },
        { name: 'description with data', actor: t, method: 'POST', path: '/api/v1/questions', body: question('description', { text: 'x' }), detail: /data/ },
        { name: 'unknown question type', actor: t, method: 'POST', path: '/api/v1/questions', body: question('hotspot', {}), detail: /type/ },
        { name: 'question type named like an Object method', actor: t, method: 'POST', path: '/api/v1/questions', body: question('constructor', {}), detail: /type/ },
        { name: 'question without data', actor: t, method: 'POST', path: '/api/v1/questions', body: { courseId: fx.courseId, type: 'truefalse', name: 'Q', stem: 'S' }, detail: /data/ },
        { name: 'question with deeply nested data', actor: t, method: 'POST', path: '/api/v1/questions', body: `{"type":"essay","name":"Q","stem":"S","data":${'['.repeat(3000)}${']'.repeat(3000)}}` },
        { name: 'question version changing the type', actor: t, method: 'POST', path: `/api/v1/questions/${fx.questionIds[1]}/versions`, body: { type: 'multichoice', name: 'Q', stem: 'S', data: { single: true, options: [{ id: 'a', text: 'A', fraction: 1 }, { id: 'b', text: 'B', fraction: 0 }] } } },
        { name: 'question version with invalid data', actor: t, method: 'POST', path: `/api/v1/questions/${fx.questionIds[1]}/versions`, body: { type: 'truefalse', name: 'Q', stem: 'S', data: { correct: 1 } }, detail: /data\.correct/ },
        // quizzes
        { name: 'quiz with an unknown questionId', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ questions: [{ questionId: new Types.ObjectId().toHexString() }] }), detail: /questions\.0\.questionId/ },
        { name: "quiz with another course's question", actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ questions: [{ questionId: fx.questionIds[0] }, { questionId: fx.otherQuestionId }] }), detail: /questions\.1\.questionId/ },
        { name: 'quiz with an invalid question id', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ questions: [{ questionId: 'q1' }] }), detail: /questions\.0\.questionId/ },
        { name: 'quiz with closesAt "besok"', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ closesAt: 'besok' }), detail: /closesAt/ },
        { name: 'quiz with 0 attempts', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ attemptsAllowed: 0 }), detail: /attemptsAllowed/ },
        { name: 'quiz with passPercent 101', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ passPercent: 101 }), detail: /passPercent/ },
        { name: 'quiz with an unknown review option', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'kadang' } }), detail: /review\.rightAnswer/ },
        { name: 'quiz with an incomplete review', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ review: { marks: 'immediately' } }), detail: /review/ },
        { name: 'quiz with 301 questions', actor: t, method: 'POST', path: '/api/v1/activity-quiz/quizzes', body: quiz({ questions: Array.from({ length: 301 }, () => ({ questionId: fx.questionIds[0] })) }), detail: /questions/ },
        { name: 'quiz patch with 1.5 attempts', actor: t, method: 'PATCH', path: `/api/v1/activity-quiz/quizzes/${fx.quizId}`, body: { attemptsAllowed: 1.5 }, detail: /attemptsAllowed/ },
        { name: 'quiz patch with an empty title', actor: t, method: 'PATCH', path: `/api/v1/activity-quiz/quizzes/${fx.quizId}`, body: { title: '   ' }, detail: /title/ },
        { name: 'slot with an unknown question', actor: t, method: 'POST', path: `/api/v1/activity-quiz/quizzes/${fx.quizId}/slots`, body: { questionId: new Types.ObjectId().toHexString() }, detail: /questionId/ },
        { name: "slot with another course's question", actor: t, method: 'POST', path: `/api/v1/activity-quiz/quizzes/${fx.quizId}/slots`, body: { questionId: fx.otherQuestionId }, detail: /questionId/ },
        { name: 'slot with a negative mark', actor: t, method: 'POST', path: `/api/v1/activity-quiz/quizzes/${fx.quizId}/slots`, body: { questionId: fx.questionIds[0], mark: -1 }, detail: /mark/ },
        // question bank
        { name: 'bank question in a category of another bank', actor: t, method: 'POST', path: `/api/v1/banks/${fx.bankId}/questions`, body: { categoryId: new Types.ObjectId().toHexString(), type: 'truefalse', name: 'Q', stem: 'S', data: { correct: true } }, detail: /categoryId/ },
        { name: 'bank question with an unknown competency', actor: t, method: 'POST', path: `/api/v1/banks/${fx.bankId}/questions`, body: { categoryId: fx.categoryId, type: 'truefalse', name: 'Q', stem: 'S', data: { correct: true }, competency: { code: 'TIDAK-ADA', level: 1 } }, detail: /competency/ },
        { name: 'bank question with a $ in a tag', actor: t, method: 'POST', path: `/api/v1/banks/${fx.bankId}/questions`, body: { categoryId: fx.categoryId, type: 'truefalse', name: 'Q', stem: 'S', data: { correct: true }, tags: ['$where'] }, detail: /tags/ },
        { name: 'bank question with fraction 5', actor: t, method: 'POST', path: `/api/v1/banks/${fx.bankId}/questions`, body: { categoryId: fx.categoryId, type: 'multichoice', name: 'Q', stem: 'S', data: { single: true, options: [{ id: 'a', text: 'A', fraction: 5 }, { id: 'b', text: 'B', fraction: 0 }] } }, detail: /data\.options\.0\.fraction/ },
        { name: 'bank question version changing the type', actor: t, method: 'POST', path: `/api/v1/bank-questions/${fx.qid}/versions`, body: { type: 'essay', name: 'Q', stem: 'S', data: {} } },
        { name: 'bank with an unknown owner type', actor: t, method: 'POST', path: '/api/v1/banks', body: { name: 'B', owner: { type: 'negara', id: fx.courseId } }, detail: /owner\.type/ },
        { name: 'category with an unknown parent', actor: t, method: 'POST', path: `/api/v1/banks/${fx.bankId}/categories`, body: { name: 'Sub', parentId: new Types.ObjectId().toHexString() } },
        { name: 'moving a question to an unknown category', actor: t, method: 'POST', path: `/api/v1/bank-questions/${fx.qid}/move`, body: { categoryId: new Types.ObjectId().toHexString() } },
        { name: 'preview with a negative seed', actor: t, method: 'GET', path: `/api/v1/bank-questions/${fx.qid}/preview?seed=-1`, detail: /seed/ },
        { name: 'search with level 6', actor: t, method: 'GET', path: `/api/v1/banks/${fx.bankId}/questions?level=6`, detail: /level/ },
        { name: 'search with recursive=yes', actor: t, method: 'GET', path: `/api/v1/banks/${fx.bankId}/questions?recursive=yes`, detail: /recursive/ },
        // lessons
        { name: 'lesson with an invalid courseId', actor: t, method: 'POST', path: '/api/v1/activity-lesson/lessons', body: { courseId: 'abc', title: 'M', markdown: 'x' }, detail: /courseId/ },
        { name: 'lesson with 200 001 characters of markdown', actor: t, method: 'POST', path: '/api/v1/activity-lesson/lessons', body: { courseId: fx.courseId, title: 'M', markdown: 'x'.repeat(200_001) }, detail: /markdown/ },
        { name: 'lesson edit without markdown', actor: t, method: 'PUT', path: `/api/v1/activity-lesson/lessons/${fx.lessonId}`, body: { title: 'M' }, detail: /markdown/ },
        { name: 'lesson edit moving the lesson to another course', actor: t, method: 'PUT', path: `/api/v1/activity-lesson/lessons/${fx.lessonId}`, body: { title: 'M', markdown: 'x', courseId: fx.otherCourseId } },
        // answers, per question type
        { name: 'multichoice answer as a string', ...save('multichoice', { seq: 1, response: { selected: 'ka' } }), detail: /response\.selected/ },
        { name: 'multichoice answer picking an option twice', ...save('multichoice', { seq: 1, response: { selected: ['ka', 'ka'] } }), detail: /response\.selected/ },
        { name: 'multichoice answer of another type', ...save('multichoice', { seq: 1, response: { value: true } }), detail: /response/ },
        { name: 'truefalse answer as a string', ...save('truefalse', { seq: 1, response: { value: 'true' } }), detail: /response\.value.*"localizedMessage":"Pilih salah satu\."/ },
        { name: 'shortanswer answer as a number', ...save('shortanswer', { seq: 1, response: { text: 42 } }), detail: /response\.text/ },
        { name: 'shortanswer answer too long', ...save('shortanswer', { seq: 1, response: { text: 'x'.repeat(1001) } }), detail: /response\.text/ },
        // The API's English message stays; the reason in the caller's language (Indonesian by default) is added for the page.
        { name: 'numerical answer that is not a number', ...save('numerical', { seq: 1, response: { text: 'tiga koma lima' } }), detail: /"path":"response\.text","message":"not a number".*"localizedMessage":"Jawaban bukan angka\."/ },
        { name: 'matching answer without a choice', ...save('matching', { seq: 1, response: { matches: [{ questionId: 'jabar' }] } }), detail: /response\.matches/ },
        { name: 'matching answer as a map', ...save('matching', { seq: 1, response: { matches: { jabar: 'qzvmwk' } } }), detail: /response\.matches/ },
        { name: 'ordering answer as a string', ...save('ordering', { seq: 1, response: { order: 'plan,exec,eval' } }), detail: /response\.order/ },
        { name: 'ordering answer repeating an item', ...save('ordering', { seq: 1, response: { order: ['plan', 'plan', 'eval'] } }), detail: /response\.order/ },
        { name: 'essay answer as a number', ...save('essay', { seq: 1, response: { text: 5 } }), detail: /response\.text/ },
        { name: 'description answer with text', ...save('description', { seq: 1, response: { text: 'x' } }), detail: /response/ },
        { name: 'answer with seq 0', ...save('truefalse', { seq: 0, response: { value: true } }), detail: /seq/ },
        { name: 'answer with a negative seq', ...save('truefalse', { seq: -1, response: { value: true } }), detail: /seq/ },
        { name: 'answer with seq as a string', ...save('truefalse', { seq: '1', response: { value: true } }), detail: /seq/ },
        { name: 'answer with a fractional seq', ...save('truefalse', { seq: 1.5, response: { value: true } }), detail: /seq/ },
        { name: 'answer with an unsafe seq', ...save('truefalse', { seq: 2 ** 60, response: { value: true } }), detail: /seq/ },
        { name: 'answer without seq', ...save('truefalse', { response: { value: true } }), detail: /seq/ },
        { name: 'answer with both response and fields', ...save('truefalse', { seq: 1, response: { value: true }, fields: { q_s1: 'true' } }) },
        { name: 'answer with fields that are not a map', ...save('truefalse', { seq: 1, fields: 'true' }), detail: /fields/ },
        { name: 'answer with a numeric field value', ...save('truefalse', { seq: 1, fields: { q_s1: 1 } }), detail: /fields/ },
        { name: 'answer with an oversize field name', ...save('truefalse', { seq: 1, fields: { ['q'.repeat(121)]: 'x' } }), detail: /fields/ },
        { name: 'answer for unknown slot s99', actor: 'learner', method: 'PUT', path: `/api/v1/activity-quiz/attempts/${fx.attemptId}/answers/s99`, body: { seq: 1, response: { value: true } }, status: 404, code: 'BINA_ERR_ATTEMPT_UNKNOWN_SLOT' },
        { name: 'answer for an unknown attempt', actor: 'learner', method: 'PUT', path: `/api/v1/activity-quiz/attempts/${new Types.ObjectId().toHexString()}/answers/s1`, body: { seq: 1, response: { value: true } }, status: 404, code: 'BINA_ERR_HTTP_NOT_FOUND' },
        // users and NIPs
        { name: 'NIP with a birth date in month 13', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('199013452015031001'), detail: /nip.*birth date/ },
        { name: 'NIP with sex digit 3', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('199001012015033001'), detail: /nip.*digit 15 \(sex\)/ },
        { name: 'NIP with sequence 000', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('199001012015031000'), detail: /nip.*sequence/ },
        { name: 'NIP with 17 digits', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('19900101201503100'), detail: /nip.*18 digits/ },
        { name: 'NIP with letters', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('19900101201503100A'), detail: /nip.*18 digits/ },
        { name: 'NIP with CPNS month 13', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('199001012015131001'), detail: /nip.*CPNS start/ },
        { name: 'NIP with CPNS start before birth', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('199001011989031001'), detail: /nip.*before the birth/ },
        { name: 'PPPK number with contract count 0', actor: 'admin', method: 'POST', path: '/api/v1/users', body: user('199406152022201001'), detail: /nip.*contract count/ },
        { name: 'user with neither NIP nor e-mail', actor: 'admin', method: 'POST', path: '/api/v1/users', body: { name: 'Budi', password: TEST_PASSWORD }, detail: /nip/ },
        { name: 'user with an invalid e-mail', actor: 'admin', method: 'POST', path: '/api/v1/users', body: { email: 'bukan-email', name: 'Budi', password: TEST_PASSWORD }, detail: /email/ },
        { name: 'user with a weak password', actor: 'admin', method: 'POST', path: '/api/v1/users', body: { ...user(makeNip()), password: 'pendek' }, detail: /password/ },
        { name: 'user with an unknown role', actor: 'admin', method: 'POST', path: '/api/v1/users', body: { ...user(makeNip()), roles: ['raja'] }, detail: /roles/ },
        { name: 'user with an unknown unit', actor: 'admin', method: 'POST', path: '/api/v1/users', body: { ...user(makeNip()), unitId: new Types.ObjectId().toHexString() }, detail: /unitId/ },
        { name: 'user with an unknown time zone', actor: 'admin', method: 'POST', path: '/api/v1/users', body: { ...user(makeNip()), timeZone: 'Asia/Tokyo' }, detail: /timeZone/ },
        { name: 'roles empty', actor: 'admin', method: 'PUT', path: `/api/v1/users/${users.learner.id}/roles`, body: { roles: [] }, detail: /roles/ },
        { name: 'roles unknown', actor: 'admin', method: 'PUT', path: `/api/v1/users/${users.learner.id}/roles`, body: { roles: ['raja'] }, detail: /roles/ },
        { name: 'user edit with a PPPK golongan for a PNS', actor: 'admin', method: 'PATCH', path: `/api/v1/users/${users.learner.id}`, body: { golongan: 'IX' }, detail: /golongan/ },
        { name: 'user edit with a level for a non-functional position', actor: 'admin', method: 'PATCH', path: `/api/v1/users/${users.learner.id}`, body: { positionType: 'pelaksana', functionalLevel: 'mahir' }, detail: /functionalLevel/ },
        { name: 'user edit making them their own supervisor', actor: 'admin', method: 'PATCH', path: `/api/v1/users/${users.learner.id}`, body: { supervisorId: users.learner.id }, detail: /supervisorId/ },
        { name: 'user edit into an unknown unit', actor: 'admin', method: 'PATCH', path: `/api/v1/users/${users.learner.id}`, body: { unitId: new Types.ObjectId().toHexString() }, detail: /unitId/ },
        { name: 'temporary password too weak', actor: 'admin', method: 'PUT', path: `/api/v1/users/${users.learner.id}/password`, body: { temporaryPassword: 'pendek' }, detail: /temporaryPassword/ },
        { name: 'own password change with a wrong current password', actor: 'learner', method: 'PUT', path: '/api/v1/auth/password', body: { current: 'salah-sekali-1', password: 'Kata-Sandi-Baru-1' }, detail: /current/ },
        { name: 'import with a NIP of month 13 and a golongan of nobody', actor: 'admin', method: 'POST', path: '/api/v1/people/imports', body: { users: 'nip,name,golongan\n199013452015031001,Budi,Z', dryRun: false }, detail: /"line":2/ },
        { name: 'import with an unknown column', actor: 'admin', method: 'POST', path: '/api/v1/people/imports', body: { units: 'code,nama\nU1,Unit', dryRun: false }, detail: /nama/ },
        { name: 'unit moved below itself', actor: 'admin', method: 'PATCH', path: `/api/v1/units/${fx.unitId}`, body: { parentId: fx.unitId }, detail: /parentId/ },
        { name: 'roles of an unknown user', actor: 'admin', method: 'PUT', path: `/api/v1/users/${new Types.ObjectId().toHexString()}/roles`, body: { roles: ['learner'] }, status: 404, code: 'BINA_ERR_HTTP_NOT_FOUND' },
        // units, tokens, login
        { name: 'unit code with a space', actor: 'admin', method: 'POST', path: '/api/v1/units', body: { code: 'a b', name: 'Unit' }, detail: /code/ },
        // U+0000: PostgreSQL's jsonb cannot hold it; the fuzzer's NUL in an achievement name was a 500 (ADR 0062)
        { name: 'unit name holding a NUL character', actor: 'admin', method: 'POST', path: '/api/v1/units', body: { code: 'U-NUL', name: 'Unit\u0000Nol' }, detail: /name/ },
        { name: 'user search holding a NUL character', actor: 'admin', method: 'GET', path: '/api/v1/users?q=a%00b', detail: /q/ },
        { name: 'unit with an unknown parent', actor: 'admin', method: 'POST', path: '/api/v1/units', body: { code: 'U-9', name: 'Unit', parentId: new Types.ObjectId().toHexString() }, detail: /parentId/ },
        { name: 'token with an empty name', actor: 'learner', method: 'POST', path: '/api/v1/auth/tokens', body: { name: '  ' }, detail: /name/ },
        { name: 'token valid for 0 days', actor: 'learner', method: 'POST', path: '/api/v1/auth/tokens', body: { name: 't', expiresInDays: 0 }, detail: /expiresInDays/ },
        { name: 'token valid for 3651 days', actor: 'learner', method: 'POST', path: '/api/v1/auth/tokens', body: { name: 't', expiresInDays: 3651 }, detail: /expiresInDays/ },
        { name: 'revoking an unknown token', actor: 'learner', method: 'DELETE', path: `/api/v1/auth/tokens/${new Types.ObjectId().toHexString()}`, status: 404, code: 'BINA_ERR_HTTP_NOT_FOUND' },
        { name: 'login with an operator as username', actor: 'anon', method: 'POST', path: '/api/v1/auth/login', body: { username: { $gt: '' }, password: TEST_PASSWORD }, detail: /username/ },
        { name: 'login without password', actor: 'anon', method: 'POST', path: '/api/v1/auth/login', body: { username: users.learner.username }, detail: /password/ },
        { name: 'login as a form post', actor: 'anon', method: 'POST', path: '/api/v1/auth/login', body: new URLSearchParams({ username: users.learner.username, password: TEST_PASSWORD }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, code: 'BINA_ERR_HTTP_BAD_REQUEST' },
      ];
    }

    it('does answer each domain-invalid request with a 4xx that says why', async () => {
      const list = cases();
      expect(list.length).to.be.greaterThan(80);
      for (const c of list) {
        const res = await client(c.actor).request(c.method, c.path, c.body, c.headers);
        expectClientError(res, c.name, c.status ?? 400, c.code);
        if (c.detail) expect(JSON.stringify(res.body.error.details), c.name).to.match(c.detail);
      }
    });

    it('does answer 400 naming the part of the NIP that is wrong', async () => {
      const res = await users.admin.api.post('/api/v1/users', { nip: '199013452015031001', name: 'Budi', password: TEST_PASSWORD });
      expectClientError(res, 'NIP', 400, 'BINA_ERR_HTTP_VALIDATION');
      expect(res.body.error.details).to.deep.include({ in: 'body', path: 'nip', message: 'NIP digits 1–8 are not a real birth date (19901345)' });
    });
  });

  describe('stored data', () => {
    it('does leave every collection exactly as it was after all the bad requests', async () => {
      const now = await takeSnapshot();
      expect(Object.keys(now).sort()).to.deep.equal(Object.keys(snapshot).sort());
      for (const name of Object.keys(snapshot)) expect(now[name], name).to.deep.equal(snapshot[name]);
      const attempt = now['activity-quiz_attempts']!.find((a) => String((a as { _id: unknown })._id) === fx.attemptId) as { answers: unknown; state: string };
      expect(attempt.state).to.equal('in_progress');
      expect(attempt.answers).to.deep.equal({});
    });
  });

  describe('partial updates', () => {
    it('does change only the fields a course PATCH sends', async () => {
      const before = await users.trainer.api.get(`/api/v1/courses/${fx.courseId}`);
      const res = await users.trainer.api.patch(`/api/v1/courses/${fx.courseId}`, { title: 'Judul Diperbarui' });
      expect(res.status).to.equal(200);
      expect(res.body.course).to.deep.equal({ ...before.body.course, title: 'Judul Diperbarui' });
    });

    it('does change only the settings a quiz PATCH sends', async () => {
      const created = await users.trainer.api.post('/api/v1/activity-quiz/quizzes', { courseId: fx.courseId, title: 'Kuis Ketat', intro: 'Baca dulu', attemptsAllowed: 3, passPercent: 70, shuffleQuestions: false, review: { marks: 'never', correctness: 'never', feedback: 'never', rightAnswer: 'never' } });
      expect(created.status).to.equal(201);
      const res = await users.trainer.api.patch(`/api/v1/activity-quiz/quizzes/${created.body.quiz.id}`, { title: 'Kuis Ketat 2' });
      expect(res.status).to.equal(200);
      expect(res.body.quiz).to.deep.equal({ ...created.body.quiz, title: 'Kuis Ketat 2' });
      const stored = await env.kernel.services.conn.db!.collection('activity-quiz_quizzes').findOne({ _id: new Types.ObjectId(created.body.quiz.id as string) });
      expect(stored!.shuffleQuestions).to.equal(false);
    });

    it('does change only the settings an exam PATCH sends', async function () {
      if (!env.kernel.plugins.isActive('activity-exam')) this.skip();
      const created = await users.trainer.api.post('/api/v1/activity-exam/exams', {
        courseId: fx.courseId, title: 'Ujian Ketat', intro: 'Baca tata tertib', attemptsAllowed: 3, grading: 'last', navigation: 'sequential',
        review: { marks: 'never', correctness: 'never', feedback: 'never', rightAnswer: 'never' }, board: { identity: 'names', public: true },
        sections: [{ key: 'twk', title: 'TWK', fixed: [{ questionId: fx.questionIds[0] }] }],
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const res = await users.trainer.api.patch(`/api/v1/activity-exam/exams/${created.body.exam.id}`, { title: 'Ujian Ketat 2' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const { title: _t, ...before } = created.body.exam;
      const { title, ...after } = res.body.exam;
      expect(title).to.equal('Ujian Ketat 2');
      expect(after).to.deep.equal(before);
    });
  });
});
