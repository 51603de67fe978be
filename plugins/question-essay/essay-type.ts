/**
 * Essay (`essay`): a free-text answer graded by a person, optionally against a rubric.
 *
 * Invariant: `grade` never invents a mark. Any non-blank answer is `needs_manual` with score 0 until
 * a grader scores it, and the rubric (criteria, levels, points) stays out of the learner view.
 * A response that is empty, whitespace or the unchanged response template is `blank`.
 *
 * `gradeEssayWithRubric` turns a grader's choice of one level per criterion into a mark:
 * score = points of the chosen levels / sum of each criterion's best level × maxScore. It refuses a
 * selection that skips a criterion or names an unknown criterion or level, since a half-filled
 * rubric would silently under-mark the learner.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { allDistinct, i18nIssue, itemIdSchema, learnerView, roundScore } from '../../src/learning/question-type-kit';

const MAX_WORDS = 100_000;
const MAX_RESPONSE_LENGTH = 200_000;

const levelSchema = z.strictObject({
  id: itemIdSchema,
  label: z.string().trim().min(1).max(1_000),
  points: z.number().min(0).max(1_000),
});

const criterionSchema = z
  .strictObject({
    id: itemIdSchema,
    description: z.string().trim().min(1).max(2_000),
    levels: z.array(levelSchema).min(1).max(10),
  })
  .superRefine((c, ctx) => {
    if (!allDistinct(c.levels.map((l) => l.id))) {
      ctx.addIssue({ code: 'custom', path: ['levels'], ...i18nIssue('duplicate level id', 'question-essay:errors.duplicateLevelId') });
    }
  });

const rubricSchema = z
  .strictObject({ criteria: z.array(criterionSchema).min(1).max(30) })
  .superRefine((r, ctx) => {
    if (!allDistinct(r.criteria.map((c) => c.id))) {
      ctx.addIssue({ code: 'custom', path: ['criteria'], ...i18nIssue('duplicate criterion id', 'question-essay:errors.duplicateCriterionId') });
    }
    if (rubricMaxPoints(r) <= 0) ctx.addIssue({ code: 'custom', path: ['criteria'], ...i18nIssue('the rubric must be worth more than 0 points', 'question-essay:errors.rubricWorthless') });
  });

export const essayDataSchema = z
  .strictObject({
    minWords: z.int().min(0).max(MAX_WORDS).optional(),
    maxWords: z.int().min(1).max(MAX_WORDS).optional(),
    rubric: rubricSchema.optional(),
    responseTemplate: z.string().max(20_000).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.minWords !== undefined && d.maxWords !== undefined && d.minWords > d.maxWords) {
      ctx.addIssue({ code: 'custom', path: ['minWords'], ...i18nIssue('minWords is greater than maxWords', 'question-essay:errors.minAboveMax') });
    }
  });
export type EssayData = z.output<typeof essayDataSchema>;
export type EssayRubric = NonNullable<EssayData['rubric']>;

export const essayResponseSchema = z.strictObject({ text: z.string().max(MAX_RESPONSE_LENGTH) });
export type EssayResponse = z.output<typeof essayResponseSchema>;

function rubricMaxPoints(rubric: { criteria: ReadonlyArray<{ levels: ReadonlyArray<{ points: number }> }> }): number {
  return rubric.criteria.reduce((sum, c) => sum + Math.max(0, ...c.levels.map((l) => l.points)), 0);
}

/** Words as the page counts them for minWords/maxWords: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/u).filter((w) => w !== '').length;
}

function isBlank(data: EssayData, text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || (data.responseTemplate !== undefined && trimmed === data.responseTemplate.trim());
}

function grade(question: Question<EssayData>, response: EssayResponse | undefined, maxScore: number): GradeResult {
  const blank = response === undefined || isBlank(question.data, response.text);
  return { score: 0, maxScore, state: blank ? 'blank' : 'needs_manual', feedback: [] };
}

function toLearnerView(question: Question<EssayData>): LearnerView {
  const { minWords, maxWords, responseTemplate } = question.data;
  const view: Record<string, unknown> = {};
  if (minWords !== undefined) view.minWords = minWords;
  if (maxWords !== undefined) view.maxWords = maxWords;
  if (responseTemplate !== undefined) view.responseTemplate = responseTemplate;
  return learnerView('essay', question, view);
}

export type RubricSelectionProblem = 'no_rubric' | 'missing_criterion' | 'unknown_criterion' | 'unknown_level';

/** A grader's rubric selection that cannot be scored; the HTTP layer maps it to a 400. */
export class RubricSelectionError extends Error {
  readonly code = 'BINA_ERR_ESSAY_RUBRIC_SELECTION';
  readonly status = 400;
  readonly i18nKey = 'question-essay:errors.rubricSelection';
  constructor(readonly details: Array<{ problem: RubricSelectionProblem; criterionId?: string }>) {
    super(`invalid rubric selection: ${details.map((d) => (d.criterionId ? `${d.problem} (${d.criterionId})` : d.problem)).join(', ')}`);
    this.name = 'RubricSelectionError';
  }
}

/**
 * Scores an essay from one chosen level per rubric criterion.
 * @param selections criterion id → level id; every criterion must be present.
 * @throws RubricSelectionError when the question has no rubric or the selection is incomplete or unknown.
 */
export function gradeEssayWithRubric(
  question: Question<EssayData>,
  selections: Readonly<Record<string, string>>,
  maxScore: number,
): GradeResult {
  const rubric = question.data.rubric;
  if (!rubric) throw new RubricSelectionError([{ problem: 'no_rubric' }]);
  const problems: RubricSelectionError['details'] = [];
  const criterionIds = new Set(rubric.criteria.map((c) => c.id));
  for (const key of Object.keys(selections)) {
    if (!criterionIds.has(key)) problems.push({ problem: 'unknown_criterion', criterionId: key });
  }
  let points = 0;
  for (const criterion of rubric.criteria) {
    // Own properties only: a key such as `__proto__` or `toString` must not count as a selection.
    const levelId = Object.hasOwn(selections, criterion.id) ? selections[criterion.id] : undefined;
    if (levelId === undefined) {
      problems.push({ problem: 'missing_criterion', criterionId: criterion.id });
      continue;
    }
    const level = criterion.levels.find((l) => l.id === levelId);
    if (!level) problems.push({ problem: 'unknown_level', criterionId: criterion.id });
    else points += level.points;
  }
  if (problems.length > 0) throw new RubricSelectionError(problems);
  return {
    score: roundScore((points / rubricMaxPoints(rubric)) * maxScore),
    maxScore,
    state: 'graded',
    feedback: [],
  };
}

export const essayType: QuestionType<EssayData, EssayResponse> = {
  id: 'essay',
  dataSchema: essayDataSchema,
  responseSchema: essayResponseSchema,
  autoGraded: false,
  grade,
  toLearnerView,
  correctResponse: () => undefined,
  // As Moodle's qtype_essay: a person grades it, so no guess can be estimated.
  randomGuessScore: () => null,
};
