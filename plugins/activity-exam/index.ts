/**
 * Certification exams (BKN CAT model). Wiring only: ExamService owns the attempt lifecycle,
 * ExamGrading grading/manual grading/regrade, ScoreBoard the live board, ExamAuthoring the
 * blueprint and accommodations; the JSON API is in *-routes.ts, the pages in exam-pages.ts.
 */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { ExamAuthoring } from './exam-authoring';
import { ExamGrading } from './exam-grading';
import {
  accommodationSchema, examAttemptSchema, examSchema, integritySchema, regradeRowSchema, regradeRunSchema,
  type AccommodationDoc, type ExamAttemptDoc, type ExamDoc, type IntegrityDoc, type RegradeRowDoc, type RegradeRunDoc,
} from './exam-models';
import { ExamService } from './exam-service';
import type { ExamPluginApi } from './client-info';
import { createExamReads } from './exam-reads';
import { registerExamPages } from './exam-pages';
import { ScoreBoard } from './score-board';
import { registerExamDemo } from './demo';
import { registerExamActivityType } from './exam-activity-type';
import { defineExamJobs } from './exam-jobs';
import { createExamViews } from './exam-views';
import { examGuards } from './exam-guards';
import { registerAuthoringRoutes } from './authoring-routes';
import { registerAttemptRoutes } from './attempt-routes';
import { registerGradingRoutes } from './grading-routes';
import { publicBoardExam, registerBoardRoutes } from './board-routes';
import { answerVersionSchema, type AnswerVersionDoc } from '../../src/learning/attempts/answer-log';

export default definePlugin({
  register(ctx) {
    const models = {
      Exam: ctx.models.define<ExamDoc>('exams', examSchema),
      Attempt: ctx.models.define<ExamAttemptDoc>('attempts', examAttemptSchema),
      Accommodation: ctx.models.define<AccommodationDoc>('accommodations', accommodationSchema),
      Integrity: ctx.models.define<IntegrityDoc>('integrity', integritySchema),
      RegradeRun: ctx.models.define<RegradeRunDoc>('regrade_runs', regradeRunSchema),
      RegradeRow: ctx.models.define<RegradeRowDoc>('regrade_rows', regradeRowSchema),
      Answer: ctx.models.define<AnswerVersionDoc>('answers', answerVersionSchema),
    };
    const svc = new ExamService(ctx, models, ctx.models.claims());
    const grading = new ExamGrading(svc);
    const authoring = new ExamAuthoring(svc);
    const board = new ScoreBoard(svc);
    const api: ExamPluginApi = { service: svc, grading, authoring, board, reads: createExamReads(svc) };
    ctx.provide(ctx.id, api);
    registerExamDemo(ctx, api);
    registerExamActivityType(ctx, svc);
    defineExamJobs(ctx, svc, grading);

    const views = createExamViews(svc);
    const guards = examGuards(svc);
    registerAuthoringRoutes(ctx, api, views, guards);
    registerAttemptRoutes(ctx, api, views, guards);
    registerGradingRoutes(ctx, api);
    registerBoardRoutes(ctx, api, guards);
    registerExamPages(ctx, api, { ...views, publicBoard: (token) => publicBoardExam(svc, token) });
  },
  stop(ctx) {
    ctx.use<ExamPluginApi>(ctx.id).board.closeAll();
  },
});
