/**
 * Quizzes built from the question bank over the API: bank questions added by id, random slots
 * drawn per attempt (stored on the attempt, so the review shows the same, never one question
 * twice), removal and reordering, settings changed after attempts exist; bad input and
 * authorisation (another trainer's bank, another course's quiz) are refused.
 */
import { expect } from 'chai';
import { createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';
import type { AttemptService } from '../../plugins/activity-quiz/attempt-service';

const mc = { single: true, shuffle: true, options: [{ id: 'ka', text: 'Benar', fraction: 1 }, { id: 'kb', text: 'Salah', fraction: 0 }] };

describe('activity-quiz from the question bank', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let other: TestUser;
  let svc: AttemptService;
  let courseId: string;
  let bankId: string;
  let twkCat: string;
  let fixedIds: string[];
  let quizId: string;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    other = await createUser(env, 'trainer');
    svc = (env.kernel.services.providers.require('activity-quiz').impl as { service: AttemptService }).service;
    courseId = (await trainer.api.post('/api/v1/courses', { title: 'Kursus Bank', jp: 2, published: true })).body.course.id;
    bankId = (await trainer.api.post('/api/v1/banks', { name: 'Bank SKD', owner: { type: 'course', id: courseId } })).body.bank.id;
    const root = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories[0].id;
    twkCat = (await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'TWK', parentId: root })).body.category.id;
    const sub = (await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'Pancasila', parentId: twkCat })).body.category.id;
    fixedIds = [];
    for (let i = 0; i < 2; i++) {
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId: root, type: 'truefalse', name: `Tetap ${i}`, stem: `Tetap ${i}`, data: { correct: true } });
      fixedIds.push(r.body.question.id);
    }
    for (let i = 0; i < 5; i++) {
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId: i < 3 ? twkCat : sub, type: 'multichoice', name: `TWK ${i}`, stem: `TWK ${i}`, data: mc, tags: i % 2 ? ['sulit'] : [] });
      expect(r.status).to.equal(201);
    }
    quizId = (await trainer.api.post('/api/v1/activity-quiz/quizzes', { courseId, title: 'Kuis Bank', attemptsAllowed: 5 })).body.quiz.id;
  });
  after(() => env?.stop());

  it('adds bank questions by id and refuses another trainer and unknown ids', async () => {
    for (const questionId of fixedIds) expect((await trainer.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/slots`, { questionId })).status).to.equal(201);
    expect((await other.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/slots`, { questionId: fixedIds[0] })).status).to.equal(403);
    const unknown = await trainer.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/slots`, { questionId: '0123456789abcdef01234567' });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.details[0].path).to.equal('questions.0.questionId');
  });

  it('counts what a random rule can draw from: the category and below, narrowed by tags', async () => {
    const count = async (q: string) => (await trainer.api.get(`/api/v1/activity-quiz/quizzes/${quizId}/random-pool?bankId=${bankId}${q}`)).body.available;
    expect(await count(`&categoryId=${twkCat}`)).to.equal(5);
    expect(await count(`&categoryId=${twkCat}&recursive=false`)).to.equal(3);
    expect(await count(`&categoryId=${twkCat}&tags=sulit`)).to.equal(2);
    expect((await trainer.api.get(`/api/v1/activity-quiz/quizzes/${quizId}/random-pool?bankId=nope`)).status).to.equal(400);
  });

  it('refuses random slots from a bank the author may not use, and bad counts', async () => {
    const otherCourse = (await other.api.post('/api/v1/courses', { title: 'Kursus Lain', jp: 1 })).body.course.id;
    const otherBank = (await other.api.post('/api/v1/banks', { name: 'Bank Lain', owner: { type: 'course', id: otherCourse } })).body.bank.id;
    const foreign = await trainer.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/random-slots`, { bankId: otherBank, count: 1 });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.error.details[0].path).to.equal('bankId');
    expect((await trainer.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/random-slots`, { bankId, count: 0 })).status).to.equal(400);
    expect((await trainer.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/random-slots`, { bankId, count: 2, categoryId: '0123456789abcdef01234567' })).status).to.equal(400);
  });

  it('draws random slots per attempt, stores them on the attempt, never twice the same question', async () => {
    const added = await trainer.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/random-slots`, { bankId, categoryId: twkCat, count: 3, mark: 2 });
    expect(added.status).to.equal(201);
    expect(added.body.quiz.questionCount).to.equal(5);
    expect(added.body.quiz.maxScore).to.equal(2 + 3 * 2);
    expect(added.body.quiz.slots.filter((s: { random: unknown }) => s.random)).to.have.lengthOf(3);

    const learner = await createUser(env, 'learner');
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    const seen = new Set<string>();
    for (let n = 0; n < 3; n++) {
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/attempts`);
      expect(start.status).to.equal(201);
      const attempt = (await svc.Attempt.findById(start.body.attempt.id).lean())!;
      const ids = attempt.slots.map((s) => String(s.questionId));
      expect(new Set(ids).size).to.equal(5);
      expect(ids).to.include.members(fixedIds);
      for (const id of ids) seen.add(id);
      // The review lists the stored questions, in the stored order.
      await learner.api.post(`/api/v1/activity-quiz/attempts/${start.body.attempt.id}/submit`);
      const review = await waitFor(async () => {
        const r = await learner.api.get(`/api/v1/activity-quiz/attempts/${start.body.attempt.id}`);
        return r.body.attempt?.state === 'graded' ? r.body : null;
      }, 'grading');
      expect(review.questions.map((q: { slot: string }) => q.slot)).to.deep.equal(attempt.slots.map((s) => s.slot));
      expect(review.maxScore).to.equal(8);
    }
    expect(seen.size).to.be.greaterThan(5);
  });

  it('removes and reorders slots, refusing an order that is not a permutation', async () => {
    const quiz = (await trainer.api.get(`/api/v1/activity-quiz/quizzes/${quizId}`)).body.quiz;
    const names = quiz.slots.map((s: { slot: string }) => s.slot);
    const reversed = [...names].reverse();
    const r = await trainer.api.put(`/api/v1/activity-quiz/quizzes/${quizId}/slot-order`, { slots: reversed });
    expect(r.status).to.equal(200);
    expect(r.body.quiz.slots.map((s: { slot: string }) => s.slot)).to.deep.equal(reversed);
    expect((await trainer.api.put(`/api/v1/activity-quiz/quizzes/${quizId}/slot-order`, { slots: names.slice(1) })).status).to.equal(400);
    expect((await other.api.put(`/api/v1/activity-quiz/quizzes/${quizId}/slot-order`, { slots: names })).status).to.equal(403);
    const del = await trainer.api.delete(`/api/v1/activity-quiz/quizzes/${quizId}/slots/${names[0]}`);
    expect(del.status).to.equal(200);
    expect(del.body.quiz.questionCount).to.equal(4);
    expect((await trainer.api.delete(`/api/v1/activity-quiz/quizzes/${quizId}/slots/s999`)).status).to.equal(404);
  });

  it('changes settings after attempts exist; an empty time limit clears it', async () => {
    const set = await trainer.api.patch(`/api/v1/activity-quiz/quizzes/${quizId}`, { timeLimitMinutes: 15, title: 'Kuis Bank (revisi)' });
    expect(set.body.quiz).to.include({ timeLimitMinutes: 15, title: 'Kuis Bank (revisi)' });
    const cleared = await trainer.api.patch(`/api/v1/activity-quiz/quizzes/${quizId}`, { timeLimitMinutes: null });
    expect(cleared.body.quiz.timeLimitMinutes).to.equal(null);
    expect((await trainer.api.patch(`/api/v1/activity-quiz/quizzes/${quizId}`, { timeLimitMinutes: 0 })).status).to.equal(400);
    expect((await other.api.patch(`/api/v1/activity-quiz/quizzes/${quizId}`, { title: 'x' })).status).to.equal(403);
  });

  it('refuses to start when a random rule has run dry (409 with its code)', async () => {
    const q2 = (await trainer.api.post('/api/v1/activity-quiz/quizzes', { courseId, title: 'Terlalu banyak' })).body.quiz.id;
    await trainer.api.post(`/api/v1/activity-quiz/quizzes/${q2}/random-slots`, { bankId, categoryId: twkCat, tags: ['sulit'], count: 3 });
    const learner = await createUser(env, 'learner');
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${q2}/attempts`);
    expect(start.status).to.equal(409);
    expect(start.body.error.code).to.equal('BINA_ERR_QUIZ_POOL_TOO_SMALL');
  });
});
