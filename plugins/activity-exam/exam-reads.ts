/**
 * The exam's read API for reports (api.ts `ExamReads`): graded attempts as plain rows. Reads
 * only; the attempt documents' shape stays this plugin's business.
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
      return attempts.map((a) => {
        const score = new Map(a.results.map((r) => [r.slot, r.score]));
        return {
          attemptId: String(a._id),
          userId: String(a.userId),
          slots: a.slots.map((s) => ({ slot: s.slot, questionId: String(s.questionId), mark: s.mark, score: score.get(s.slot) ?? null, response: a.answers?.[s.slot]?.r ?? null })),
        };
      });
    },
  };
}
