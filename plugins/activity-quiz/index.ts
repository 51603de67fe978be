/**
 * Quizzes: authoring, attempts (start/resume, autosave, submit) and grading on a worker. Wiring
 * only: the API (quiz-api-routes.ts), the pages (quiz-pages.ts, quiz-authoring-pages.ts,
 * quiz-grading-pages.ts, quiz-room-pages.ts) validate and delegate to AttemptService, which owns
 * every state change of an attempt, and to the authoring steps (quiz-authoring.ts).
 */
import { z } from 'zod';
import { defineGradeRecovery } from '../../src/learning/attempts/grade-recovery';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { AttemptService } from './attempt-service';
import { attemptSchema, gradeSchema, quizSchema, type AttemptDoc, type GradeDoc, type QuizDoc } from './quiz-models';
import { registerQuizDemo } from './demo';
import { registerQuizApi } from './quiz-api-routes';
import { createQuizAuthoring } from './quiz-authoring';
import { registerQuizAuthoringPages } from './quiz-authoring-pages';
import { registerQuizGrading } from './quiz-grading-pages';
import { registerNewQuizPages, registerQuizPage } from './quiz-pages';
import { registerQuizRoomPages } from './quiz-room-pages';
import { quizGrades } from './quiz-grades';
import { createQuizReads } from './quiz-reads';
import { quizView } from './quiz-views';

export default definePlugin({
  register(ctx) {
    const Quiz = ctx.models.define<QuizDoc>('quizzes', quizSchema);
    const Attempt = ctx.models.define<AttemptDoc>('attempts', attemptSchema);
    const svc = new AttemptService(ctx, Quiz, Attempt, ctx.models.define<GradeDoc>('grades', gradeSchema), ctx.models.claims());
    const authoring = createQuizAuthoring(ctx, svc, Quiz);
    const { createQuiz } = authoring;
    ctx.provide(ctx.id, { createQuiz, service: svc, reads: createQuizReads(svc, ctx) });
    registerQuizDemo(ctx, createQuiz, () => svc);

    // A question version that a quiz or an attempt uses cannot be deleted (only hidden).
    ctx.hooks.filter<{ qid: string; versionIds: string[] }>('learning.question.delete', async (v) => {
      const used = (await Quiz.exists({ 'slots.questionId': { $in: v.versionIds } })) || (await Attempt.exists({ 'slots.questionId': { $in: v.versionIds } }));
      if (used) throw Errors.conflict('This question is used by a quiz or an attempt; hide it instead', { details: { qid: v.qid } });
      return v;
    });

    ctx.activityTypes.register({
      id: ctx.id, nameKey: `${ctx.id}:name`, icon: 'patch-question',
      pageUrl: (a) => `/${ctx.id}/quizzes/${a.refId}`,
      editUrl: (a) => `/${ctx.id}/quizzes/${a.refId}/edit`,
      grades: (refId) => quizGrades(Quiz, Attempt, refId),
    });

    ctx.jobs.define('grade', { payload: z.strictObject({ attemptId: objectId }), process: async ({ attemptId }) => svc.grade(attemptId) });
    ctx.jobs.define('autosubmit', {
      payload: z.strictObject({ attemptId: objectId }),
      process: async ({ attemptId }) => {
        const a = await Attempt.findById(attemptId).lean();
        // `submitted`: this job may have died between the submit and the grade job's enqueue;
        // submitting again enqueues it (by its key: once).
        if (!a || (a.state !== 'in_progress' && a.state !== 'submitted')) return 'skipped';
        await svc.submitAttempt(a._id, 'deadline');
        return 'submitted';
      },
    });
    // Every 5 minutes and at each worker start (plugin.json): attempts a lost grade job left behind (ADR 0068).
    defineGradeRecovery(ctx, Attempt);

    registerQuizApi(ctx, svc, Attempt, authoring);
    // Pages, in this order (Express matches the first route that fits).
    registerNewQuizPages(ctx, authoring);
    registerQuizAuthoringPages(ctx, { svc, quizView, updateSettings: (quiz, body) => authoring.updateSettings(quiz, body) });
    registerQuizGrading(ctx, svc);
    registerQuizPage(ctx, svc, Attempt, authoring);
    registerQuizRoomPages(ctx, svc);
  },
});
