/**
 * The exam API's grading routes: the manual grading queue, grading one answer by hand (rubric or
 * points; audited), and regrade runs after a question fix. The rules live in ExamGrading.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { ExamPluginApi } from './client-info';
import { manualGradeInput } from './exam-grading';
import { attemptParams, examParams, regradeInput, slotName } from './exam-input';


export function registerGradingRoutes(ctx: PluginContext, api: ExamPluginApi): void {
  const { grading } = api;
  ctx.http.route({ method: 'get', path: '/exams/:examId/grading', capability: 'activity-exam:grade', summary: 'Essays waiting for a manual grade, by attempt or by question', params: examParams, query: z.object({ by: z.enum(['attempt', 'question']).default('attempt') }) }, async ({ params, query, user }) =>
    grading.queue(user!, params.examId, query.by),
  );
  ctx.http.route({ method: 'get', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-exam:grade', summary: 'One answer to grade by hand, with the rubric', params: attemptParams.extend({ slot: slotName }) }, async ({ params, user }) =>
    grading.slotForGrading(user!, params.attemptId, params.slot),
  );
  ctx.http.route({ method: 'put', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-exam:grade', summary: 'Grade one answer by hand (points or rubric, with a comment; audited)', params: attemptParams.extend({ slot: slotName }), body: manualGradeInput }, async ({ params, body, user }) =>
    grading.gradeSlot(user!, params.attemptId, params.slot, body),
  );
  ctx.http.route({ method: 'post', path: '/exams/:examId/regrades', capability: 'activity-exam:grade', status: 202, summary: 'Regrade finished attempts after a question fix (runs on a worker)', params: examParams, body: regradeInput }, async ({ params, body, user }) => {
    const run = await grading.requestRegrade(user!, params.examId, body);
    return { run: { id: String(run._id), state: run.state, qids: run.qids, toLatest: run.toLatest } };
  });
  ctx.http.route({ method: 'get', path: '/exams/:examId/regrades/:runId', capability: 'activity-exam:grade', summary: 'A regrade run with each attempt\'s score before and after', params: examParams.extend({ runId: objectId }) }, async ({ params, user }) =>
    grading.regradeReport(user!, params.examId, params.runId),
  );
}
