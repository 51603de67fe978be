/**
 * The exam's read API for reports (api.ts `ExamReads`): graded attempts as the attempt engine's
 * report rows. Reads only; the attempt documents' shape stays this plugin's business.
 */
import type { ExamReads } from './api';
import type { ExamService } from './exam-service';
import { questionSummaries, type AttemptScope } from '../../src/learning/attempts/attempt-reads';

export function createExamReads(svc: ExamService): ExamReads {
  const graded = (examId: string, scope: AttemptScope) => ({ examId, state: 'graded' as const, ...(scope === 'first' ? { number: 1 } : {}) });
  return {
    async activity(examId) {
      const exam = await svc.loadExam(examId);
      return { id: String(exam._id), title: exam.title, courseId: String(exam.courseId), href: `/${svc.ctx.id}/exams/${exam._id}` };
    },
    countGradedAttempts: (examId, scope) => svc.models.Attempt.countDocuments(graded(examId, scope)),
    questions: async (questionIds) => questionSummaries(svc.ctx.questionTypes, (await svc.questions.get([...new Set(questionIds)])).values()),
    async gradedAttempts(examId, scope) {
      const attempts = await svc.withAnswersOfExam(examId, await svc.models.Attempt.find(graded(examId, scope), { userId: 1, slots: 1, results: 1, answers: 1 }).sort({ _id: 1 }).lean());
      // The engine's rows: marks and each response's class as its question type names it.
      return (await svc.engine.reads(attempts)).map((a) => ({ ...a, userId: a.userId ?? '' }));
    },
  };
}
