/**
 * A quiz's marks for the course's grades: each learner's best graded attempt (ties: the earlier),
 * with a score per slot. Slot names are blueprint positions, so a column means "question k of the
 * quiz" in every attempt, also when a random slot drew different questions.
 */
import type { Model } from 'mongoose';
import type { ActivityGrades } from '../../src/learning/activity-type';
import type { AttemptDoc, QuizDoc } from './quiz-models';

export async function quizGrades(Quiz: Model<QuizDoc>, Attempt: Model<AttemptDoc>, quizId: string): Promise<ActivityGrades> {
  const quiz = await Quiz.findById(quizId).lean();
  if (!quiz) return { maxScore: 0, questions: [], learners: [] };
  const attempts = await Attempt.find({ quizId: quiz._id, state: 'graded' }, { answers: 0 }).sort({ number: 1 }).lean();
  const best = new Map<string, AttemptDoc>();
  for (const a of attempts) {
    const cur = best.get(String(a.userId));
    if (!cur || (a.score ?? 0) > (cur.score ?? 0)) best.set(String(a.userId), a);
  }
  // Columns: the quiz's slots in their order, then slots only old attempts have.
  const keys = quiz.slots.map((s) => s.slot);
  const maxOf = new Map(quiz.slots.map((s) => [s.slot, s.mark]));
  for (const a of best.values()) for (const r of a.results) if (!maxOf.has(r.slot)) { keys.push(r.slot); maxOf.set(r.slot, r.maxScore); }
  return {
    maxScore: quiz.slots.reduce((n, s) => n + s.mark, 0),
    questions: keys.map((key, i) => ({ key, label: `${i + 1}`, maxScore: maxOf.get(key) ?? 0 })),
    learners: [...best.values()].map((a) => ({
      userId: String(a.userId), score: a.score ?? null, maxScore: a.maxScore, passed: a.passed ?? null, state: a.state,
      questions: Object.fromEntries(a.results.map((r) => [r.slot, r.score])),
    })),
  };
}
