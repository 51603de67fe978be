/**
 * What a learner may see of a finished attempt, and when (Moodle's review options), shared by the
 * quiz and the exam. Nothing that reveals an answer leaves the server before these allow it; while
 * an attempt is open (or an exam attempt waits for manual grading), nothing at all.
 */
export const REVIEW_WHEN = ['immediately', 'after_close', 'never'] as const;
export type ReviewWhen = (typeof REVIEW_WHEN)[number];

export interface ReviewOptions {
  marks: ReviewWhen;
  correctness: ReviewWhen;
  feedback: ReviewWhen;
  rightAnswer: ReviewWhen;
}

export interface ReviewRights {
  marks: boolean;
  correctness: boolean;
  feedback: boolean;
  rightAnswer: boolean;
}

/** `activity`: the quiz or exam (its review options and close time); only a `graded` attempt shows anything. */
export function reviewRights(activity: { review: ReviewOptions; closesAt?: Date | null }, attempt: { state: string }, now: Date, asTrainer: boolean): ReviewRights {
  if (asTrainer) return { marks: true, correctness: true, feedback: true, rightAnswer: true };
  if (attempt.state !== 'graded') return { marks: false, correctness: false, feedback: false, rightAnswer: false };
  const closed = activity.closesAt !== undefined && activity.closesAt !== null && now >= activity.closesAt;
  const allowed = (w: ReviewWhen) => w === 'immediately' || (w === 'after_close' && closed);
  return { marks: allowed(activity.review.marks), correctness: allowed(activity.review.correctness), feedback: allowed(activity.review.feedback), rightAnswer: allowed(activity.review.rightAnswer) };
}
