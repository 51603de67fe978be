/**
 * What a learner may see of a finished exam attempt, and when (Moodle's review options). Nothing
 * that reveals an answer leaves the server before these allow it; while an attempt is open or
 * waits for manual grading, nothing at all.
 */
import type { ExamAttemptDoc, ExamDoc, ReviewWhen } from './exam-models';

export interface ReviewRights {
  marks: boolean;
  correctness: boolean;
  feedback: boolean;
  rightAnswer: boolean;
}

export function reviewRights(exam: Pick<ExamDoc, 'review' | 'closesAt'>, attempt: Pick<ExamAttemptDoc, 'state'>, now: Date, asTrainer: boolean): ReviewRights {
  if (asTrainer) return { marks: true, correctness: true, feedback: true, rightAnswer: true };
  if (attempt.state !== 'graded') return { marks: false, correctness: false, feedback: false, rightAnswer: false };
  const closed = exam.closesAt !== undefined && exam.closesAt !== null && now >= exam.closesAt;
  const allowed = (w: ReviewWhen) => w === 'immediately' || (w === 'after_close' && closed);
  return { marks: allowed(exam.review.marks), correctness: allowed(exam.review.correctness), feedback: allowed(exam.review.feedback), rightAnswer: allowed(exam.review.rightAnswer) };
}
