/**
 * The exam's read API for reports (api.ts `ExamReads`): graded attempts as the attempt engine's
 * report rows. Reads only; the attempt documents' shape stays this plugin's business.
 */
import type { AttemptScope, ExamReads } from './api';
import type { ExamService } from './exam-service';
import { toQuestion } from '../../src/learning/learning-service';

export function createExamReads(svc: ExamService): ExamReads {
  const graded = (examId: string, scope: AttemptScope) => ({ examId, state: 'graded' as const, ...(scope === 'first' ? { number: 1 } : {}) });
  return {
    async exam(examId) {
      const exam = await svc.loadExam(examId);
      return { id: String(exam._id), title: exam.title, courseId: String(exam.courseId) };
    },
    countGradedAttempts: (examId, scope) => svc.m.Attempt.countDocuments(graded(examId, scope)),
    async questions(questionIds) {
      const qs = await svc.questions.get([...new Set(questionIds)]);
      return [...qs.values()].map((q) => {
        const type = svc.ctx.questionTypes.get(q.type);
        const question = toQuestion(q);
        // The learner view lists a choice type's options with their texts (never their keys).
        const view = type ? (type.toLearnerView(question, 0).view as { options?: Array<{ id?: unknown; text?: unknown }> }) : {};
        const options = (view.options ?? []).filter((o) => typeof o.id === 'string' && typeof o.text === 'string').map((o) => ({ id: o.id as string, text: o.text as string }));
        return { id: String(q._id), name: q.name, type: q.type, options, randomGuessScore: type?.randomGuessScore?.(question) ?? null };
      });
    },
    async gradedAttempts(examId, scope) {
      const attempts = await svc.withAnswersOfExam(examId, await svc.m.Attempt.find(graded(examId, scope), { userId: 1, slots: 1, results: 1, answers: 1 }).sort({ _id: 1 }).lean());
      // The engine's rows: marks and each response's class as its question type names it.
      return (await svc.engine.reads(attempts)).map((a) => ({ ...a, userId: a.userId ?? '' }));
    },
  };
}
