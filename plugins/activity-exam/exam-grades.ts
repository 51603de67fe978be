/**
 * An exam's marks for the course's grades: per learner the attempt its grading method counts
 * (highest, first or last final attempt), with a score per blueprint slot (`s1`… across the
 * sections, labelled by section and position), the columns item analysis uses too. A learner
 * whose only finished attempt still waits for manual grading is listed as such, without a score.
 */
import type { Model } from 'mongoose';
import type { ActivityGrades } from '../../src/learning/activity-type';
import { countingAttempt } from './exam-scoring';
import type { ExamAttemptDoc, ExamDoc } from './exam-models';

export async function examGrades(models: { Exam: Model<ExamDoc>; Attempt: Model<ExamAttemptDoc> }, examId: string): Promise<ActivityGrades> {
  const exam = await models.Exam.findById(examId).lean();
  if (!exam) return { maxScore: 0, questions: [], learners: [] };
  const attempts = await models.Attempt.find({ examId: exam._id, state: { $in: ['graded', 'needs_grading'] } }, { answers: 0, manual: 0 }).sort({ number: 1 }).lean();
  const byUser = new Map<string, ExamAttemptDoc[]>();
  for (const a of attempts) byUser.set(String(a.userId), [...(byUser.get(String(a.userId)) ?? []), a]);
  const columns: ActivityGrades['questions'] = [];
  const maxOf = new Map<string, number>();
  for (const a of attempts) for (const r of a.results) if (!maxOf.has(r.slot) || maxOf.get(r.slot)! < r.maxScore) maxOf.set(r.slot, r.maxScore);
  let n = 0;
  for (const s of exam.sections) {
    const count = (s.fixed?.length ?? 0) + (s.draw?.count ?? 0);
    for (let i = 1; i <= count; i++) {
      const key = `s${++n}`;
      columns.push({ key, label: `${s.key.toUpperCase()} ${i}`, maxScore: maxOf.get(key) ?? s.draw?.mark ?? 0 });
    }
  }
  const learners: ActivityGrades['learners'] = [];
  for (const [userId, list] of byUser) {
    const graded = list.filter((a) => a.state === 'graded');
    const a = countingAttempt(graded, exam.grading) ?? list[list.length - 1]!;
    const final = a.state === 'graded';
    learners.push({
      userId, score: final ? a.score ?? null : null, maxScore: a.maxScore, passed: final ? a.passed ?? null : null, state: a.state,
      questions: Object.fromEntries(a.results.map((r) => [r.slot, r.state === 'needs_manual' ? null : r.score])),
    });
  }
  return { maxScore: columns.reduce((sum, c) => sum + c.maxScore, 0), questions: columns, learners };
}
