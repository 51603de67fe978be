/**
 * *Ragu-ragu* flags over HTTP, for the exam and the quiz: a learner marks a question unsure and
 * clears the mark; the attempt keeps it per slot (the grid and the summary page read it back),
 * a second identical request changes nothing, and nobody flags a submitted attempt, an unknown
 * slot or another learner's attempt.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, startTestEnv, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, examApi, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 3, mark: 5 }];

describe('ragu-ragu flags', () => {
  let env: TestEnv;
  let trainer: TestUser;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
  });
  after(() => env?.stop());

  describe('in an exam', () => {
    let learner: TestUser;
    let attemptId: string;
    let slots: string[];

    before(async () => {
      const courseId = await createCourse(trainer);
      await createBank(env, trainer, courseId, SECTIONS);
      const { exam } = await createExam(trainer, courseId, SECTIONS);
      learner = await createUser(env, 'learner');
      await enrol(learner, courseId);
      const start = await learner.api.post(`/api/v1/activity-exam/exams/${exam.id}/attempts`);
      expect(start.status).to.equal(201);
      attemptId = start.body.attempt.id;
      slots = start.body.questions.map((q: { slot: string }) => q.slot);
      expect(start.body.questions.every((q: { flagged: boolean }) => q.flagged === false)).to.equal(true);
    });

    it('keeps a flag per slot, idempotently, and clears it', async () => {
      const url = (slot: string) => `/api/v1/activity-exam/attempts/${attemptId}/flags/${slot}`;
      expect((await learner.api.put(url(slots[1]!), { flagged: true })).body).to.deep.equal({ slot: slots[1], flagged: true });
      expect((await learner.api.put(url(slots[1]!), { flagged: true })).status).to.equal(200);
      expect((await learner.api.put(url(slots[2]!), { flagged: true })).status).to.equal(200);
      expect((await learner.api.put(url(slots[2]!), { flagged: false })).status).to.equal(200);
      const seen = await learner.api.get(`/api/v1/activity-exam/attempts/${attemptId}`);
      expect(seen.body.questions.map((q: { flagged: boolean }) => q.flagged)).to.deep.equal([false, true, false]);
      const doc = await examApi(env).service.models.Attempt.findById(attemptId).lean();
      expect(doc!.flags).to.deep.equal({ [slots[1]!]: true, [slots[2]!]: false });
      expect(await examApi(env).service.answersOf(doc!), 'a flag is no answer').to.deep.equal({});
    });

    it('refuses bad input, an unknown slot, someone else and a submitted attempt', async () => {
      const url = `/api/v1/activity-exam/attempts/${attemptId}/flags/${slots[0]}`;
      expect((await learner.api.put(url, { flagged: 'yes' })).status).to.equal(400);
      expect((await learner.api.put(`/api/v1/activity-exam/attempts/${attemptId}/flags/s999`, { flagged: true })).status).to.equal(404);
      const other = await createUser(env, 'learner');
      expect((await other.api.put(url, { flagged: true })).status).to.be.oneOf([403, 404]);
      expect((await learner.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`)).status).to.equal(202);
      const late = await learner.api.put(url, { flagged: true });
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('BINA_ERR_EXAM_ATTEMPT_CLOSED');
    });
  });

  describe('in a quiz', () => {
    it('keeps a flag per slot and refuses it once submitted', async () => {
      const c = await createCourseWithQuiz(trainer);
      const learner = await createUser(env, 'learner');
      expect((await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`)).status).to.equal(201);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const attemptId = start.body.attempt.id as string;
      const slot = start.body.questions[0].slot as string;
      const url = `/api/v1/activity-quiz/attempts/${attemptId}/flags/${slot}`;
      expect((await learner.api.put(url, { flagged: true })).body).to.deep.equal({ slot, flagged: true });
      const seen = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(seen.body.questions[0].flagged).to.equal(true);
      expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/flags/s999`, { flagged: true })).status).to.equal(404);
      await learner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
      expect((await learner.api.put(url, { flagged: false })).status).to.equal(409);
    });
  });
});
