/**
 * The exam's read API for reports (api.ts `ExamReads`): graded attempts as the attempt engine's
 * report rows. Reads only; the attempt documents' shape stays this plugin's business.
 */
import type { AttemptScope, ExamReads } from './api';
import type { ExamService } from './exam-service';

export function createExamReads(svc: ExamService): ExamReads {
  const graded = (examId: string, scope: AttemptScope) => ({ examId, state: 'graded' as const, ...(scope === 'first' ? { number: 1 } : {}) });
  return {
    async exam(examId) {
      const exam = await svc.loadExam(examId);
      return { id: String(exam._id), title: exam.title, courseId: String(exam.courseId) };
    },
    countGradedAttempts: (examId, scope) => svc.m.Attempt.countDocuments(graded(examId, scope)),
    async gradedAttempts(examId, scope) {
      const attempts = await svc.m.Attempt.find(graded(examId, scope), { userId: 1, slots: 1, results: 1, answers: 1 }).sort({ _id: 1 }).lean();
      // The engine's rows: marks and each response's class as its question type names it.
      return (await svc.engine.reads(attempts)).map((a) => ({ ...a, userId: a.userId ?? '' }));
    },
  };
}
