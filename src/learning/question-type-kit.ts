/**
 * Building blocks for question-type plugins (plugins/question-<type>/): the rules several types
 * share and that must stay the same in each, so a fix reaches every type at once. Only logic that
 * really is the same belongs here. A type's own rules, such as its messages about its own rows or
 * how it grades, stay in its plugin.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { i18nIssue } from '../views/zod-messages';
import { TEXT_FORMATS } from './interchange/neutral-question';
import type { GradeResult, LearnerView, QuestionCommon, QuestionType } from './question-type';
import { formValues } from './attempts/answer-log';

// ---- messages ----------------------------------------------------------------------------------

/**
 * A custom issue's English `message` (the API's) with the i18n key pages show instead:
 * `ctx.addIssue({ code: 'custom', path, ...i18nIssue('…', 'question-<type>:errors.<name>', args) })`
 * or `.refine(check, i18nIssue(…))`. The type's plugin holds the key in its `lang/{id,en}.json`.
 */
export { i18nIssue };

/** What `i18nIssue` returns. */
export type IssueMessage = ReturnType<typeof i18nIssue>;

// ---- authored ids (options, pairs, items, rubric criteria and levels) -------------------------

/**
 * The id of an option, pair, item or rubric entry. The alphabet is small because ids become form
 * field names (`<prefix>_<id>`) and keys of stored documents (an exam stores a rubric selection as
 * criterion id → level id), so they may hold no `.`, `$` or spaces. A refine, not `.regex`: zod 4's
 * string checks take no `params`, and the issue must carry its i18n key.
 */
export const itemIdSchema = z.string().refine((id) => /^[A-Za-z0-9_-]{1,40}$/.test(id), i18nIssue('ids are 1–40 letters, digits, _ or -', 'bank.err.itemId'));

/** True when no value appears twice. */
export function allDistinct(values: readonly unknown[]): boolean {
  return new Set(values).size === values.length;
}

/** A learner's list of ids (options picked, items in order): each id at most once. */
export function distinctIdListSchema(max: number, repeated: IssueMessage) {
  return z.array(itemIdSchema).max(max).refine((ids) => allDistinct(ids), repeated);
}

/**
 * Adds an issue `duplicate <noun> id "<id>"` at each repeated row's id (`<listKey>.<index>.id`),
 * so that the message points at the row to fix rather than at the whole list.
 */
export function reportDuplicateIds(ctx: z.RefinementCtx, listKey: string, rows: ReadonlyArray<{ id: string }>, noun: string): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (seen.has(row.id)) ctx.addIssue({ code: 'custom', path: [listKey, i, 'id'], ...i18nIssue(`duplicate ${noun} id "${row.id}"`, 'bank.err.duplicateId', { id: row.id }) });
    seen.add(row.id);
  });
}

/**
 * True when ids, in the given order, count up after a shared prefix (`a1, a2`, `x-b, x-c`). Where
 * the authored order is the answer (ordering's items, matching's answers in pair order), such ids
 * would spell it out in the learner view, so those types' schemas refuse them.
 */
export function idsCountUp(ids: readonly string[]): boolean {
  if (ids.length < 2) return false;
  let prefix = ids[0] ?? '';
  for (const id of ids) while (!id.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const rests = ids.map((id) => id.slice(prefix.length));
  if (rests.every((r) => /^\d+$/u.test(r))) return rests.every((r, i) => i === 0 || Number(r) > Number(rests[i - 1]));
  if (rests.every((r) => /^[A-Za-z]$/u.test(r))) return rests.every((r, i) => i === 0 || r.toLowerCase() > (rests[i - 1] ?? '').toLowerCase());
  return false;
}

/**
 * A fresh, unguessable id for authoring and import (never called while grading): 10 random
 * lowercase letters. Letters only, so a random id carries no number that could count up or match
 * another id's number, which are the patterns the schemas refuse.
 */
export function randomLetterId(): string {
  return Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('');
}

// ---- authored texts ---------------------------------------------------------------------------

/** Authoring format of an option's or item's text: the formats a stem may have. */
export const textFormatSchema = z.enum(TEXT_FORMATS);

// ---- learner view ------------------------------------------------------------------------------

/**
 * The learner view of a question: the common fields picked one by one, plus the type's key-free
 * `view`. The fields are picked, never spread from the question, because a spread would carry
 * `data` and so the answer key.
 */
export function learnerView(type: string, question: QuestionCommon, view: Record<string, unknown> = {}): LearnerView {
  return { type, name: question.name, stem: question.stem, stemFormat: question.stemFormat, view };
}

/**
 * `fromForm` for a type answered in one text box: blank when the box is empty or whitespace,
 * otherwise the text as typed, cut to `maxLength` (the response schema's maximum), so that the
 * no-JavaScript form and autosave never send a response the schema would refuse.
 */
export function textResponseFromForm(maxLength: number): NonNullable<QuestionType<unknown, { text: string }>['fromForm']> {
  return (fields, prefix) => {
    const { first } = formValues(fields, prefix);
    return first?.trim() ? { text: first.slice(0, maxLength) } : undefined;
  };
}

// ---- grading -----------------------------------------------------------------------------------

/**
 * How far two fractions may differ and still be equal: fractions typed as percentages (GIFT's
 * 33.33333 %) must still add up to, or count as, 100 %.
 */
export const FRACTION_EPSILON = 1e-6;

/** The result for a question left unanswered: no marks, nothing to show. */
export function blankResult(maxScore: number): GradeResult {
  return { score: 0, maxScore, state: 'blank', feedback: [] };
}

/** Rounded like Moodle's stored grades (7 decimals) so 3 × 0.3333333 leaves no float noise; `+ 0` turns -0 into 0. */
export function roundScore(score: number): number {
  return Math.round(score * 1e7) / 1e7 + 0;
}

/**
 * For types that compare one typed answer with a list of accepted answers (short answer,
 * numerical): of the answers the response matches, the one with the highest fraction; among equals
 * the first in authored order, so a catch-all written first never shadows a better answer.
 */
export function bestAnswer<A extends { fraction: number }>(answers: readonly A[], matches: (answer: A) => boolean): A | undefined {
  let best: A | undefined;
  for (const answer of answers) {
    if (best !== undefined && answer.fraction <= best.fraction) continue;
    if (matches(answer)) best = answer;
  }
  return best;
}

/**
 * Grades a typed answer by the accepted answer it earned (from `bestAnswer`): that answer's share
 * of the mark and its feedback, or 0 when it earned none. A fraction within FRACTION_EPSILON of 1
 * is full marks, so a GIFT 99.99999 % answer is not marked wrong.
 */
export function gradeByBestAnswer(best: { fraction: number; feedback?: string | undefined } | undefined, maxScore: number): GradeResult {
  const fraction = best ? (best.fraction > 1 - FRACTION_EPSILON ? 1 : best.fraction) : 0;
  return {
    score: roundScore(fraction * maxScore),
    maxScore,
    state: 'graded',
    feedback: best?.feedback ? [best.feedback] : [],
    parts: [{ id: 'answer', correct: fraction >= 1 }],
  };
}
