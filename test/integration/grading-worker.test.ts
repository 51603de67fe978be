/**
 * Grading on a separate worker process that is killed mid-job: BullMQ must hand the job to
 * another worker once the lock expires, and the attempt must be graded exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../src/kernel/core-version';
import type { AttemptService } from '../../plugins/activity-quiz/attempt-service';
import { createCourseWithQuiz, createUser, startTestEnv, waitFor, type TestEnv } from '../support/harness';
import { startWorkerProcess } from '../support/worker-process';

describe('grading worker', function () {
  this.timeout(90_000);
  let env: TestEnv;
  const children: ChildProcess[] = [];
  let dir: string;

  before(async () => {
    // The web process runs no workers: grading happens only in the child processes.
    env = await startTestEnv({ role: 'web', env: { BINA_JOB_LOCK_MS: '2000', BINA_JOB_STALLED_INTERVAL_MS: '500' } });
    dir = mkdtempSync(join(tmpdir(), 'bina-worker-'));
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await env?.stop();
  });

  describe('when killed mid-job', () => {
    it('leaves the job to be retried and the attempt is graded exactly once', async () => {
      const trainer = await createUser(env, 'trainer');
      const c = await createCourseWithQuiz(trainer);
      const learner = await createUser(env, 'learner');
      await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const id = start.body.attempt.id as string;
      for (const q of start.body.questions) {
        const response = q.type === 'truefalse' ? { value: true } : { selected: ['ka'] };
        await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response });
      }

      const marker = join(dir, 'grading-started');
      const blocked = await startWorkerProcess({ ...env.childEnv, BINA_EXTRA_PLUGIN_DIRS: join(REPO_ROOT, 'test', 'fixtures', 'worker-plugins'), BINA_TEST_MARKER: marker });
      children.push(blocked);
      expect((await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`)).status).to.equal(202);

      // The first worker took the job and is inside the grading step.
      await waitFor(async () => existsSync(marker) && readFileSync(marker, 'utf8') === id, 'the first worker to start grading');
      const svc = (env.kernel.services.providers.require('activity-quiz').impl as { service: AttemptService }).service;
      expect((await svc.Attempt.findById(id).lean())!.state).to.equal('submitted');
      blocked.kill('SIGKILL');
      await waitFor(async () => blocked.exitCode !== null || blocked.signalCode !== null, 'the first worker to die');

      const healthy = await startWorkerProcess(env.childEnv);
      children.push(healthy);
      const graded = await waitFor(async () => {
        const a = await svc.Attempt.findById(id).lean();
        return a?.state === 'graded' ? a : null;
      }, 'the second worker to grade the stalled job', 60_000);
      expect(graded.gradeCount).to.equal(1);
      expect(graded.score).to.equal(2);
      // The audit record follows the state change within the job: wait for the job to finish.
      const queue = env.kernel.services.queues.queue('activity-quiz.grade');
      await waitFor(async () => (await (await queue.getJob(`grade-${id}`))?.getState()) === 'completed', 'the grading job to complete');
      const audits = await env.kernel.services.audit.forSubject('attempt', id);
      expect(audits.filter((a) => a.action === 'activity-quiz:audit.graded')).to.have.length(1);

      // Graceful shutdown of the healthy worker on SIGTERM.
      healthy.kill('SIGTERM');
      await waitFor(async () => healthy.exitCode !== null, 'the healthy worker to stop');
      expect(healthy.exitCode).to.equal(0);
    });
  });
});
