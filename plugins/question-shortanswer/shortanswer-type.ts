/**
 * Short answer (`shortanswer`): the learner types a word or phrase, compared with accepted answers.
 *
 * Invariant: the learner view is the stem alone; accepted answers, fractions, feedback and the case
 * rule stay in `grade`.
 *
 * Matching follows Moodle's `compare_string_with_wildcard` (without its RegExp): both sides are Unicode-normalised
 * (NFC), `*` matches any run of characters (a lone `*` is Moodle's "anything else"), `\*` is a
 * literal asterisk, and case is ignored unless `caseSensitive`. Unlike Moodle, whitespace is
 * trimmed and inner runs are collapsed to one space on both sides, so a stray double space typed on
 * a phone does not cost a mark. When several answers match, the highest fraction wins; among equals
 * the first in authored order, so a catch-all `*` never shadows a better answer written after it.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { bestAnswer, blankResult, FRACTION_EPSILON, gradeByBestAnswer, i18nIssue, learnerView } from '../../src/learning/question-type-kit';

const MAX_ANSWERS = 50;
const MAX_RESPONSE_LENGTH = 1_000;

const answerSchema = z.strictObject({
  text: z.string().trim().min(1).max(1_000),
  fraction: z.number().min(0).max(1),
  feedback: z.string().max(10_000).optional(),
});

export const shortanswerDataSchema = z
  .strictObject({
    caseSensitive: z.boolean().default(false),
    answers: z.array(answerSchema).min(1).max(MAX_ANSWERS),
  })
  .superRefine((data, ctx) => {
    if (!data.answers.some((a) => a.fraction >= 1 - FRACTION_EPSILON)) {
      ctx.addIssue({ code: 'custom', path: ['answers'], ...i18nIssue('one accepted answer must be worth 100 %', 'question-shortanswer:errors.needsFull') });
    }
  });
export type ShortanswerData = z.output<typeof shortanswerDataSchema>;

export const shortanswerResponseSchema = z.strictObject({ text: z.string().max(MAX_RESPONSE_LENGTH) });
export type ShortanswerResponse = z.output<typeof shortanswerResponseSchema>;

/** NFC so a composed and a decomposed "é" compare equal; whitespace as the docblock says. */
function normalise(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** Splits on unescaped `*` only; `\*` stays a literal asterisk, as in Moodle. */
function wildcardSegments(pattern: string): string[] {
  return normalise(pattern)
    .split(/(?<!\\)\*/u)
    .map((bit) => bit.replaceAll('\\*', '*'));
}

/**
 * Glob match with `*` only, without building a RegExp: an answer with many wildcards must not make
 * a learner's long response backtrack for seconds on the grading worker. Leftmost matching of the
 * middle segments is enough because `*` can absorb whatever lies between them.
 */
function wildcardMatches(segments: readonly string[], text: string): boolean {
  const first = segments[0] ?? '';
  if (segments.length === 1) return text === first;
  const last = segments[segments.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let pos = first.length;
  for (const segment of segments.slice(1, -1)) {
    const at = text.indexOf(segment, pos);
    if (at < 0 || at + segment.length > end) return false;
    pos = at + segment.length;
  }
  return true;
}

function answerMatches(pattern: string, text: string, caseSensitive: boolean): boolean {
  const fold = (s: string): string => (caseSensitive ? s : s.toLowerCase());
  return wildcardMatches(wildcardSegments(pattern).map(fold), fold(text));
}

/** The best accepted answer for a text, or undefined. Exported for review pages and the importer's preview. */
export function matchShortAnswer(data: ShortanswerData, text: string): ShortanswerData['answers'][number] | undefined {
  const given = normalise(text);
  return bestAnswer(data.answers, (answer) => answerMatches(answer.text, given, data.caseSensitive));
}

function grade(question: Question<ShortanswerData>, response: ShortanswerResponse | undefined, maxScore: number): GradeResult {
  if (response === undefined || normalise(response.text) === '') return blankResult(maxScore);
  return gradeByBestAnswer(matchShortAnswer(question.data, response.text), maxScore);
}

function toLearnerView(question: Question<ShortanswerData>): LearnerView {
  return learnerView('shortanswer', question);
}

/** Prefers a full-mark answer without wildcards; otherwise fills each `*` with nothing (or "x"). */
function correctResponse(question: Question<ShortanswerData>): ShortanswerResponse {
  const full = question.data.answers.filter((a) => a.fraction >= 1 - FRACTION_EPSILON);
  const literal = full.find((a) => !/(?<!\\)\*/u.test(a.text));
  if (literal) return { text: literal.text.replaceAll('\\*', '*') };
  const filled = (full[0]?.text ?? '').split(/(?<!\\)\*/u).join('').replaceAll('\\*', '*').trim();
  return { text: filled === '' ? 'x' : filled };
}

export const shortanswerType: QuestionType<ShortanswerData, ShortanswerResponse> = {
  id: 'shortanswer',
  dataSchema: shortanswerDataSchema,
  responseSchema: shortanswerResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  correctResponse,
  // Moodle's qtype_shortanswer: a `*` answer takes any text, so a guess earns its fraction; otherwise 0.
  randomGuessScore: (question) => question.data.answers.find((a) => a.text.trim() === '*')?.fraction ?? 0,
};
