/**
 * Work a lost or half-done job left behind, found again (ADR 0068): a grade job gone from Redis
 * (a power cut takes its last second of writes) leaves an exam or quiz attempt `submitted`; a
 * quiz grade job or a course completion that died between its steps leaves a grade unannounced or
 * a completion without its JP. The recovery jobs (the attempts' `recover-grades`, the core's
 * `learning.completion-recovery`) find them once the grace period is over; everything is graded,
 * announced and credited once. The web kernel runs no workers until the test starts them, so the
 * lost or half-done state is set up exactly; the clock is moved by hand past the grace period.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createCourseWithQuiz, createUser, ManualClock, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, responseFor, startAnsweredRight, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import { ACTIVITY_PASSED } from '../../src/learning/activity-events';
import type { AttemptService } from '../../plugins/activity-quiz/attempt-service';
import { progressId } from '../../src/learning/learning-models';
import { COMPLETION_RECOVERY_JOB } from '../../src/learning/completion-recovery';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 2, mark: 5, pass: { mode: 'percent', value: 50 } }];
const GRACE_MS = 300_000;

describe('recovery of lost and half-done grading and completion', function () {
  this.timeout(120_000);
  const clock = new ManualClock();
  let env: TestEnv;
  let trainer: TestUser;
  let quiz: AttemptService;
  let sweeps = 0;

  before(async () => {
    env = await startTestEnv({ role: 'web', clock });
    trainer = await createUser(env, 'trainer');
    quiz = (env.kernel.services.providers.require('activity-quiz').impl as { service: AttemptService }).service;
    // Only the test runs the sweeps: a scheduled run in the middle of a set-up would grade it first.
    const schedulers: Array<[string, string]> = [['activity-exam.recover-grades', 'activity-exam.recover-grades-schedule'], ['activity-quiz.recover-grades', 'activity-quiz.recover-grades-schedule'], [COMPLETION_RECOVERY_JOB, 'completion-recovery']];
    for (const [queue, id] of schedulers) await env.kernel.services.queues.queue(queue).removeJobScheduler(id);
  });
  after(async () => {
    await env?.stop();
  });

  function startWorkers(): void {
    if (env.kernel.services.queues.workerCount === 0) env.kernel.services.queues.startWorkers();
  }

  /** Runs one recovery job now (as its schedule or a worker start would) and returns what it did. */
  async function runRecovery<T>(queue: string): Promise<T> {
    startWorkers();
    const key = `test-sweep-${++sweeps}`;
    await env.kernel.services.queues.enqueue(queue, {}, { key });
    await waitForJob(env, queue, key, 30_000);
    return (await env.kernel.services.queues.queue(queue).getJob(key))!.returnvalue as T;
  }

  /** Removes a job from Redis, as a power cut before its write reached the disk would. */
  async function loseJob(queue: string, key: string): Promise<void> {
    const job = await env.kernel.services.queues.queue(queue).getJob(key);
    expect(job, `job ${key}`).to.not.equal(undefined);
    await job!.remove();
    expect(await env.kernel.services.queues.queue(queue).getJob(key)).to.equal(undefined);
  }

  /**
   * A quiz submitted whose grade job Redis lost. The workers run by now, so a submit over HTTP
   * would be graded at once: the submit's write is made here, and no job is enqueued.
   */
  async function submittedWithoutJob(attemptId: string): Promise<void> {
    await quiz.Attempt.updateOne({ _id: attemptId, state: 'in_progress' }, { $set: { state: 'submitted', submittedAt: clock.now(), submittedBy: 'learner' } });
    expect(await env.kernel.services.queues.queue('activity-quiz.grade').getJob(`grade-${attemptId}`)).to.equal(undefined);
  }

  async function enrolled(courseId: string): Promise<TestUser> {
    const learner = await createUser(env, 'learner');
    expect((await learner.api.post(`/api/v1/courses/${courseId}/enrol`)).status).to.equal(201);
    return learner;
  }

  async function jpTotal(learner: TestUser): Promise<number> {
    return (await learner.api.get('/api/v1/me/jp')).body.total as number;
  }

  it('grades an exam attempt whose grade job was lost, once, when the sweep runs after the grace period', async () => {
    const courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
    const examId = (await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 60 })).exam.id as string;
    const learner = await createUser(env, 'learner');
    await enrol(learner, courseId);
    const attemptId = await startAnsweredRight(learner, examId);
    expect((await learner.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`)).status).to.equal(202);
    await loseJob('activity-exam.grade', `grade-${attemptId}`);
    const api = examApi(env);

    // Within the grace period the sweep leaves it alone (a slow job is not a lost one).
    const early = await runRecovery<{ found: number }>('activity-exam.recover-grades');
    expect(early.found).to.equal(0);
    expect((await api.service.models.Attempt.findById(attemptId).lean())!.state).to.equal('submitted');

    clock.advance(GRACE_MS + 1000);
    await runRecovery('activity-exam.recover-grades');
    await waitForJob(env, 'activity-exam.grade', `grade-${attemptId}`, 30_000);
    const graded = (await api.service.models.Attempt.findById(attemptId).lean())!;
    expect(graded.state).to.equal('graded');
    expect(graded.passed).to.equal(true);
    expect(graded.gradeCount).to.equal(1);
    expect(graded.announcedAt).to.be.instanceOf(Date);
    expect(graded.announcePendingAt).to.equal(undefined);
    const audits = await env.kernel.services.audit.forSubject('exam-attempt', attemptId);
    expect(audits.filter((x) => x.action === 'activity-exam:audit.graded')).to.have.length(1);

    // A later sweep finds nothing more to do.
    clock.advance(GRACE_MS + 1000);
    expect(await runRecovery<{ found: number; requeued: number }>('activity-exam.recover-grades')).to.deep.equal({ found: 0, requeued: 0 });
    expect((await api.service.models.Attempt.findById(attemptId).lean())!.gradeCount).to.equal(1);
  });

  it('announces an exam attempt a trainer\'s essay grade made final when that announcement failed half-way: the pass recorded then, once', async () => {
    const sections: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 1, mark: 5 }, { key: 'esai', kind: 'essay', pool: 1, mark: 10, pass: { mode: 'points', value: 5 } }];
    const courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, sections);
    const examId = (await createExam(trainer, courseId, sections, { timeLimitMinutes: 60 })).exam.id as string;
    const learner = await createUser(env, 'learner');
    await enrol(learner, courseId);
    const start = await learner.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`, {});
    const attemptId = start.body.attempt.id as string;
    let seq = 0;
    for (const q of start.body.questions as Array<{ slot: string; name: string }>) await learner.api.put(`/api/v1/activity-exam/attempts/${attemptId}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), 'right') });
    startWorkers();
    expect((await learner.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`)).status).to.equal(202);
    const api = examApi(env);
    const waiting = await waitFor(async () => {
      const a = await api.service.models.Attempt.findById(attemptId).lean();
      return a?.state === 'needs_grading' && a.announcedAt ? a : null;
    }, 'the essay to wait for a trainer', 30_000);

    // The pass fails once (the database away for a moment) while the trainer's grade is announced.
    let failures = 1;
    const off = env.kernel.services.events.on('test', ACTIVITY_PASSED, async () => {
      if (failures-- > 0) throw new Error('the database went away');
    });
    try {
      const essay = waiting.slots.find((s) => s.section === 'esai')!.slot;
      const put = await trainer.api.put(`/api/v1/activity-exam/attempts/${attemptId}/manual/${essay}`, { rubric: { isi: 'baik', bahasa: 'baik' }, comment: 'Baik.' });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.body).to.include({ state: 'graded', passed: true });
      expect((await api.service.models.Attempt.findById(attemptId).lean())!.announcePendingAt).to.be.instanceOf(Date);
      const activity = await env.kernel.learning.activityFor('activity-exam', examId);
      expect((await env.kernel.learning.progressFor(learner.id, courseId)).get(String(activity._id))).to.not.equal('completed');

      clock.advance(GRACE_MS + 1000);
      await runRecovery('activity-exam.recover-grades');
      await waitFor(async () => (await env.kernel.learning.progressFor(learner.id, courseId)).get(String(activity._id)) === 'completed', 'the pass to complete the exam activity', 30_000);
      await waitFor(async () => !(await api.service.models.Attempt.findById(attemptId).lean())!.announcePendingAt, 'the announcement to be marked done', 30_000);
      const audits = await env.kernel.services.audit.forSubject('exam-attempt', attemptId);
      expect(audits.filter((x) => x.action === 'activity-exam:audit.finalised')).to.have.length(1);
      expect(audits.filter((x) => x.action === 'activity-exam:audit.graded')).to.have.length(1);
    } finally {
      off();
    }
  });

  it('grades a quiz attempt whose grade job was lost, once', async () => {
    const c = await createCourseWithQuiz(trainer, { quiz: { passPercent: 50 } });
    const learner = await enrolled(c.courseId);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
    const id = start.body.attempt.id as string;
    for (const q of start.body.questions) {
      await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response: q.type === 'truefalse' ? { value: true } : { selected: ['ka'] } });
    }
    await submittedWithoutJob(id);
    clock.advance(GRACE_MS + 1000);
    await runRecovery('activity-quiz.recover-grades');
    await waitForJob(env, 'activity-quiz.grade', `grade-${id}`, 30_000);
    const a = (await quiz.Attempt.findById(id).lean())!;
    expect(a.state).to.equal('graded');
    expect(a.gradeCount).to.equal(1);
    expect(a.announcedAt).to.be.instanceOf(Date);
    expect(await quiz.Grade.countDocuments({ _id: id })).to.equal(1);
    expect((await env.kernel.services.audit.forSubject('attempt', id)).filter((x) => x.action === 'activity-quiz:audit.graded')).to.have.length(1);
    const course = await learner.api.get(`/api/v1/courses/${c.courseId}`);
    expect(course.body.activities[1].progress, 'the quiz').to.equal('completed');
  });

  it('announces a quiz grade whose job died after storing it: the pass completes the course, its JP credited once', async () => {
    const c = await createCourseWithQuiz(trainer, { quiz: { passPercent: 50 } });
    const learner = await enrolled(c.courseId);
    expect((await learner.api.get(`/api/v1/activity-lesson/lessons/${c.lessonId}`)).status).to.equal(200);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
    const id = start.body.attempt.id as string;
    for (const q of start.body.questions) {
      await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response: q.type === 'truefalse' ? { value: true } : { selected: ['ka'] } });
    }
    await submittedWithoutJob(id);
    // The dead job's writes, as grade() makes them: the grade, the attempt final and pending; then it died (and its job is gone).
    const a = (await quiz.Attempt.findById(id).lean())!;
    const results = await quiz.engine.grade(a);
    const score = results.reduce((n, r) => n + r.score, 0);
    await quiz.Grade.create({ _id: id, score, passed: true, results, gradedAt: clock.now() });
    await quiz.Attempt.updateOne({ _id: a._id, state: 'submitted' }, { $set: { state: 'graded', results, score, passed: true, gradedAt: clock.now(), announcePendingAt: clock.now(), gradeCount: 1 } });
    expect(await jpTotal(learner)).to.equal(0);

    clock.advance(GRACE_MS + 1000);
    await runRecovery('activity-quiz.recover-grades');
    await waitForJob(env, 'activity-quiz.grade', `grade-${id}`, 30_000);
    expect((await quiz.Attempt.findById(id).lean())!.announcePendingAt).to.equal(undefined);
    expect(await jpTotal(learner)).to.equal(2);
    const course = await learner.api.get(`/api/v1/courses/${c.courseId}`);
    expect(course.body.activities.map((x: { progress: string }) => x.progress)).to.deep.equal(['completed', 'completed']);
    expect((await env.kernel.services.audit.forSubject('attempt', id)).filter((x) => x.action === 'activity-quiz:audit.graded')).to.have.length(1);

    // The same job once more (a retry) adds nothing.
    await quiz.grade(id);
    expect(await jpTotal(learner)).to.equal(2);
    expect((await env.kernel.services.audit.forSubject('attempt', id)).filter((x) => x.action === 'activity-quiz:audit.graded')).to.have.length(1);
  });

  it('finishes a course completion that died after the enrolment was marked completed: JP and notice once', async () => {
    const course = await trainer.api.post('/api/v1/courses', { title: 'Kursus Pemulihan', description: 'd', jp: 3, competencies: [{ code: 'MNJ-PP', level: 2 }], published: true });
    expect(course.status).to.equal(201);
    const courseId = course.body.course.id as string;
    const lesson = await trainer.api.post('/api/v1/activity-lesson/lessons', { courseId, title: 'Materi', markdown: 'Isi.' });
    expect(lesson.status).to.equal(201);
    const learner = await enrolled(courseId);
    const { learning } = env.kernel;
    const activity = await learning.activityFor('activity-lesson', lesson.body.lesson.id);
    // The dead process's writes: the lesson completed, the enrolment completed and pending; nothing after.
    const userId = new Types.ObjectId(learner.id);
    await learning.models.Progress.create({ _id: progressId(userId, activity._id), userId, activityId: activity._id, courseId: activity.courseId, state: 'completed', at: clock.now() });
    await learning.models.Enrolment.updateOne({ courseId, userId }, { $set: { status: 'completed', completedAt: clock.now(), completionPendingAt: clock.now() } });
    expect(await jpTotal(learner)).to.equal(0);

    expect(await runRecovery(COMPLETION_RECOVERY_JOB)).to.deep.equal({ recovered: 0 });
    clock.advance(GRACE_MS + 1000);
    expect(await runRecovery(COMPLETION_RECOVERY_JOB)).to.deep.equal({ recovered: 1 });
    expect(await jpTotal(learner)).to.equal(3);
    const enr = (await learning.models.Enrolment.findOne({ courseId, userId }).lean())!;
    expect(enr.status).to.equal('completed');
    expect(enr.completionPendingAt).to.equal(undefined);
    const notices = await waitFor(async () => {
      const r = await learner.api.get('/api/v1/notify-inbox/notices');
      const mine = (r.body.notices as Array<{ id: string }>).filter((n) => n.id === `course-completed:${courseId}:${learner.id}`);
      return mine.length ? mine : null;
    }, 'the course-completed notice');
    expect(notices).to.have.length(1);

    // Again: nothing pending, nothing twice.
    clock.advance(GRACE_MS + 1000);
    expect(await runRecovery(COMPLETION_RECOVERY_JOB)).to.deep.equal({ recovered: 0 });
    expect(await jpTotal(learner)).to.equal(3);
    expect(await learning.models.JpLedger.countDocuments({ userId, sourceId: courseId })).to.equal(1);
  });
});
