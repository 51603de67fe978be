/**
 * Authorisation over HTTP against the real servers: anonymous callers get 401s (API) or a login
 * redirect (pages), every role reaches only what its capabilities allow, a learner never sees
 * another learner's attempt nor any answer key while attempting, cookie sessions need a CSRF
 * token, revoked tokens stop working and repeated failed logins are throttled.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { ApiClient, createCourseWithQuiz, createUser, startTestEnv, TEST_PASSWORD, waitFor, type TestEnv, type TestUser } from '../support/harness';

const NEEDED_PLUGINS = ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse', 'question-shortanswer', 'question-numerical', 'question-matching', 'question-ordering'];

/** A valid-looking value for each path parameter. */
function fillPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (name === 'slot' ? 's1' : new Types.ObjectId().toHexString()));
}

/** Every key of every object in a JSON value, however deep. */
function allKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      allKeys(v, out);
    }
  }
  return out;
}

/** Logs in with the JSON login and returns the session cookie and the CSRF token. */
async function cookieLogin(url: string, username: string, password = TEST_PASSWORD) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status, await res.clone().text()).to.equal(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  expect(cookie).to.match(/bina\.sid=/);
  expect(csrfToken).to.be.a('string').that.is.not.empty;
  return { cookie, csrfToken };
}

function expectAuthRequired(res: { status: number; body: any; headers: Headers }, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(401);
  expect(res.headers.get('content-type'), what).to.match(/application\/json/);
  expect(res.body.error.code, what).to.equal('BINA_ERR_AUTH_REQUIRED');
  expect(res.body.error.message, what).to.be.a('string');
}

function expectForbidden(res: { status: number; body: any }, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(403);
  expect(res.body.error.code, what).to.equal('BINA_ERR_AUTHZ_FORBIDDEN');
}

describe('authorization', function () {
  // Booting a kernel (every plugin, every index) can take tens of seconds on a loaded machine.
  this.timeout(120_000);

  let env: TestEnv;
  let admin: TestUser;
  let trainer: TestUser;
  let otherTrainer: TestUser;
  let learner: TestUser;
  let otherLearner: TestUser;
  let anon: ApiClient;
  let course: Awaited<ReturnType<typeof createCourseWithQuiz>>;

  before(async () => {
    env = await startTestEnv();
    const report = env.kernel.plugins.report();
    for (const id of NEEDED_PLUGINS) expect(report.find((p) => p.id === id)?.status, `plugin ${id}`).to.equal('active');
    admin = await createUser(env, 'admin');
    trainer = await createUser(env, 'trainer');
    otherTrainer = await createUser(env, 'trainer');
    learner = await createUser(env, 'learner');
    otherLearner = await createUser(env, 'learner');
    anon = new ApiClient(env.url);
    course = await createCourseWithQuiz(trainer);
  });

  after(async () => {
    await env?.stop();
  });

  describe('anonymous callers', () => {
    it('does answer 401 JSON on every non-public API route', async () => {
      const routes = env.kernel.services.routes.entries.filter((e) => e.spec.kind !== 'page' && !e.spec.public);
      expect(routes.length).to.be.greaterThan(20);
      for (const e of routes) {
        const path = fillPath(e.fullPath);
        const method = e.spec.method.toUpperCase();
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        expectAuthRequired(await anon.request(method, path, body), `${method} ${path}`);
        // A browser asking for HTML still gets JSON from the API.
        expectAuthRequired(await anon.request(method, path, body, { accept: 'text/html' }), `${method} ${path} (html)`);
      }
    });

    it('does redirect to the login page, with the path to return to, on every non-public page', async () => {
      const pages = env.kernel.services.routes.entries.filter((e) => e.spec.kind === 'page' && !e.spec.public);
      const paths = pages.map((e) => ({ method: e.spec.method.toUpperCase(), path: fillPath(e.fullPath) }));
      paths.push({ method: 'GET', path: `/courses/${course.courseId}` }, { method: 'GET', path: `/activity-quiz/quizzes/${course.quizId}` });
      expect(paths.map((p) => p.path)).to.include('/');
      for (const { method, path } of paths) {
        const res = await anon.request(method, path, method === 'GET' ? undefined : '', { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' });
        expect(res.status, `${method} ${path}`).to.equal(302);
        expect(res.headers.get('location'), `${method} ${path}`).to.equal(`/login?next=${encodeURIComponent(path)}`);
      }
    });

    it('does keep the login page, the health check and the OpenAPI document public', async () => {
      expect((await anon.request('GET', '/login', undefined, { accept: 'text/html' })).status).to.equal(200);
      expect((await anon.get('/health')).status).to.equal(200);
      expect((await anon.get('/api/v1/openapi.json')).status).to.equal(200);
    });

    it('does refuse Bull Board', async () => {
      expect((await anon.get('/admin/queues')).status).to.equal(401);
      const page = await anon.request('GET', '/admin/queues', undefined, { accept: 'text/html' });
      expect(page.status).to.equal(302);
      expect(page.headers.get('location')).to.equal('/login?next=%2Fadmin%2Fqueues');
    });
  });

  describe('a learner', () => {
    it('does get 403 on every authoring route', async () => {
      expectForbidden(await learner.api.post('/api/v1/courses', { title: 'Kursus Ilegal', jp: 1 }), 'POST courses');
      expectForbidden(await learner.api.post('/api/v1/questions', { courseId: course.courseId, type: 'truefalse', name: 'Q', stem: 'S', data: { correct: true } }), 'POST questions');
      expectForbidden(await learner.api.post('/api/v1/activity-quiz/quizzes', { courseId: course.courseId, title: 'Kuis Ilegal' }), 'POST quizzes');
      expectForbidden(await learner.api.post('/api/v1/activity-lesson/lessons', { courseId: course.courseId, title: 'Materi Ilegal', markdown: 'x' }), 'POST lessons');
      expectForbidden(await learner.api.patch(`/api/v1/courses/${course.courseId}`, { title: 'Diubah' }), 'PATCH course');
      expectForbidden(await learner.api.patch(`/api/v1/activity-quiz/quizzes/${course.quizId}`, { title: 'Diubah' }), 'PATCH quiz');
      expectForbidden(await learner.api.put(`/api/v1/activity-lesson/lessons/${course.lessonId}`, { title: 'Diubah', markdown: 'x' }), 'PUT lesson');
      expectForbidden(await learner.api.get(`/api/v1/courses/${course.courseId}/questions`), 'GET course questions');
      expectForbidden(await learner.api.get(`/api/v1/questions/${course.questionIds[0]}`), 'GET question with keys');
    });

    it('does get 403 on admin routes', async () => {
      expectForbidden(await learner.api.get('/api/v1/plugins'), 'GET plugins');
      expectForbidden(await learner.api.get('/api/v1/users'), 'GET users');
      expectForbidden(await learner.api.post('/api/v1/users', { email: 'x@test.local', name: 'X', password: TEST_PASSWORD }), 'POST users');
      expectForbidden(await learner.api.put(`/api/v1/users/${learner.id}/roles`, { roles: ['admin'] }), 'PUT own roles');
      expectForbidden(await learner.api.get('/admin/queues'), 'Bull Board');
      const page = await learner.api.request('GET', '/admin/plugins', undefined, { accept: 'text/html' });
      expect(page.status).to.equal(403);
      expect(page.headers.get('content-type')).to.match(/text\/html/);
    });

    it('does need to enrol before reading a lesson, seeing a quiz or starting an attempt', async () => {
      const stranger = await createUser(env, 'learner');
      expectForbidden(await stranger.api.get(`/api/v1/activity-lesson/lessons/${course.lessonId}`), 'read lesson');
      expectForbidden(await stranger.api.get(`/api/v1/activity-quiz/quizzes/${course.quizId}`), 'see quiz');
      expectForbidden(await stranger.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`), 'start attempt');
      expect(await env.kernel.services.conn.db!.collection('activity-quiz_attempts').countDocuments({ userId: new Types.ObjectId(stranger.id) })).to.equal(0);
    });

    it('does not see or enter an unpublished course', async () => {
      const draft = await trainer.api.post('/api/v1/courses', { title: 'Kursus Draf', jp: 1, published: false });
      expect(draft.status).to.equal(201);
      const id = draft.body.course.id as string;
      expect((await learner.api.get(`/api/v1/courses/${id}`)).status).to.equal(404);
      expect((await learner.api.get('/api/v1/courses')).body.courses.map((c: { id: string }) => c.id)).not.to.include(id);
      expect((await learner.api.post(`/api/v1/courses/${id}/enrol`)).status).to.equal(409);
      expect(await env.kernel.services.conn.db!.collection('learning_enrolments').countDocuments({ courseId: new Types.ObjectId(id) })).to.equal(0);
    });

    it('does get 403 on the question bank', async () => {
      expectForbidden(await learner.api.get('/api/v1/banks'), 'GET banks');
      expectForbidden(await learner.api.post('/api/v1/banks', { name: 'Bank', owner: { type: 'course', id: course.courseId } }), 'POST banks');
    });

    it('does leave nothing behind from refused requests', async () => {
      const courses = await env.kernel.services.conn.db!.collection('learning_courses').countDocuments();
      await learner.api.post('/api/v1/courses', { title: 'Kursus Ilegal', jp: 1 });
      expect(await env.kernel.services.conn.db!.collection('learning_courses').countDocuments()).to.equal(courses);
      const me = await env.kernel.identity.models.User.findById(learner.id).lean();
      expect(me!.roles).to.deep.equal(['learner']);
    });
  });

  describe('an admin', () => {
    it('does reach Bull Board and the plugin list', async () => {
      const board = await admin.api.request('GET', '/admin/queues', undefined, { accept: 'text/html' });
      expect(board.status).to.equal(200);
      expect(board.headers.get('content-type')).to.match(/text\/html/);
      const plugins = await admin.api.get('/api/v1/plugins');
      expect(plugins.status).to.equal(200);
      expect(plugins.body.plugins.map((p: { id: string }) => p.id)).to.include('activity-quiz');
    });
    it('cannot be made to change Bull Board from another site', async () => {
      const path = '/admin/queues/api/queues/activity-quiz.grade/clean/failed';
      const cross = await admin.api.request('PUT', path, {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(cross.status).to.equal(403);
      expect(cross.body.error.code).to.equal('BINA_ERR_HTTP_CSRF');
      const same = await admin.api.request('PUT', path, {}, { origin: env.url, 'sec-fetch-site': 'same-origin' });
      expect(same.status).to.be.lessThan(400);
    });
  });

  describe("another trainer's course", () => {
    it('does refuse every change by a trainer who does not teach it', async () => {
      const before = await env.kernel.services.conn.db!.collection('learning_courses').findOne({ _id: new Types.ObjectId(course.courseId) });
      expectForbidden(await otherTrainer.api.patch(`/api/v1/courses/${course.courseId}`, { title: 'Dibajak' }), 'PATCH course');
      expectForbidden(await otherTrainer.api.post('/api/v1/activity-lesson/lessons', { courseId: course.courseId, title: 'Sisipan', markdown: 'x' }), 'POST lesson');
      expectForbidden(await otherTrainer.api.put(`/api/v1/activity-lesson/lessons/${course.lessonId}`, { title: 'Dibajak', markdown: 'x' }), 'PUT lesson');
      expectForbidden(await otherTrainer.api.post('/api/v1/questions', { courseId: course.courseId, type: 'truefalse', name: 'Q', stem: 'S', data: { correct: true } }), 'POST question');
      expectForbidden(await otherTrainer.api.post(`/api/v1/questions/${course.questionIds[0]}/versions`, { type: 'truefalse', name: 'Q', stem: 'S', data: { correct: false } }), 'POST version');
      expectForbidden(await otherTrainer.api.get(`/api/v1/questions/${course.questionIds[0]}`), 'GET question with keys');
      expectForbidden(await otherTrainer.api.get(`/api/v1/courses/${course.courseId}/questions`), 'GET course questions');
      expectForbidden(await otherTrainer.api.post('/api/v1/activity-quiz/quizzes', { courseId: course.courseId, title: 'Kuis Sisipan' }), 'POST quiz');
      expectForbidden(await otherTrainer.api.patch(`/api/v1/activity-quiz/quizzes/${course.quizId}`, { title: 'Dibajak' }), 'PATCH quiz');
      expectForbidden(await otherTrainer.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/slots`, { questionId: course.questionIds[0] }), 'POST slot');
      const after = await env.kernel.services.conn.db!.collection('learning_courses').findOne({ _id: new Types.ObjectId(course.courseId) });
      expect(after).to.deep.equal(before);
    });

    it("does hide the course's question bank from a trainer who does not teach it", async () => {
      const bank = await trainer.api.post('/api/v1/banks', { name: 'Bank Kursus', owner: { type: 'course', id: course.courseId } });
      expect(bank.status, JSON.stringify(bank.body)).to.equal(201);
      const categories = await trainer.api.get(`/api/v1/banks/${bank.body.bank.id}/categories`);
      const categoryId = categories.body.categories[0].id as string;
      const q = await trainer.api.post(`/api/v1/banks/${bank.body.bank.id}/questions`, { categoryId, type: 'truefalse', name: 'Rahasia', stem: 'S', data: { correct: true } });
      expect(q.status, JSON.stringify(q.body)).to.equal(201);
      expectForbidden(await otherTrainer.api.post('/api/v1/banks', { name: 'Sisipan', owner: { type: 'course', id: course.courseId } }), 'POST bank');
      expect((await otherTrainer.api.get(`/api/v1/banks/${bank.body.bank.id}/categories`)).status).to.equal(404);
      expect((await otherTrainer.api.get(`/api/v1/banks/${bank.body.bank.id}/questions`)).status).to.equal(404);
      expect((await otherTrainer.api.get(`/api/v1/bank-questions/${q.body.question.qid}/preview`)).status).to.equal(404);
      expect((await otherTrainer.api.put(`/api/v1/bank-questions/${q.body.question.qid}/hidden`, { hidden: true })).status).to.equal(404);
      expect((await otherTrainer.api.get('/api/v1/banks')).body.banks.map((b: { id: string }) => b.id)).not.to.include(bank.body.bank.id);
    });

    it('does let its own trainer edit it', async () => {
      const res = await trainer.api.patch(`/api/v1/courses/${course.courseId}`, { description: 'Deskripsi baru' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.course.description).to.equal('Deskripsi baru');
    });
  });

  describe('attempts', () => {
    const SECRET_FEEDBACK = 'UMPAN-BALIK-RAHASIA';
    const questions = [
      { type: 'multichoice', data: { single: true, shuffle: true, options: [{ id: 'ka', text: 'Tepat', fraction: 1, feedback: SECRET_FEEDBACK }, { id: 'kb', text: 'Keliru', fraction: 0 }, { id: 'kc', text: 'Keliru sekali', fraction: -0.5 }] } },
      { type: 'truefalse', data: { correct: true, feedbackTrue: SECRET_FEEDBACK, feedbackFalse: SECRET_FEEDBACK } },
      { type: 'shortanswer', stem: 'Ibu kota Sulawesi Selatan?', data: { caseSensitive: false, answers: [{ text: 'Makassar', fraction: 1, feedback: SECRET_FEEDBACK }, { text: 'Ujung Pandang', fraction: 0.5 }] } },
      { type: 'numerical', data: { answers: [{ min: 3.4, max: 3.6, fraction: 1, feedback: SECRET_FEEDBACK }, { any: true, fraction: 0 }], units: [{ unit: 'm', multiplier: 1 }, { unit: 'cm', multiplier: 100 }] } },
      { type: 'matching', data: { shuffle: true, pairs: [{ id: 'jabar', question: 'Jawa Barat', answer: 'Bandung', answerId: 'qzvmwk' }, { id: 'jatim', question: 'Jawa Timur', answer: 'Surabaya', answerId: 'hxtrpa' }, { id: 'dist', question: '', answer: 'Medan', answerId: 'lbcyue' }] } },
      { type: 'ordering', data: { items: [{ id: 'plan', text: 'Perencanaan' }, { id: 'exec', text: 'Pelaksanaan' }, { id: 'eval', text: 'Evaluasi' }, { id: 'lapor', text: 'Pelaporan' }] } },
    ];
    const FORBIDDEN_KEYS = ['fraction', 'correct', 'answers', 'points', 'tolerance', 'answerId', 'rightAnswer', 'feedback', 'feedbackTrue', 'feedbackFalse', 'caseSensitive', 'multiplier', 'min', 'max', 'parts', 'score'];

    let quiz: Awaited<ReturnType<typeof createCourseWithQuiz>>;
    let attemptId: string;
    let started: any;

    /** Fails if a learner-facing JSON document carries anything that reveals an answer. */
    function expectNoKeys(doc: unknown, what: string) {
      const keys = allKeys(doc);
      for (const k of FORBIDDEN_KEYS) expect(keys.has(k), `${what} has key '${k}'`).to.equal(false);
      const text = JSON.stringify(doc);
      expect(text, what).not.to.include('Makassar');
      expect(text, what).not.to.include('Ujung Pandang');
      expect(text, what).not.to.include(SECRET_FEEDBACK);
    }

    before(async () => {
      quiz = await createCourseWithQuiz(trainer, { questions });
      for (const u of [learner, otherLearner]) expect((await u.api.post(`/api/v1/courses/${quiz.courseId}/enrol`)).status).to.equal(201);
      const res = await learner.api.post(`/api/v1/activity-quiz/quizzes/${quiz.quizId}/attempts`);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      started = res.body;
      attemptId = res.body.attempt.id;
    });

    it('does carry no answer key in the start response', () => {
      expect(started.questions).to.have.length(questions.length);
      expectNoKeys(started, 'start response');
    });

    it('does carry no answer key in the open attempt, nor in the quiz seen by a learner', async () => {
      const res = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(res.status).to.equal(200);
      expect(res.body.attempt.state).to.equal('in_progress');
      expectNoKeys(res.body, 'GET attempt');
      const q = await learner.api.get(`/api/v1/activity-quiz/quizzes/${quiz.quizId}`);
      expect(q.status).to.equal(200);
      expect(q.body.quiz).not.to.have.property('slots');
      expectNoKeys(q.body.quiz.slots ?? [], 'GET quiz');
    });

    it('does show the ordering items out of their correct order', () => {
      const ordering = started.questions.find((q: { type: string }) => q.type === 'ordering');
      expect(ordering.view.items.map((i: { id: string }) => i.id)).not.to.deep.equal(['plan', 'exec', 'eval', 'lapor']);
    });

    it("does hide another learner's attempt (404) and refuse answers and submission into it", async () => {
      const read = await otherLearner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(read.status).to.equal(404);
      expect(read.body.error.code).to.equal('BINA_ERR_HTTP_NOT_FOUND');
      const slot = started.questions[0].slot;
      const save = await otherLearner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${slot}`, { seq: 1, response: { value: true } });
      expect(save.status).to.equal(404);
      const saveForm = await otherLearner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${slot}`, { seq: 1, fields: { [`q_${slot}`]: 'x' } });
      expect(saveForm.status).to.equal(404);
      const submit = await otherLearner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
      expect(submit.status).to.equal(404);
      const page = await otherLearner.api.request('GET', `/activity-quiz/attempts/${attemptId}`, undefined, { accept: 'text/html' });
      expect(page.status).to.equal(404);
      const list = await otherLearner.api.get(`/api/v1/activity-quiz/quizzes/${quiz.quizId}/attempts`);
      expect(list.status).to.equal(200);
      expect(list.body.attempts).to.deep.equal([]);
      const stored = await env.kernel.services.conn.db!.collection('activity-quiz_attempts').findOne({ _id: new Types.ObjectId(attemptId) });
      expect(stored!.state).to.equal('in_progress');
      expect(stored!.answers).to.deep.equal({});
    });

    it('does hide the attempt from a trainer of another course', async () => {
      expect((await otherTrainer.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`)).status).to.equal(404);
    });

    it('does let the course trainer read the attempt but not answer or submit it', async () => {
      const read = await trainer.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      const slot = started.questions[0].slot;
      expectForbidden(await trainer.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${slot}`, { seq: 1, response: null }), 'trainer answers');
      expectForbidden(await trainer.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`), 'trainer submits');
    });

    it('does keep rightAnswer null after grading with the default review options', async () => {
      const bySlot = new Map<string, any>(started.questions.map((q: { type: string; slot: string }) => [q.type, q]));
      const answers: Record<string, unknown> = {
        multichoice: { selected: ['kb'] },
        truefalse: { value: false },
        shortanswer: { text: 'Bandung' },
        numerical: { text: '3,5 m' },
        matching: { matches: [{ questionId: 'jabar', choiceId: 'hxtrpa' }] },
        ordering: { order: ['exec', 'plan', 'eval', 'lapor'] },
      };
      for (const [type, response] of Object.entries(answers)) {
        const r = await learner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${bySlot.get(type).slot}`, { seq: 1, response });
        expect(r.status, `${type}: ${JSON.stringify(r.body)}`).to.equal(200);
        expect(r.body.saved).to.equal(true);
      }
      const submitted = await learner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
      expect(submitted.status).to.equal(202);
      const review = await waitFor(async () => {
        const r = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
        return r.body?.attempt?.state === 'graded' ? r.body : undefined;
      }, 'the attempt to be graded');
      expect(review.rights.rightAnswer).to.equal(false);
      expect(review.questions).to.have.length(questions.length);
      for (const q of review.questions) expect(q.rightAnswer, q.type).to.equal(null);
      const text = JSON.stringify(review);
      expect(text).not.to.include('Makassar');
      expect(text).not.to.include('Ujung Pandang');
      expect(allKeys(review).has('fraction')).to.equal(false);
      expect(allKeys(review).has('answerId')).to.equal(false);
      // The trainer's review shows the keys.
      const asTrainer = await trainer.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(asTrainer.status).to.equal(200);
      expect(asTrainer.body.questions.find((q: { type: string }) => q.type === 'shortanswer').rightAnswer).to.deep.equal({ text: 'Makassar' });
      expect((await otherLearner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`)).status).to.equal(404);
    });
  });

  describe('CSRF', () => {
    it('does refuse a cookie-session write without x-csrf-token (403)', async () => {
      const { cookie } = await cookieLogin(env.url, learner.username);
      const res = await fetch(`${env.url}/api/v1/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', cookie }, body: JSON.stringify({ name: 'tanpa-csrf' }) });
      expect(res.status).to.equal(403);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).to.equal('BINA_ERR_HTTP_CSRF');
      const wrong = await fetch(`${env.url}/api/v1/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': 'salah' }, body: JSON.stringify({ name: 'csrf-salah' }) });
      expect(wrong.status).to.equal(403);
      expect(await env.kernel.identity.models.ApiToken.countDocuments({ name: { $in: ['tanpa-csrf', 'csrf-salah'] } })).to.equal(0);
    });

    it('does accept a cookie-session write with the token', async () => {
      const { cookie, csrfToken } = await cookieLogin(env.url, learner.username);
      const res = await fetch(`${env.url}/api/v1/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'dengan-csrf' }) });
      expect(res.status).to.equal(201);
      const me = await fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie } });
      expect(me.status).to.equal(200);
      expect(((await me.json()) as { user: { via: string } }).user.via).to.equal('session');
    });

    it('does not ask bearer-token requests for a token', async () => {
      const res = await learner.api.post('/api/v1/auth/tokens', { name: 'via-bearer' });
      expect(res.status).to.equal(201);
    });

    it('does not let a session cookie and a bad bearer token fall back to the session', async () => {
      const { cookie } = await cookieLogin(env.url, learner.username);
      const res = await fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie, authorization: 'Bearer bina_invalid', accept: 'application/json' } });
      expect(res.status).to.equal(401);
    });
  });

  describe('API tokens', () => {
    it('does answer 401 once a token is revoked', async () => {
      const created = await learner.api.post('/api/v1/auth/tokens', { name: 'sementara' });
      expect(created.status).to.equal(201);
      const temp = new ApiClient(env.url, created.body.token);
      expect((await temp.get('/api/v1/auth/me')).status).to.equal(200);
      const revoked = await learner.api.delete(`/api/v1/auth/tokens/${created.body.id}`);
      expect(revoked.status).to.equal(200);
      expectAuthRequired(await temp.get('/api/v1/auth/me'), 'revoked token');
      expectAuthRequired(await temp.post('/api/v1/auth/tokens', { name: 'x' }), 'revoked token write');
    });

    it("does not let a user revoke someone else's token", async () => {
      const created = await learner.api.post('/api/v1/auth/tokens', { name: 'milik-learner' });
      const res = await otherLearner.api.delete(`/api/v1/auth/tokens/${created.body.id}`);
      expect(res.status).to.equal(404);
      expect((await new ApiClient(env.url, created.body.token).get('/api/v1/auth/me')).status).to.equal(200);
    });

    it('does refuse an unknown or malformed bearer token', async () => {
      expectAuthRequired(await new ApiClient(env.url, 'bina_tidak-ada').get('/api/v1/auth/me'), 'unknown token');
      expectAuthRequired(await new ApiClient(env.url, 'x'.repeat(5000)).get('/api/v1/auth/me'), 'long token');
    });
  });

  describe('login throttling (its own kernel, limit 3)', () => {
    let smallEnv: TestEnv;
    let user: TestUser;

    before(async () => {
      smallEnv = await startTestEnv({ only: [], env: { BINA_LOGIN_RATE_LIMIT: '3' } });
      user = await createUser(smallEnv, 'learner');
    });

    after(async () => {
      await smallEnv?.stop();
    });

    it('does answer 429 after the limit of failed logins, even with the right password', async () => {
      const login = (password: string) => new ApiClient(smallEnv.url).post('/api/v1/auth/login', { username: user.username, password });
      for (let i = 0; i < 3; i++) {
        const res = await login('Salah-Sandi-999');
        expect(res.status, `attempt ${i + 1}`).to.equal(401);
        expect(res.body.error.code).to.equal('BINA_ERR_AUTH_REQUIRED');
      }
      const blocked = await login(TEST_PASSWORD);
      expect(blocked.status).to.equal(429);
      expect(blocked.body.error.code).to.equal('BINA_ERR_HTTP_RATE_LIMITED');
      expect(blocked.body.error.details.retryAfterSeconds).to.be.a('number').greaterThan(0);
      expect(blocked.headers.getSetCookie().some((c) => c.startsWith('bina.sid='))).to.equal(false);
    });

    it('does throttle the login form too', async () => {
      const page = await fetch(`${smallEnv.url}/login`);
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
      expect(csrf).to.be.a('string');
      const res = await fetch(`${smallEnv.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
        body: new URLSearchParams({ username: user.username, password: TEST_PASSWORD, _csrf: csrf! }).toString(),
      });
      expect(res.status).to.equal(429);
    });

    it('does not throttle another user', async () => {
      const other = await createUser(smallEnv, 'learner');
      expect(other.token).to.be.a('string');
    });
  });
});
