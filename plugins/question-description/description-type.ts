/**
 * Description (`description`): text placed between questions (instructions, a reading passage).
 *
 * Invariant: it carries no mark. `grade` always returns score 0 out of 0 in state `graded`, whatever
 * the slot's mark, so a description can never change an attempt's total; it accepts no answer but
 * an absent or empty one.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { learnerView } from '../../src/learning/question-type-kit';

export const descriptionDataSchema = z.strictObject({});
export type DescriptionData = z.output<typeof descriptionDataSchema>;

export const descriptionResponseSchema = z.union([z.undefined(), z.strictObject({})]);
export type DescriptionResponse = z.output<typeof descriptionResponseSchema>;

function grade(): GradeResult {
  return { score: 0, maxScore: 0, state: 'graded', feedback: [] };
}

function toLearnerView(question: Question<DescriptionData>): LearnerView {
  return learnerView('description', question);
}

export const descriptionType: QuestionType<DescriptionData, DescriptionResponse> = {
  id: 'description',
  dataSchema: descriptionDataSchema,
  responseSchema: descriptionResponseSchema,
  autoGraded: true,
  // Text between questions: no mark, no answer (new descriptions default to mark 0).
  scored: false,
  grade,
  toLearnerView,
  correctResponse: () => undefined,
};
