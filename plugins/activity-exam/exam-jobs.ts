/**
 * The exam's jobs: grading a submitted attempt, submitting one at its deadline, marking a started
 * exam "viewed" off the start request, pruning old integrity events and regrade runs, and the
 * sweep that requeues grade jobs a power cut lost (ADR 0068). Each can run twice without harm
 * (ids are keyed by the caller).
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { ExamGrading } from './exam-grading';
import type { ExamService } from './exam-service';
import { pruneIntegrity } from './integrity-retention';
import { defineGradeRecovery } from '../../src/learning/attempts/grade-recovery';

export function defineExamJobs(ctx: PluginContext, svc: ExamService, grading: ExamGrading): void {
  ctx.jobs.define('grade', { payload: z.strictObject({ attemptId: objectId }), process: async ({ attemptId }) => grading.grade(attemptId) });
  ctx.jobs.define('autosubmit', {
    payload: z.strictObject({ attemptId: objectId }),
    process: async ({ attemptId }) => {
      const a = await svc.models.Attempt.findById(attemptId).lean();
      // `submitted`: this job may have died between the submit and its grade job's enqueue (a
      // killed worker); submitting again enqueues the grade job (by its key: once) (ADR 0061).
      if (!a || (a.state !== 'in_progress' && a.state !== 'submitted')) return 'skipped';
      await svc.submitAttempt(a._id, 'deadline');
      return 'submitted';
    },
  });
  // "Viewed" progress of a started exam, off the start request (see ExamService.start).
  ctx.jobs.define('progress', {
    payload: z.strictObject({ examId: objectId, userId: objectId }),
    process: async ({ examId, userId }) => {
      await svc.learning.markProgress(userId, await svc.activityForJobs(examId), 'viewed');
      return 'viewed';
    },
  });
  ctx.jobs.define('prune-integrity', { payload: z.strictObject({}), process: async () => pruneIntegrity(svc.models.Integrity, ctx.clock, Number(ctx.settings.integrityKeepDays ?? 730)) });
  // Every 5 minutes and at each worker start (plugin.json): attempts a lost grade job left behind.
  defineGradeRecovery(ctx, svc.models.Attempt);
  ctx.jobs.define('regrade', { payload: z.strictObject({ runId: objectId }), process: async ({ runId }, job) => grading.runRegrade(runId, (p) => job.progress(p)) });
}
