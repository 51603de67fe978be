/**
 * Exam jobs that die half-way (a killed worker, a lost database) and run again (ADR 0061), made
 * deterministic: the web kernel runs no workers, the test does what the dead job had written
 * (its first write, exactly as the job writes it), then starts the workers so that BullMQ runs the
 * real job again. The kill test (chaos.test.ts) meets these by chance; here they happen every time.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, examApi, startAnsweredRight, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import { examTotals } from '../../plugins/activity-exam/exam-scoring';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 2, mark: 5, pass: { mode: 'percent', value: 50 } }];
const CERTS = '/api/v1/certificate-openbadges/certificates';

describe('exam jobs that die half-way', function () {
  this.timeout(90_000);
  let env: TestEnv;
  let trainer: TestUser;
  let admin: TestUser;
  let examId: string;
  let courseId: string;
  let achievementId: string;

  before(async () => {
    env = await startTestEnv({ role: 'web' });
    trainer = await createUser(env, 'trainer');
    admin = await createUser(env, 'admin');
    courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
    examId = (await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 60 })).exam.id;
    const ach = await admin.api.post('/api/v1/certificate-openbadges/achievements', {
      name: 'Lulus Ujian Pemulihan', description: 'd', criteria: 'Lulus ujian.', competency: { code: 'MNJ-PP', level: 2 }, jp: 2, requirements: [{ type: 'activity', refId: examId }],
    });
    expect(ach.status, JSON.stringify(ach.body)).to.equal(201);
    achievementId = ach.body.achievement.id;
  });
  after(async () => {
    await env?.stop();
  });

  /** A learner who answered every question right; the attempt still open. */
  async function answered(): Promise<{ learner: TestUser; attemptId: string }> {
    const learner = await createUser(env, 'learner');
    await enrol(learner, courseId);
    return { learner, attemptId: await startAnsweredRight(learner, examId) };
  }

  function startWorkers(): void {
    if (env.kernel.services.queues.workerCount === 0) env.kernel.services.queues.startWorkers();
  }

  async function certificatesOf(userId: string): Promise<number> {
    const r = await admin.api.get(`${CERTS}?achievementId=${achievementId}&limit=200`);
    return (r.body.certificates as Array<{ userId: string; state: string }>).filter((c) => c.userId === userId && c.state !== 'pending').length;
  }

  it('a grade job that died after storing the grade announces it when it runs again: one certificate, one audit row', async () => {
    const { learner, attemptId } = await answered();
    expect((await learner.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`)).status).to.equal(202);

    // The dead job's first write: the grade, stored as the job stores it; nothing announced.
    const api = examApi(env);
    const a = (await api.service.models.Attempt.findById(attemptId).lean())!;
    const exam = await api.service.loadExam(examId, true);
    // Answers are versions of their own (ADR 0053): read them as the job does.
    const answers = await api.service.sheet.answersOf(a._id, a.answers ?? {});
    const results = await api.grading.slotResults({ ...a, answers });
    const t = examTotals(exam.sections, exam.pass, results);
    expect(t.passed).to.equal(true);
    await api.service.models.Attempt.updateOne({ _id: a._id, state: 'submitted' }, { $set: { state: 'graded', results, sections: t.sections, score: t.score, passed: t.passed, gradedAt: new Date() }, $inc: { gradeCount: 1 } });

    // BullMQ runs the job again (here: the workers start now and find it waiting).
    startWorkers();
    await waitForJob(env, 'activity-exam.grade', `grade-${attemptId}`);
    await waitForJob(env, 'certificate-openbadges.issue', `issue-${achievementId}-${learner.id}`);
    expect(await certificatesOf(learner.id)).to.equal(1);
    const graded = (await api.service.models.Attempt.findById(attemptId).lean())!;
    expect(graded.gradeCount).to.equal(1);
    expect(graded.announcedAt).to.be.instanceOf(Date);
    const audits = await env.kernel.services.audit.forSubject('exam-attempt', attemptId);
    expect(audits.filter((x) => x.action === 'activity-exam:audit.graded')).to.have.length(1);

    // A further run (a retried job) adds nothing.
    await api.grading.grade(attemptId);
    expect(await certificatesOf(learner.id)).to.equal(1);
    expect((await env.kernel.services.audit.forSubject('exam-attempt', attemptId)).filter((x) => x.action === 'activity-exam:audit.graded')).to.have.length(1);
  });

  it('an auto-submit job that died between the submit and the grade job\'s enqueue gets the attempt graded when it runs again', async () => {
    const { learner, attemptId } = await answered();
    const api = examApi(env);
    // The dead job's first write: the submit; no grade job was enqueued.
    await api.service.models.Attempt.updateOne({ _id: new Types.ObjectId(attemptId), state: 'in_progress' }, { $set: { state: 'submitted', submittedAt: new Date(), submittedBy: 'deadline' } });
    // BullMQ runs the auto-submit job again: the delayed job, due now.
    const job = await env.kernel.services.queues.queue('activity-exam.autosubmit').getJob(`autosubmit-${attemptId}`);
    expect(job, 'the attempt\'s auto-submit job').to.not.equal(undefined);
    startWorkers();
    await job!.promote();
    await waitForJob(env, 'activity-exam.autosubmit', `autosubmit-${attemptId}`);
    await waitFor(async () => (await api.service.models.Attempt.findById(attemptId).lean())?.state === 'graded', 'the attempt to be graded', 30_000);
    await waitForJob(env, 'certificate-openbadges.issue', `issue-${achievementId}-${learner.id}`);
    expect(await certificatesOf(learner.id)).to.equal(1);
  });
});
