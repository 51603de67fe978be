/**
 * True/false (`truefalse`): the learner says whether the stem is true.
 *
 * Invariant: the learner view is the stem alone; which value is right and both feedbacks stay in
 * `grade`. `feedbackTrue` is shown when the learner picks True and `feedbackFalse` when they pick
 * False, whichever is correct (the importer maps GIFT's wrong/right feedback order onto these).
 * Right: full marks; wrong: 0 (Moodle has no penalty here); no value: `blank`.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { blankResult, learnerView } from '../../src/learning/question-type-kit';

const feedbackSchema = z.string().max(10_000);

export const truefalseDataSchema = z.strictObject({
  correct: z.boolean(),
  feedbackTrue: feedbackSchema.optional(),
  feedbackFalse: feedbackSchema.optional(),
});
export type TruefalseData = z.output<typeof truefalseDataSchema>;

export const truefalseResponseSchema = z.strictObject({ value: z.boolean() });
export type TruefalseResponse = z.output<typeof truefalseResponseSchema>;

function grade(question: Question<TruefalseData>, response: TruefalseResponse | undefined, maxScore: number): GradeResult {
  if (response === undefined) return blankResult(maxScore);
  const data = question.data;
  const right = response.value === data.correct;
  const feedback = response.value ? data.feedbackTrue : data.feedbackFalse;
  return {
    score: right ? maxScore : 0,
    maxScore,
    state: 'graded',
    feedback: feedback ? [feedback] : [],
    parts: [{ id: 'answer', correct: right }],
  };
}

function toLearnerView(question: Question<TruefalseData>): LearnerView {
  return learnerView('truefalse', question);
}

export const truefalseType: QuestionType<TruefalseData, TruefalseResponse> = {
  id: 'truefalse',
  dataSchema: truefalseDataSchema,
  responseSchema: truefalseResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  correctResponse: (question) => ({ value: question.data.correct }),
  // Two choices, one right: a blind guess scores half (as Moodle's true/false).
  randomGuessScore: () => 0.5,
};
