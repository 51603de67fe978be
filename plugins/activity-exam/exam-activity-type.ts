/**
 * The exam as a course activity type: its pages, its grades for the gradebook, and what a trainer's
 * course page shows of it (attempts waiting for a hand grade, open now or not).
 */
import { Types } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import { examGrades } from './exam-grades';
import type { ExamService } from './exam-service';

export function registerExamActivityType(ctx: PluginContext, svc: ExamService): void {
  ctx.activityTypes.register({
    id: ctx.id, nameKey: `${ctx.id}:name`, icon: 'clipboard-check',
    // A certification exam: its pass is competency evidence.
    assessment: true,
    pageUrl: (a) => `/${ctx.id}/exams/${a.refId}`,
    editUrl: (a) => `/${ctx.id}/exams/${a.refId}/edit`,
    grades: (refId) => examGrades(svc.models, refId),
    trainerStatus: async (refIds) => {
      const ids = refIds.filter((r) => Types.ObjectId.isValid(r)).map((r) => new Types.ObjectId(r));
      const [exams, waiting] = await Promise.all([
        svc.models.Exam.find({ _id: { $in: ids } }, { opensAt: 1, closesAt: 1 }).lean(),
        svc.models.Attempt.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { examId: { $in: ids }, state: 'needs_grading' } }, { $group: { _id: '$examId', n: { $sum: 1 } } }]),
      ]);
      const now = ctx.clock.now();
      const byExam = new Map(waiting.map((w) => [String(w._id), w.n]));
      return exams.map((e) => ({ refId: String(e._id), waiting: byExam.get(String(e._id)) ?? 0, openNow: (!e.opensAt || e.opensAt <= now) && (!e.closesAt || now < e.closesAt) }));
    },
  });
}
