/**
 * The quiz slice over HTTP against the real servers: autosave idempotency and ordering, refusal
 * after submit and after the deadline, resume, grading exactly once (also when the same job runs
 * twice), and course completion crediting JP once.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';
import type { AttemptService } from '../../plugins/activity-quiz/attempt-service';

describe('activity-quiz attempts', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let svc: AttemptService;

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-quiz': { graceSeconds: 0 } }) } });
    trainer = await createUser(env, 'trainer');
    svc = (env.kernel.services.providers.require('activity-quiz').impl as { service: AttemptService }).service;
  });
  after(() => env?.stop());

  async function enrolledLearner(courseId: string) {
    const learner = await createUser(env, 'learner');
    expect((await learner.api.post(`/api/v1/courses/${courseId}/enrol`)).status).to.equal(201);
    return learner;
  }
  const attemptDoc = (id: string) => svc.Attempt.findById(id).lean();

  describe('autosave', () => {
    let learner: TestUser;
    let attemptId: string;
    let tfSlot: string;

    before(async () => {
      const c = await createCourseWithQuiz(trainer, { quiz: { attemptsAllowed: 2 } });
      learner = await enrolledLearner(c.courseId);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      expect(start.status).to.equal(201);
      attemptId = start.body.attempt.id;
      tfSlot = start.body.questions.find((q: { type: string }) => q.type === 'truefalse').slot;
    });

    it('stores the same save twice as one answer', async () => {
      const url = `/api/v1/activity-quiz/attempts/${attemptId}/answers/${tfSlot}`;
      const first = await learner.api.put(url, { seq: 5, response: { value: true } });
      const again = await learner.api.put(url, { seq: 5, response: { value: true } });
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.equal({ saved: true, seq: 5 });
      expect(again.body).to.deep.include({ saved: true, seq: 5, duplicate: true });
      const doc = await attemptDoc(attemptId);
      expect(Object.keys(doc!.answers)).to.deep.equal([tfSlot]);
      expect(doc!.answers[tfSlot]).to.deep.include({ r: { value: true }, seq: 5 });
    });

    it('ignores an older sequence number arriving after a newer one', async () => {
      const url = `/api/v1/activity-quiz/attempts/${attemptId}/answers/${tfSlot}`;
      expect((await learner.api.put(url, { seq: 7, response: { value: false } })).body.saved).to.equal(true);
      const stale = await learner.api.put(url, { seq: 6, response: { value: true } });
      expect(stale.status).to.equal(200);
      expect(stale.body).to.deep.include({ saved: false, stale: true, currentSeq: 7 });
      expect((await attemptDoc(attemptId))!.answers[tfSlot]).to.deep.include({ r: { value: false }, seq: 7 });
    });

    it('resumes the open attempt instead of starting another', async () => {
      const doc = await attemptDoc(attemptId);
      const again = await learner.api.post(`/api/v1/activity-quiz/quizzes/${doc!.quizId}/attempts`);
      expect(again.body.attempt.id).to.equal(attemptId);
      const saved = again.body.questions.find((q: { slot: string }) => q.slot === tfSlot);
      expect(saved.response).to.deep.equal({ value: false });
      expect(saved.seq).to.equal(7);
    });

    it('refuses a save after submit with 409', async () => {
      const submit = await learner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
      expect(submit.status).to.equal(202);
      const late = await learner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${tfSlot}`, { seq: 8, response: { value: true } });
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('BINA_ERR_QUIZ_ATTEMPT_CLOSED');
      expect((await attemptDoc(attemptId))!.answers[tfSlot]).to.deep.include({ seq: 7 });
    });

    it('accepts a repeated submit without a second grading', async () => {
      const again = await learner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
      expect(again.status).to.equal(202);
      const graded = await waitFor(async () => ((await attemptDoc(attemptId))!.state === 'graded' ? attemptDoc(attemptId) : null), 'grading');
      expect(graded!.gradeCount).to.equal(1);
    });
  });

  describe("an answer its question type refuses, in the learner's language", () => {
    it('says why in the API (English message, localizedMessage) and on the page without JavaScript, saving the rest and not submitting', async () => {
      const c = await createCourseWithQuiz(trainer, { questions: [{ type: 'numerical', data: { answers: [{ min: 17, max: 17, fraction: 1 }] } }, { type: 'truefalse', data: { correct: true } }] });
      const learner = await enrolledLearner(c.courseId);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const attemptId = start.body.attempt.id as string;
      const numSlot = start.body.questions.find((q: { type: string }) => q.type === 'numerical').slot as string;
      const tfSlot = start.body.questions.find((q: { type: string }) => q.type === 'truefalse').slot as string;
      const api = await learner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${numSlot}`, { seq: 1, fields: { [`q_${numSlot}`]: 'tujuh belas' } });
      expect(api.status).to.equal(400);
      expect(api.body.error.details).to.deep.equal([{ path: 'response.text', message: 'not a number', i18n: 'question-numerical:errors.notANumber', localizedMessage: 'Jawaban bukan angka.' }]);
      const post = (query: string, fields: Record<string, string>) =>
        learner.api.request('POST', `/activity-quiz/attempts/${attemptId}${query}`, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      const page = await post('', { [`q_${numSlot}`]: 'tujuh belas', [`q_${tfSlot}`]: 'true', action: 'submit' });
      expect(page.status).to.equal(400);
      expect(page.body).to.match(/data-state="refused"[^>]*>Jawaban tidak disimpan: Jawaban bukan angka\.</).and.include('value="tujuh belas"');
      const doc = (await attemptDoc(attemptId))!;
      expect(doc.state).to.equal('in_progress');
      expect(doc.answers?.[tfSlot]?.r).to.deep.equal({ value: true });
      expect(doc.answers?.[numSlot]).to.equal(undefined);
      expect((await post('?lang=en', { [`q_${numSlot}`]: 'tujuh belas' })).body).to.match(/>Answer not saved: The answer is not a number\.</);
    });
  });

  describe('grading', () => {
    it('grades on the worker and shows the score the review options allow, without keys', async () => {
      const c = await createCourseWithQuiz(trainer);
      const learner = await enrolledLearner(c.courseId);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const id = start.body.attempt.id;
      for (const q of start.body.questions) {
        const response = q.type === 'truefalse' ? { value: true } : { selected: ['ka'] };
        expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response })).status).to.equal(200);
      }
      await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`);
      const review = await waitFor(async () => {
        const r = await learner.api.get(`/api/v1/activity-quiz/attempts/${id}`);
        return r.body.attempt.state === 'graded' ? r.body : null;
      }, 'graded review');
      expect(review.score).to.equal(2);
      expect(review.maxScore).to.equal(2);
      expect(review.passed).to.equal(true);
      expect(review.rights.rightAnswer).to.equal(false);
      for (const q of review.questions) expect(q.rightAnswer).to.equal(null);
      expect(JSON.stringify(review)).not.to.contain('fraction');
    });

    it('processes the same grading job twice into one grade', async () => {
      const c = await createCourseWithQuiz(trainer);
      const learner = await enrolledLearner(c.courseId);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const id = start.body.attempt.id;
      // Submit at the service level without the worker seeing it first: mark submitted directly.
      await svc.Attempt.updateOne({ _id: id }, { $set: { state: 'submitted', submittedAt: new Date() } });
      const outcomes = await Promise.all([svc.grade(id), svc.grade(id), svc.grade(id)]);
      expect(outcomes.filter((o) => o === 'graded')).to.have.length(1);
      expect(await svc.grade(id)).to.equal('skipped');
      const doc = await attemptDoc(id);
      expect(doc!.state).to.equal('graded');
      expect(await svc.Grade.countDocuments({ _id: id })).to.equal(1);
      const audits = await env.kernel.services.audit.forSubject('attempt', id);
      expect(audits.filter((a) => a.action === 'activity-quiz:audit.graded')).to.have.length(1);
    });

    it('keeps one job for a duplicate enqueue with the same key', async () => {
      const queue = env.kernel.services.queues.queue('activity-quiz.autosubmit');
      const key = `autosubmit-${'a'.repeat(24)}`;
      await env.kernel.services.queues.enqueue('activity-quiz.autosubmit', { attemptId: 'a'.repeat(24) }, { key, delayMs: 60_000 });
      await env.kernel.services.queues.enqueue('activity-quiz.autosubmit', { attemptId: 'a'.repeat(24) }, { key, delayMs: 60_000 });
      expect(await queue.getDelayedCount()).to.be.greaterThanOrEqual(1);
      const jobs = (await queue.getDelayed()).filter((j) => j.id === key);
      expect(jobs).to.have.length(1);
      await env.kernel.services.queues.cancel('activity-quiz.autosubmit', key);
    });

    it('rejects an invalid job payload before it reaches the queue', async () => {
      let code: string | undefined;
      try {
        await env.kernel.services.queues.enqueue('activity-quiz.grade', { attemptId: 'not-an-id' }, { key: 'grade-x' });
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code).to.equal('BINA_ERR_JOB_PAYLOAD');
    });
  });

  describe('server-owned deadline', () => {
    it('fixes the deadline at start, auto-submits at the deadline and refuses later saves', async () => {
      const closesAt = new Date(Date.now() + 2500).toISOString();
      const c = await createCourseWithQuiz(trainer, { quiz: { closesAt, timeLimitMinutes: 30 } });
      const learner = await enrolledLearner(c.courseId);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      expect(start.status).to.equal(201);
      // The earlier of start + limit and the close time.
      expect(new Date(start.body.attempt.deadline).toISOString()).to.equal(closesAt);
      expect(start.body.remainingMs).to.be.at.most(2500);
      const id = start.body.attempt.id;
      const slot = start.body.questions.find((q: { type: string }) => q.type === 'truefalse').slot;
      const graded = await waitFor(async () => {
        const d = await attemptDoc(id);
        return d?.state === 'graded' ? d : null;
      }, 'auto-submit and grading at the deadline', 30_000);
      expect(graded.submittedBy).to.equal('deadline');
      const late = await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${slot}`, { seq: 1, response: { value: true } });
      expect(late.status).to.equal(409);
    });

    it('refuses a save after the deadline even before the auto-submit ran', async () => {
      const c = await createCourseWithQuiz(trainer, { quiz: { closesAt: new Date(Date.now() + 60_000).toISOString() } });
      const learner = await enrolledLearner(c.courseId);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const id = start.body.attempt.id;
      // Move the deadline into the past, as if time had run out while the job is still pending.
      await svc.Attempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 1000) } });
      const late = await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${start.body.questions.find((q: { type: string }) => q.type === 'truefalse').slot}`, { seq: 1, response: { value: true } });
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('BINA_ERR_QUIZ_DEADLINE_PASSED');
    });
  });

  describe('course completion', () => {
    it('completes the course once the lesson is read and the quiz passed, crediting its JP once', async () => {
      const c = await createCourseWithQuiz(trainer, { quiz: { passPercent: 50 } });
      const learner = await enrolledLearner(c.courseId);
      expect((await learner.api.get(`/api/v1/activity-lesson/lessons/${c.lessonId}`)).body.lesson.html).to.contain('<strong>materi</strong>');
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const id = start.body.attempt.id;
      for (const q of start.body.questions) {
        const response = q.type === 'truefalse' ? { value: true } : { selected: ['ka'] };
        await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response });
      }
      await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`);
      const jp = await waitFor(async () => {
        const r = await learner.api.get('/api/v1/me/jp');
        return r.body.total > 0 ? r.body : null;
      }, 'JP credited');
      expect(jp.total).to.equal(2);
      // Reading the lesson again changes nothing.
      await learner.api.get(`/api/v1/activity-lesson/lessons/${c.lessonId}`);
      expect((await learner.api.get('/api/v1/me/jp')).body.total).to.equal(2);
      const course = await learner.api.get(`/api/v1/courses/${c.courseId}`);
      expect(course.body.activities.map((a: { progress: string }) => a.progress)).to.deep.equal(['completed', 'completed']);
    });
  });
});
