/**
 * Numerical (`numerical`): the learner types a number, optionally followed by a unit.
 *
 * Invariant: the learner view carries at most the names of the accepted units; intervals,
 * fractions, multipliers and feedback stay in `grade`.
 *
 * Reading a number (`parseNumericResponse`), since Indonesian writes `3,5` where English writes `3.5`:
 * - one kind of separator appearing once is the decimal separator: `3,5` = `3.5` = 3.5, and `1,234`
 *   is 1.234 (never one thousand two hundred…: a single separator is too ambiguous to be grouping);
 * - one kind appearing several times is digit grouping in threes: `1.234.567` = `1,234,567`;
 * - both kinds: the last one is the decimal separator and the other must group in threes:
 *   `1.234,5` = `1,234.5` = 1234.5;
 * - an exponent (`1,5e3`), a leading sign and the Unicode minus are accepted; whatever follows the
 *   number is the unit. A response that is not a number fails the response schema (a 400 at save),
 *   as Moodle refuses to grade it.
 *
 * Units follow Moodle: the first unit is the base (multiplier 1) and answers are in base units; a
 * response in another unit is divided by its multiplier (1 m = 100 cm, so cm has multiplier 100).
 * Without a unit the response is read in base units unless `unitRequired`; an unknown unit, or any
 * unit when none are configured, earns nothing. Answers are intervals `[min, max]` or a catch-all
 * `{any: true}`; the highest fraction among the matching answers wins (first in authored order
 * among equals), so a catch-all placed first never shadows the right answer.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { allDistinct, bestAnswer, blankResult, FRACTION_EPSILON, gradeByBestAnswer, i18nIssue, learnerView } from '../../src/learning/question-type-kit';

const MAX_RESPONSE_LENGTH = 100;

const fractionSchema = z.number().min(0).max(1);
const feedbackSchema = z.string().max(10_000);

const rangeAnswerSchema = z.strictObject({
  min: z.number(),
  max: z.number(),
  fraction: fractionSchema,
  feedback: feedbackSchema.optional(),
});
const anyAnswerSchema = z.strictObject({
  any: z.literal(true),
  fraction: fractionSchema,
  feedback: feedbackSchema.optional(),
});
const unitSchema = z.strictObject({
  // A unit starting with a digit could not be told apart from the number it follows.
  unit: z
    .string()
    .trim()
    .min(1)
    .max(30)
    .refine((u) => /^[^\d\s+,.-]/u.test(u), i18nIssue('a unit cannot start with a digit, a sign or a separator', 'question-numerical:errors.unitStart')),
  multiplier: z.number().positive(),
});

export const numericalDataSchema = z
  .strictObject({
    answers: z.array(z.union([rangeAnswerSchema, anyAnswerSchema])).min(1).max(50),
    units: z.array(unitSchema).max(20).optional(),
    unitRequired: z.boolean().default(false),
  })
  .superRefine((data, ctx) => {
    data.answers.forEach((a, i) => {
      if ('min' in a && a.min > a.max) ctx.addIssue({ code: 'custom', path: ['answers', i], ...i18nIssue('min is greater than max', 'question-numerical:errors.minAboveMax') });
    });
    if (!data.answers.some((a) => 'min' in a && a.fraction >= 1 - FRACTION_EPSILON)) {
      ctx.addIssue({ code: 'custom', path: ['answers'], ...i18nIssue('one interval answer must be worth 100 %', 'question-numerical:errors.needsFull') });
    }
    if (data.answers.filter((a) => 'any' in a).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['answers'], ...i18nIssue('at most one catch-all answer', 'question-numerical:errors.oneCatchAll') });
    }
    const units = data.units ?? [];
    if (units.length > 0 && units[0]?.multiplier !== 1) {
      ctx.addIssue({ code: 'custom', path: ['units', 0, 'multiplier'], ...i18nIssue('the first unit is the base unit and has multiplier 1', 'question-numerical:errors.baseUnit') });
    }
    if (!allDistinct(units.map((u) => u.unit))) {
      ctx.addIssue({ code: 'custom', path: ['units'], ...i18nIssue('duplicate unit', 'question-numerical:errors.duplicateUnit') });
    }
    if (data.unitRequired && units.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['unitRequired'], ...i18nIssue('unitRequired needs units', 'question-numerical:errors.unitRequiredNeedsUnits') });
    }
  });
export type NumericalData = z.output<typeof numericalDataSchema>;

/** Splits a typed response into its number and unit; undefined when it is not a number. */
export function parseNumericResponse(text: string): { value: number; unit: string } | undefined {
  const cleaned = text.normalize('NFC').replace(/\u2212/gu, '-').trim();
  const match = /^([+-]?)(\d[\d.,]*\d|\d|[.,]\d+)([eE][+-]?\d+)?\s*(.*)$/su.exec(cleaned);
  if (!match) return undefined;
  const [, sign = '', mantissa = '', exponent = '', unit = ''] = match;
  if (unit !== '' && /^[\d.,+-]/u.test(unit)) return undefined;
  const plain = plainMantissa(mantissa);
  if (plain === undefined) return undefined;
  const value = Number(`${sign}${plain}${exponent}`);
  return Number.isFinite(value) ? { value, unit } : undefined;
}

function plainMantissa(mantissa: string): string | undefined {
  const dots = mantissa.split('.').length - 1;
  const commas = mantissa.split(',').length - 1;
  if (dots === 0 && commas === 0) return mantissa;
  if (dots > 0 && commas > 0) {
    const decimal = mantissa.lastIndexOf('.') > mantissa.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    const [whole = '', fraction = '', ...rest] = mantissa.split(decimal);
    if (rest.length > 0 || !isGrouped(whole, group) || !/^\d+$/u.test(fraction)) return undefined;
    return `${whole.split(group).join('')}.${fraction}`;
  }
  const separator = dots > 0 ? '.' : ',';
  if (dots + commas === 1) return mantissa.replace(separator, '.');
  return isGrouped(mantissa, separator) ? mantissa.split(separator).join('') : undefined;
}

function isGrouped(digits: string, group: string): boolean {
  const [head = '', ...tail] = digits.split(group);
  return /^\d{1,3}$/u.test(head) && tail.length > 0 && tail.every((t) => /^\d{3}$/u.test(t));
}

export const numericalResponseSchema = z.strictObject({
  text: z
    .string()
    .max(MAX_RESPONSE_LENGTH)
    .refine((t) => t.trim() === '' || parseNumericResponse(t) !== undefined, i18nIssue('not a number', 'question-numerical:errors.notANumber')),
});
export type NumericalResponse = z.output<typeof numericalResponseSchema>;

/** The response in base units, or undefined when its unit is not accepted. */
function valueInBaseUnits(data: NumericalData, parsed: { value: number; unit: string }): number | undefined {
  const units = data.units ?? [];
  if (parsed.unit === '') return data.unitRequired ? undefined : parsed.value;
  const unit = units.find((u) => u.unit.normalize('NFC') === parsed.unit);
  return unit ? parsed.value / unit.multiplier : undefined;
}

/** Unit conversion divides, so 314.2 cm must still land in [3.141, 3.142] m despite float error. */
function within(value: number, min: number, max: number): boolean {
  const slack = 1e-12 * Math.max(1, Math.abs(min), Math.abs(max));
  return value >= min - slack && value <= max + slack;
}

function grade(question: Question<NumericalData>, response: NumericalResponse | undefined, maxScore: number): GradeResult {
  if (response === undefined || response.text.trim() === '') return blankResult(maxScore);
  const data = question.data;
  const parsed = parseNumericResponse(response.text);
  const value = parsed ? valueInBaseUnits(data, parsed) : undefined;
  // A number in an unaccepted unit (or no number) matches no answer, not even the catch-all.
  const best = value === undefined ? undefined : bestAnswer(data.answers, (answer) => 'any' in answer || within(value, answer.min, answer.max));
  return gradeByBestAnswer(best, maxScore);
}

function toLearnerView(question: Question<NumericalData>): LearnerView {
  const units = question.data.units ?? [];
  // Unit names let the page offer a unit picker; multipliers would hint at the expected scale.
  return learnerView('numerical', question, units.length > 0 ? { units: units.map((u) => u.unit), unitRequired: question.data.unitRequired } : {});
}

function correctResponse(question: Question<NumericalData>): NumericalResponse {
  const data = question.data;
  const full = data.answers.find((a) => 'min' in a && a.fraction >= 1 - FRACTION_EPSILON);
  const value = full && 'min' in full ? (full.min + full.max) / 2 : 0;
  const base = data.units?.[0]?.unit;
  return { text: data.unitRequired && base ? `${value} ${base}` : String(value) };
}

export const numericalType: QuestionType<NumericalData, NumericalResponse> = {
  id: 'numerical',
  dataSchema: numericalDataSchema,
  responseSchema: numericalResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  correctResponse,
  // Moodle's qtype_numerical: an "any answer" (`*`) earns its fraction for a guess; otherwise 0.
  randomGuessScore: (question) => question.data.answers.find((a) => 'any' in a)?.fraction ?? 0,
};
