/**
 * One review rule for the learner and the score board (src/learning/review-policy.ts): while an
 * essay waits for a grader, the learner sees the same provisional section scores the board shows,
 * or, when the review options hide marks, neither shows any. The review words each verdict apart
 * from the options, and a TKP answer shows the points it earned.
 */
import { expect } from 'chai';
import { createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 2, mark: 5 },
  { key: 'tkp', kind: 'tkp', pool: 1, mark: 5 },
  { key: 'esai', kind: 'essay', pool: 1, mark: 10 },
];

describe('exam review policy: learner and board alike', function () {
  // Boots the app and worker, then each test takes an exam through the grade job: slow under load.
  this.timeout(120_000);
  let env: TestEnv;
  let trainer: TestUser;
  let courseId: string;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
  });
  after(() => env?.stop());

  /** A learner answers everything (TKP with the 4-point option) and submits; resolves once the essay waits. */
  async function waitingAttempt(examId: string): Promise<{ learner: TestUser; attemptId: string }> {
    const learner = await createUser(env, 'learner');
    await enrol(learner, courseId);
    const s = (await learner.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
    let seq = 0;
    for (const q of s.questions) {
      const kind = kindOf(q.name);
      const response = kind === 'tkp' ? { selected: ['p4'] } : responseFor(kind, 'right');
      expect((await learner.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response })).status).to.equal(200);
    }
    expect((await learner.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`)).status).to.equal(202);
    await waitFor(async () => (await examApi(env).service.models.Attempt.findById(s.attempt.id).lean())?.state === 'needs_grading', 'the essay waiting', 90_000);
    return { learner, attemptId: s.attempt.id };
  }

  it('shows the learner the provisional section scores the board shows while the essay waits', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, { review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'never' } });
    const { learner, attemptId } = await waitingAttempt(exam.id);
    const mine = (await learner.api.get(`/api/v1/activity-exam/attempts/${attemptId}`)).body;
    const board = (await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/board`)).body;
    const row = board.rows.find((r: { attemptId: string }) => r.attemptId === attemptId);
    expect(mine.provisional.score).to.equal(row.score);
    expect(Object.fromEntries(mine.provisional.sections.map((s: { key: string; score: number }) => [s.key, s.score]))).to.deep.equal(row.sections);
    expect(row.sections).to.deep.equal({ twk: 10, tkp: 4, esai: 0 });
  });

  it('shows neither the learner nor the board any score while the essay waits, when marks are hidden', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, { review: { marks: 'never', correctness: 'never', feedback: 'never', rightAnswer: 'never' }, board: { identity: 'names', public: true } });
    const { learner, attemptId } = await waitingAttempt(exam.id);
    expect((await learner.api.get(`/api/v1/activity-exam/attempts/${attemptId}`)).body.provisional).to.equal(null);
    const board = (await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/board`)).body;
    const row = board.rows.find((r: { attemptId: string }) => r.attemptId === attemptId);
    expect(row).to.include({ score: null, state: 'needs_grading' });
    expect(row.sections).to.deep.equal({});
  });

  it('words a verdict apart from the options and gives a TKP answer its points (4 of 5)', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, { review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'never' } });
    const { learner, attemptId } = await waitingAttempt(exam.id);
    const doc = (await examApi(env).service.models.Attempt.findById(attemptId).lean())!;
    const essay = doc.slots.find((s) => s.section === 'esai')!.slot;
    expect((await trainer.api.put(`/api/v1/activity-exam/attempts/${attemptId}/manual/${essay}`, { score: 6 })).status).to.equal(200);
    const page = await learner.api.request('GET', `/activity-exam/attempts/${attemptId}/result`, undefined, { accept: 'text/html' });
    expect(page.status).to.equal(200);
    const html = String(page.body);
    expect(html).to.include('Jawaban Anda mendapat 4 dari 5 poin');
    expect(html).to.include('Jawaban Anda benar');
    expect(html).not.to.match(/>\s*<i class="bi bi-x-circle"[^>]*><\/i> Tidak benar/);
  });
});
