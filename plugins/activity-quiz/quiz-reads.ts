/**
 * The quiz's read API for reports (api.ts `QuizReads`): graded attempts as the attempt engine's
 * report rows, as the exam offers them. Reads only; the attempt documents stay this plugin's.
 */
import type { QuizReads } from './api';
import type { AttemptService } from './attempt-service';
import type { PluginContext } from '../../src/host/plugins/context';
import { questionSummaries, type AttemptScope } from '../../src/learning/attempts/attempt-reads';

export function createQuizReads(svc: AttemptService, ctx: Pick<PluginContext, 'id' | 'questionTypes'>): QuizReads {
  const graded = (quizId: string, scope: AttemptScope) => ({ quizId, state: 'graded' as const, ...(scope === 'first' ? { number: 1 } : {}) });
  return {
    async activity(quizId) {
      const quiz = await svc.loadQuiz(quizId);
      return { id: String(quiz._id), title: quiz.title, courseId: String(quiz.courseId), href: `/${ctx.id}/quizzes/${quiz._id}` };
    },
    countGradedAttempts: (quizId, scope) => svc.Attempt.countDocuments(graded(quizId, scope)),
    questions: async (questionIds) => questionSummaries(ctx.questionTypes, (await svc.questions.get([...new Set(questionIds)])).values()),
    async gradedAttempts(quizId, scope) {
      // A quiz attempt keeps its answers in its own document (the exam's are versions beside it).
      const attempts = await svc.Attempt.find(graded(quizId, scope), { userId: 1, slots: 1, results: 1, answers: 1 }).sort({ _id: 1 }).lean();
      return (await svc.engine.reads(attempts)).map((a) => ({ ...a, userId: a.userId ?? '' }));
    },
  };
}
