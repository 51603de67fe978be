/**
 * Wires the pure item analysis (statistics.ts, option-frequencies.ts, csv-export.ts) to the tests
 * built on the attempt engine, exams and quizzes, through their read APIs (each one's api.ts):
 * stored analyses (analysis-store.ts), a worker job for large tests, the routes and the report
 * page (report-routes.ts), and the core's grade events, which make stored figures stale.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { objectId } from '../../src/kernel/object-id';
import { ACTIVITY_GRADED, ACTIVITY_REGRADED } from '../../src/learning/activity-events';
import type { ExamApi } from '../activity-exam/api';
import type { QuizApi } from '../activity-quiz/api';
import { AnalysisStore, SOURCE_KINDS } from './analysis-store';
import { itemAnalysisReport, registerReportRoutes } from './report-routes';

export default definePlugin({
  register(ctx) {
    const sources = {
      exams: { activityType: 'activity-exam', reads: () => ctx.use<ExamApi>('activity-exam').reads },
      quizzes: { activityType: 'activity-quiz', reads: () => ctx.use<QuizApi>('activity-quiz').reads },
    };
    const store = new AnalysisStore(ctx, sources);

    ctx.jobs.define('compute', {
      payload: z.strictObject({ source: z.enum(SOURCE_KINDS), refId: objectId, scope: z.enum(['all', 'first']) }),
      process: async ({ source, refId, scope }, job) => {
        await job.progress(10);
        try {
          const r = await store.compute(source, refId, scope);
          await job.progress(100);
          return { ms: r.ms };
        } catch (e) {
          await store.markFailed(refId, scope, e as Error);
          throw e;
        }
      },
    });

    // A new final grade (or a regrade) makes the stored figures stale; the next view recomputes them.
    const forget = async (raw: unknown) => {
      const { activityType, refId } = raw as { activityType?: unknown; refId?: unknown };
      if (typeof activityType === 'string' && typeof refId === 'string' && /^[a-f0-9]{24}$/.test(refId)) await store.forget(activityType, refId);
    };
    ctx.events.on(ACTIVITY_GRADED, forget);
    ctx.events.on(ACTIVITY_REGRADED, forget);

    registerReportRoutes(ctx, store);
    ctx.reports.register(itemAnalysisReport(ctx.id, sources));
  },
});
