/**
 * What a learner may see of a finished attempt, and when (Moodle's review options). Nothing that
 * reveals an answer leaves the server before these allow it; while an attempt is open, nothing at all.
 */
import type { AttemptDoc, QuizDoc, ReviewWhen } from './quiz-models';

export interface ReviewRights {
  marks: boolean;
  correctness: boolean;
  feedback: boolean;
  rightAnswer: boolean;
}

export function reviewRights(quiz: Pick<QuizDoc, 'review' | 'closesAt'>, attempt: Pick<AttemptDoc, 'state'>, now: Date, asTrainer: boolean): ReviewRights {
  if (asTrainer) return { marks: true, correctness: true, feedback: true, rightAnswer: true };
  if (attempt.state !== 'graded') return { marks: false, correctness: false, feedback: false, rightAnswer: false };
  const closed = quiz.closesAt !== undefined && quiz.closesAt !== null && now >= quiz.closesAt;
  const allowed = (w: ReviewWhen) => w === 'immediately' || (w === 'after_close' && closed);
  return { marks: allowed(quiz.review.marks), correctness: allowed(quiz.review.correctness), feedback: allowed(quiz.review.feedback), rightAnswer: allowed(quiz.review.rightAnswer) };
}
