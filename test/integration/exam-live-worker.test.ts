/**
 * Production shape: the web process runs no workers; grading and regrades run in a separate
 * worker process. What the worker does must still reach the proctor's live score board and the
 * learner's inbox (server-sent events from the web process, fed through Redis pub/sub).
 */
import { expect } from 'chai';
import { createUser, startTestEnv, waitFor, waitForJob, type TestEnv } from '../support/harness';
import { openSse } from '../support/sse';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 1, mark: 5 },
  { key: 'esai', kind: 'essay', pool: 1, mark: 10 },
];

describe('exam grading in a worker process, live in the web process', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let worker: WorkerProcess | undefined;

  before(async () => {
    env = await startTestEnv({ role: 'web' });
    worker = await startWorkerProcess({ ...env.childEnv, LOG_LEVEL: 'info' });
  });
  after(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await env?.stop();
  });

  it('streams the worker\'s grade and regrade to the score board, and its notice to the learner', async () => {
    const trainer = await createUser(env, 'trainer');
    const courseId = await createCourse(trainer);
    const bank = await createBank(env, trainer, courseId, SECTIONS);
    const { exam } = await createExam(trainer, courseId, SECTIONS, { board: { identity: 'names', public: false } });
    const learner = await createUser(env, 'learner', 'Dewi Lestari');
    await enrol(learner, courseId);
    const s = (await learner.api.post(`/api/v1/activity-exam/exams/${exam.id}/attempts`)).body;
    const attemptId = s.attempt.id as string;

    const board = await openSse(`${env.url}/api/v1/activity-exam/exams/${exam.id}/board/stream`, trainer.token);
    const inbox = await openSse(`${env.url}/api/v1/notify-inbox/stream`, learner.token);
    try {
      await board.until((e) => e.event === 'ready', 'the board stream');
      await inbox.until((e) => e.event === 'ready', 'the inbox stream');
      const forAttempt = (state: string) => (e: { data: any }) => e.data?.t === 'state' && e.data.attemptId === attemptId && e.data.state === state;

      // `b` is wrong now and becomes right after the key fix below.
      let seq = 0;
      for (const q of s.questions) {
        const response = kindOf(q.name) === 'essay' ? { text: 'Integritas adalah dasar pelayanan publik.' } : { selected: ['b'] };
        expect((await learner.api.put(`/api/v1/activity-exam/attempts/${attemptId}/answers/${q.slot}`, { seq: ++seq, response })).status).to.equal(200);
      }
      await board.until((e) => e.data?.t === 'answer' && e.data.seq === 2, 'both answers on the board');
      expect((await learner.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`)).status).to.be.oneOf([200, 202]);

      // The grading job ran in the worker (this process runs none) and told the board.
      const waiting = await board.until(forAttempt('needs_grading'), 'the worker\'s grade on the board');
      expect(waiting.data.score).to.equal(0);
      // The board hears the grade before the job has finished its last write (announcedAt). A
      // trainer grading in that same millisecond would race it, and FerretDB 1.x applies two
      // updates of one document as read-modify-write, so one could lose the other (a person takes
      // seconds to open the essay): grade once the job is done, as a person does.
      await waitForJob(env, 'activity-exam.grade', `grade-${attemptId}`);

      const doc = (await examApi(env).service.models.Attempt.findById(attemptId).lean())!;
      const essaySlot = doc.slots.find((x) => x.section === 'esai')!.slot;
      expect((await trainer.api.put(`/api/v1/activity-exam/attempts/${attemptId}/manual/${essaySlot}`, { score: 7 })).body).to.include({ state: 'graded', score: 7 });
      expect((await board.until(forAttempt('graded'), 'the final grade on the board')).data.score).to.equal(7);
      const graded = await inbox.until((e) => e.event === 'notice' && e.data.kind === 'activity-graded', 'the graded notice');
      expect(graded.data.id).to.equal(`activity-graded:${attemptId}`);

      // Key fix + regrade: the job, its event and the notice all happen in the worker.
      const fixed = bank.twk![0]!;
      const v2 = await trainer.api.post(`/api/v1/questions/${fixed}/versions`, { courseId, type: 'multichoice', name: 'twk-mc-1', stem: 'Soal TWK nomor 1 (diperbaiki)', defaultMark: 5, data: { single: true, shuffle: true, options: [{ id: 'a', text: 'Benar', fraction: 0 }, { id: 'b', text: 'Salah', fraction: 1 }, { id: 'c', text: 'Keliru', fraction: 0 }] } });
      expect(v2.status).to.equal(201);
      expect((await trainer.api.post(`/api/v1/activity-exam/exams/${exam.id}/regrades`, { questionIds: [fixed], toLatest: true })).status).to.equal(202);
      const regraded = await board.until((e) => forAttempt('graded')(e) && e.data.score === 12, 'the regrade on the board');
      expect(regraded.data.sections.find((x: any) => x.key === 'twk').score).to.equal(5);
      const notice = await inbox.until((e) => e.event === 'notice' && e.data.kind === 'activity-regraded', 'the regrade notice');
      expect(notice.data).to.include({ id: `activity-regraded:${attemptId}`, href: `/activity-exam/attempts/${attemptId}/result` });
    } catch (e) {
      // What the worker did is half the story: say it (its log is otherwise lost with it).
      (e as Error).message += `\n--- the worker's output ---\n${worker!.output().slice(-3000)}`;
      throw e;
    } finally {
      board.close();
      inbox.close();
    }

    // The worker stops gracefully on SIGTERM.
    worker!.kill('SIGTERM');
    await waitFor(async () => worker!.exitCode !== null, 'the worker to stop');
    expect(worker!.exitCode).to.equal(0);
  });
});
