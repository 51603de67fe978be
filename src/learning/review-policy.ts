/**
 * What a learner may see of a finished attempt, and when (Moodle's review options), shared by the
 * quiz and the exam. Nothing that reveals an answer leaves the server before these allow it; while
 * an attempt is open, nothing at all; while an exam attempt waits for manual grading, at most its
 * provisional scores, and a score board shows no more than that (provisionalMarks).
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

const closedAt = (activity: { closesAt?: Date | null }, now: Date) => activity.closesAt !== undefined && activity.closesAt !== null && now >= activity.closesAt;

/**
 * One rule for the scores of an attempt whose answers wait for a person (`needs_grading`: an essay
 * to grade): the learner sees its provisional scores, and a score board shows them, only when the
 * review options would show marks now; otherwise neither shows any. So a public board never shows
 * a participant more than the participant sees.
 */
export function provisionalMarks(activity: { review: ReviewOptions; closesAt?: Date | null }, attempt: { state: string }, now: Date): boolean {
  if (attempt.state !== 'needs_grading') return false;
  const w = activity.review.marks;
  return w === 'immediately' || (w === 'after_close' && closedAt(activity, now));
}

/** `activity`: the quiz or exam (its review options and close time); only a `graded` attempt shows anything. */
export function reviewRights(activity: { review: ReviewOptions; closesAt?: Date | null }, attempt: { state: string }, now: Date, asTrainer: boolean): ReviewRights {
  if (asTrainer) return { marks: true, correctness: true, feedback: true, rightAnswer: true };
  if (attempt.state !== 'graded') return { marks: false, correctness: false, feedback: false, rightAnswer: false };
  const closed = closedAt(activity, now);
  const allowed = (w: ReviewWhen) => w === 'immediately' || (w === 'after_close' && closed);
  return { marks: allowed(activity.review.marks), correctness: allowed(activity.review.correctness), feedback: allowed(activity.review.feedback), rightAnswer: allowed(activity.review.rightAnswer) };
}

/**
 * The verdict a review shows beside one answer, worded apart from any option (a true/false
 * question's options are "Benar" and "Salah", so a verdict never reads as one of them): `correct`
 * at full marks, `partial` with the points earned when some but not all (a TKP option worth 4 of
 * 5), `incorrect` at none; null while a person has to grade it or when correctness is not shown.
 */
export type Verdict = { kind: 'correct' | 'incorrect' } | { kind: 'partial'; score: number; maxScore: number };

export function reviewVerdict(rights: Pick<ReviewRights, 'correctness'>, result: { score: number; maxScore: number; state: string; manual?: boolean } | undefined): Verdict | null {
  if (!rights.correctness || !result || result.state === 'needs_manual') return null;
  if (result.score >= result.maxScore - 1e-9) return { kind: 'correct' };
  if (result.score <= 1e-9) return { kind: 'incorrect' };
  return { kind: 'partial', score: result.score, maxScore: result.maxScore };
}
