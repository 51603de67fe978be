/**
 * Quizzes grade essays by hand through the attempt engine (issue 12: they used to score them 0
 * silently): an attempt with an essay waits (`needs_grading`, nothing shown to the learner), a
 * trainer grades by rubric or points, the attempt becomes final once, and a later change is a
 * regrade the core hears about.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, waitFor, type TestEnv, type TestUser, startTestEnv } from '../support/harness';
import type { AttemptService } from '../../plugins/activity-quiz/attempt-service';

const ESSAY = {
  type: 'essay', stem: 'Jelaskan tugas pokok ASN.',
  data: { rubric: { criteria: [{ id: 'isi', description: 'Isi', levels: [{ id: 'kurang', label: 'Kurang', points: 0 }, { id: 'baik', label: 'Baik', points: 2 }] }, { id: 'bahasa', description: 'Bahasa', levels: [{ id: 'kurang', label: 'Kurang', points: 0 }, { id: 'baik', label: 'Baik', points: 2 }] }] } },
};
const TF = { type: 'truefalse', data: { correct: true } };

describe('activity-quiz manual grading of essays', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let svc: AttemptService;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    svc = (env.kernel.services.providers.require('activity-quiz').impl as { service: AttemptService }).service;
  });
  after(() => env?.stop());

  async function submittedAttempt(questions: unknown[]) {
    const c = await createCourseWithQuiz(trainer, { questions: questions as never, quiz: { passPercent: 50 } });
    const learner = await createUser(env, 'learner');
    expect((await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`)).status).to.equal(201);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
    const id = start.body.attempt.id as string;
    const slotOf = (type: string) => start.body.questions.find((q: { type: string }) => q.type === type).slot as string;
    expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${slotOf('essay')}`, { seq: 1, response: { text: 'Melayani masyarakat dengan jujur.' } })).status).to.equal(200);
    if (questions.includes(TF)) expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${slotOf('truefalse')}`, { seq: 1, response: { value: true } })).status).to.equal(200);
    expect((await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`)).status).to.equal(202);
    await waitFor(async () => ((await svc.Attempt.findById(id).lean())?.state === 'needs_grading' ? true : undefined), 'the attempt waiting for a grade');
    return { ...c, learner, id, essaySlot: slotOf('essay') };
  }

  it('keeps an attempt with an essay waiting, shows the learner no score, and lists the answer for the trainer', async () => {
    const { learner, id, essaySlot } = await submittedAttempt([ESSAY, TF]);
    const mine = await learner.api.get(`/api/v1/activity-quiz/attempts/${id}`);
    expect(mine.body.attempt.state).to.equal('needs_grading');
    expect(mine.body.score).to.equal(null);
    const theirs = await trainer.api.get(`/api/v1/activity-quiz/attempts/${id}`);
    expect(theirs.body.questions.find((q: { slot: string }) => q.slot === essaySlot).needsManual).to.equal(true);
    // The learner may not grade their own essay.
    expect((await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/manual/${essaySlot}`, { score: 2 })).status).to.equal(403);
  });

  it('grades by rubric, finalises once, and a later change by points is a regrade', async () => {
    const { learner, id, essaySlot } = await submittedAttempt([ESSAY, TF]);
    const half = await trainer.api.post(`/api/v1/activity-quiz/attempts/${id}/manual/${essaySlot}`, { rubric: { isi: 'baik' } });
    expect(half.status, 'a rubric with a criterion left out').to.equal(400);
    const done = await trainer.api.post(`/api/v1/activity-quiz/attempts/${id}/manual/${essaySlot}`, { rubric: { isi: 'baik', bahasa: 'kurang' }, comment: 'Kurang rinci.' });
    expect(done.status).to.equal(200);
    expect(done.body).to.deep.include({ state: 'graded', score: 1.5, pending: [] });
    const graded = await learner.api.get(`/api/v1/activity-quiz/attempts/${id}`);
    expect(graded.body.attempt.state).to.equal('graded');
    expect(graded.body.score).to.equal(1.5);
    expect(graded.body.passed).to.equal(true);
    const essay = graded.body.questions.find((q: { slot: string }) => q.slot === essaySlot);
    expect(essay.feedback).to.include('Kurang rinci.');
    expect(essay.correct).to.equal(null);

    const above = await trainer.api.post(`/api/v1/activity-quiz/attempts/${id}/manual/${essaySlot}`, { score: 5 });
    expect(above.status).to.equal(400);
    const lower = await trainer.api.post(`/api/v1/activity-quiz/attempts/${id}/manual/${essaySlot}`, { score: 0 });
    expect(lower.body).to.deep.include({ state: 'graded', score: 1 });
    const doc = (await svc.Attempt.findById(id).lean())!;
    expect(doc.gradeCount).to.equal(1);
    expect(doc.manual?.[essaySlot]?.score).to.equal(0);
    const audit = await env.kernel.services.audit.model.find({ 'subject.id': id }).lean();
    expect(audit.map((a) => a.action)).to.include.members(['activity-quiz:audit.graded', 'activity-quiz:audit.manualGraded', 'activity-quiz:audit.regraded']);
    expect(audit.filter((a) => a.action === 'activity-quiz:audit.graded')).to.have.length(1);
  });

  it('refuses to grade an automatically graded question', async () => {
    const { id } = await submittedAttempt([ESSAY, TF]);
    const doc = (await svc.Attempt.findById(id).lean())!;
    const tfSlot = doc.slots.find((s) => s.slot !== Object.keys(doc.answers).find((k) => (doc.answers[k]!.r as { text?: string }).text))!.slot;
    const r = await trainer.api.post(`/api/v1/activity-quiz/attempts/${id}/manual/${tfSlot}`, { score: 1 });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('BINA_ERR_ATTEMPT_NOT_MANUAL');
  });
});
