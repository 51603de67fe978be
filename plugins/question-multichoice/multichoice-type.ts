/**
 * Multiple choice (`multichoice`): one answer, several answers, or weighted options (BKN TKP).
 *
 * Invariant: the learner view carries option ids and texts only, in a seeded order; fractions,
 * points and feedback never leave `grade`. Option ids are authored and stable (`o1`, `o2`…), so a
 * saved response still means the same options after a regrade; importers should not always give
 * the correct option the first id, or the id pattern becomes a hint.
 *
 * Scoring (Moodle's rules unless stated):
 * - `fraction` mode, single answer: exactly one option is worth 100 % (Moodle allows several;
 *   Bina refuses them, since a mistyped 100 % silently makes a wrong option right). Score = fraction of the chosen option × maxScore (a negative
 *   fraction gives a negative score). A response that picks several options earns nothing: the
 *   response schema cannot know the mode, and guessing which pick counts would be arbitrary.
 * - `fraction` mode, multiple answers: sum of the chosen fractions, clamped to [0, 1], × maxScore.
 *   Negative fractions penalise wrong picks, but the question never scores below 0.
 * - `weighted` mode (BKN TKP, every option worth 1–5 points): the question's natural maximum is the
 *   highest option's points, and score = points of the chosen option / that maximum × maxScore.
 *   A slot whose mark equals the maximum (5 for TKP) therefore gets the raw points, as CAT reports
 *   them; any other mark scales proportionally, so a TKP item can sit in an ordinary quiz too.
 *   Weighted questions are always single answer.
 * - No option chosen: score 0, state `blank`. Ids the question does not have earn nothing.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import {
  blankResult, distinctIdListSchema, FRACTION_EPSILON, i18nIssue, itemIdSchema, learnerView, reportDuplicateIds, roundScore, textFormatSchema,
} from '../../src/learning/question-type-kit';
import { seededShuffle } from '../../src/learning/seeded-shuffle';

const optionTextSchema = z.string().trim().min(1).max(10_000);
const feedbackSchema = z.string().max(10_000);

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 50;
/** Moodle's form accepts positive grades that round to 100 % at two decimals. */
const MULTI_TOTAL_TOLERANCE = 0.005;

const fractionOptionSchema = z.strictObject({
  id: itemIdSchema,
  text: optionTextSchema,
  format: textFormatSchema.optional(),
  fraction: z.number().min(-1).max(1),
  feedback: feedbackSchema.optional(),
});

const weightedOptionSchema = z.strictObject({
  id: itemIdSchema,
  text: optionTextSchema,
  format: textFormatSchema.optional(),
  points: z.number().min(0).max(1000),
  feedback: feedbackSchema.optional(),
});

const fractionDataSchema = z
  .strictObject({
    mode: z.literal('fraction').default('fraction'),
    single: z.boolean(),
    shuffle: z.boolean().default(true),
    options: z.array(fractionOptionSchema).min(MIN_OPTIONS).max(MAX_OPTIONS),
  })
  .superRefine((data, ctx) => {
    reportDuplicateIds(ctx, 'options', data.options, 'option');
    if (data.single) {
      const full = data.options.flatMap((o, i) => (o.fraction >= 1 - FRACTION_EPSILON ? [i + 1] : []));
      if (full.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['options'], ...i18nIssue('a single-answer question needs one option worth 100 %', 'question-multichoice:errors.singleNeedsFull') });
      } else if (full.length > 1) {
        // Two "right" answers in one-answer mode make a wrong option count as right: the
        // author meant the multiple-answer mode (fractions adding up to 100 %) or mistyped a value.
        const options = full.join(', ');
        ctx.addIssue({ code: 'custom', path: ['options'], ...i18nIssue(`a single-answer question may have only one option worth 100 % (options ${options} are)`, 'question-multichoice:errors.singleOneFull', { options }) });
      }
    } else {
      const positive = data.options.reduce((sum, o) => sum + Math.max(0, o.fraction), 0);
      if (Math.abs(positive - 1) > MULTI_TOTAL_TOLERANCE) {
        ctx.addIssue({ code: 'custom', path: ['options'], ...i18nIssue('the positive fractions of a multiple-answer question must add up to 100 %', 'question-multichoice:errors.multipleTotal') });
      }
    }
  });

const weightedDataSchema = z
  .strictObject({
    mode: z.literal('weighted'),
    shuffle: z.boolean().default(true),
    options: z.array(weightedOptionSchema).min(MIN_OPTIONS).max(MAX_OPTIONS),
  })
  .superRefine((data, ctx) => {
    reportDuplicateIds(ctx, 'options', data.options, 'option');
    if (!data.options.some((o) => o.points > 0)) {
      ctx.addIssue({ code: 'custom', path: ['options'], ...i18nIssue('a weighted question needs an option worth more than 0 points', 'question-multichoice:errors.weightedNeedsPoints') });
    }
  });

/** Authored data; `mode` defaults to `fraction`, so imported Moodle/GIFT questions need not set it. */
export const multichoiceDataSchema = z.union([fractionDataSchema, weightedDataSchema]);
export type MultichoiceData = z.output<typeof multichoiceDataSchema>;
export type FractionMultichoiceData = z.output<typeof fractionDataSchema>;
export type WeightedMultichoiceData = z.output<typeof weightedDataSchema>;

/** The same shape for single and multiple answers: the schema cannot see the question's mode. */
export const multichoiceResponseSchema = z.strictObject({
  selected: distinctIdListSchema(MAX_OPTIONS, i18nIssue('an option is selected twice', 'question-multichoice:errors.selectedTwice')),
});
export type MultichoiceResponse = z.output<typeof multichoiceResponseSchema>;

function snapFraction(fraction: number): number {
  if (fraction > 1 - FRACTION_EPSILON) return 1;
  if (fraction < -1 + FRACTION_EPSILON) return -1;
  if (Math.abs(fraction) < FRACTION_EPSILON) return 0;
  return fraction;
}

function feedbackOf(options: ReadonlyArray<{ feedback?: string | undefined }>): string[] {
  return options.flatMap((o) => (o.feedback ? [o.feedback] : []));
}

function gradeWeighted(data: WeightedMultichoiceData, selected: ReadonlySet<string>, maxScore: number): GradeResult {
  const picked = data.options.filter((o) => selected.has(o.id));
  const maxPoints = Math.max(...data.options.map((o) => o.points));
  const points = picked.length === 1 && selected.size === 1 ? (picked[0]?.points ?? 0) : 0;
  return {
    score: roundScore((points / maxPoints) * maxScore),
    maxScore,
    state: 'graded',
    feedback: feedbackOf(picked),
    parts: data.options.map((o) => ({ id: o.id, correct: selected.has(o.id) ? o.points === maxPoints : null })),
  };
}

function gradeFraction(data: FractionMultichoiceData, selected: ReadonlySet<string>, maxScore: number): GradeResult {
  // Authored order, not click order, so feedback reads the same in every review.
  const picked = data.options.filter((o) => selected.has(o.id));
  const fraction = data.single
    ? picked.length === 1 && selected.size === 1
      ? (picked[0]?.fraction ?? 0)
      : 0
    : Math.min(1, Math.max(0, picked.reduce((sum, o) => sum + o.fraction, 0)));
  return {
    score: roundScore(snapFraction(fraction) * maxScore),
    maxScore,
    state: 'graded',
    feedback: feedbackOf(picked),
    parts: data.options.map((o) => ({ id: o.id, correct: selected.has(o.id) ? o.fraction > 0 : null })),
  };
}

function grade(question: Question<MultichoiceData>, response: MultichoiceResponse | undefined, maxScore: number): GradeResult {
  const selected = new Set(response?.selected ?? []);
  if (selected.size === 0) return blankResult(maxScore);
  const data = question.data;
  return data.mode === 'weighted' ? gradeWeighted(data, selected, maxScore) : gradeFraction(data, selected, maxScore);
}

function toLearnerView(question: Question<MultichoiceData>, seed: number): LearnerView {
  const data = question.data;
  const options: ReadonlyArray<{ id: string; text: string; format?: string | undefined }> = data.options;
  const ordered = data.shuffle ? seededShuffle(options, seed) : options;
  return learnerView('multichoice', question, {
    single: data.mode === 'weighted' || data.single,
    // Built field by field: spreading an option would carry its fraction or points along.
    options: ordered.map((o) => (o.format ? { id: o.id, text: o.text, format: o.format } : { id: o.id, text: o.text })),
  });
}

function correctResponse(question: Question<MultichoiceData>): MultichoiceResponse {
  const data = question.data;
  if (data.mode === 'weighted') {
    const maxPoints = Math.max(...data.options.map((o) => o.points));
    const best = data.options.find((o) => o.points === maxPoints);
    return { selected: best ? [best.id] : [] };
  }
  if (data.single) {
    const best = data.options.reduce((a, b) => (b.fraction > a.fraction ? b : a));
    return { selected: [best.id] };
  }
  return { selected: data.options.filter((o) => o.fraction > 0).map((o) => o.id) };
}

/**
 * A blind guess, as Moodle estimates it: one option picked at random, so the mean of the options'
 * fractions (weighted mode: the mean of their points over the highest). Multiple answers: null
 * (Moodle gives none for them either: the number of ticks is up to the learner).
 */
function randomGuessScore(question: Question<MultichoiceData>): number | null {
  const d = question.data;
  if (d.mode === 'weighted') {
    const best = Math.max(...d.options.map((o) => o.points));
    return best > 0 ? d.options.reduce((s, o) => s + o.points, 0) / d.options.length / best : null;
  }
  if (!d.single) return null;
  return d.options.reduce((s, o) => s + o.fraction, 0) / d.options.length;
}

export const multichoiceType: QuestionType<MultichoiceData, MultichoiceResponse> = {
  id: 'multichoice',
  dataSchema: multichoiceDataSchema,
  responseSchema: multichoiceResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  correctResponse,
  randomGuessScore,
};
