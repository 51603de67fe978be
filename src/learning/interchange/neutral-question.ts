/**
 * The neutral interchange item: the one shape every question importer (GIFT, Aiken, Moodle XML)
 * produces and every exporter consumes, as described in
 * `shared/conformance/question-import/README.md` ("Neutral schema"), plus a few Bina extensions.
 *
 * Invariant: an item says what the source says and nothing more. Texts are kept verbatim (escapes
 * resolved, HTML untouched, only trimmed at the ends); `fraction` is a share of the question's mark
 * (1 = 100 %); optional fields appear only when the source carries them (`*_format` only where it
 * differs from `stem_format`). Importers never drop a question silently: what they cannot read
 * becomes a `ParseProblem` with a 1-based line number.
 *
 * Bina extensions (not in the README):
 * - `ordering`: `items` in the correct order. GIFT carries it through the qtype_ordering plugin's
 *   `{>N ALL …}` block, Moodle XML through `<question type="ordering">`.
 * - weighted options (BKN TKP, 1–5 points per option): a weighted question IS a single-answer
 *   `multiple_choice` whose options carry `points` and whose `fraction` is points / highest points
 *   (the schema enforces both). Grading by fraction × mark gives exactly the weighted score (Bina's
 *   `weighted` mode divides by the highest points too), so every format that knows fractions keeps
 *   the grading, and Moodle grades it the same way. Only the raw point labels are Bina-only: GIFT
 *   and Moodle XML cannot store them, so a re-import yields fractions alone. Moodle XML gets the
 *   highest points as `<defaultgrade>` (unless `default_mark` says otherwise), so points =
 *   fraction × default_mark; from GIFT, `pointsFromFractions(fractions, 5)` restores TKP points
 *   because TKP always tops out at 5. Exporters report the lost labels as a warning.
 * - `default_mark` (Moodle XML `<defaultgrade>`), `case_sensitive` (short answer `<usecase>`) and
 *   numerical `units` (`<units>`): kept so a Moodle XML round trip does not lose them.
 */
import { z } from 'zod';
import { localizable, type LocalizableText } from '../../views/zod-messages';

export const TEXT_FORMATS = ['moodle', 'html', 'markdown', 'plain'] as const;
/** Authoring format of a text. `moodle` ("Moodle auto-format") is GIFT's default. */
export type TextFormat = (typeof TEXT_FORMATS)[number];

export const QUESTION_TYPES = [
  'multiple_choice',
  'multiple_response',
  'true_false',
  'short_answer',
  'numerical',
  'matching',
  'essay',
  'description',
  'ordering',
] as const;
export type QuestionItemType = (typeof QUESTION_TYPES)[number];

/** Fields every question (not the category marker) has. */
export interface QuestionBase {
  /** `::title::` / `<name>`; null when the source gives no explicit name. */
  title: string | null;
  stem: string;
  stem_format?: TextFormat;
  idnumber?: string;
  tags?: string[];
  /** Moodle XML `<defaultgrade>`; GIFT and Aiken have no such field. */
  default_mark?: number;
  /** 1-based line where the question starts in the source; set by parsers only. */
  line?: number;
}

/** Fields of every answerable question (everything but `description`). */
export interface AnswerableBase extends QuestionBase {
  /** GIFT only: the answer block sat inside the text, and the stem holds the blank `_____`. */
  embedded_blank?: boolean;
  general_feedback?: string | null;
  general_feedback_format?: TextFormat;
}

/** One answer of a multiple choice, multiple response or short answer question. */
export interface AnswerOption {
  text: string;
  /** Share of the mark: 1 = 100 %, may be negative (-1 = -100 %). */
  fraction: number;
  feedback: string | null;
  format?: TextFormat;
  feedback_format?: TextFormat;
}

/** A multiple choice option; `points` only on weighted (TKP) questions, see the file header. */
export interface ChoiceOption extends AnswerOption {
  points?: number;
}

export interface MultipleChoiceItem extends AnswerableBase {
  type: 'multiple_choice';
  options: ChoiceOption[];
}

export interface MultipleResponseItem extends AnswerableBase {
  type: 'multiple_response';
  options: AnswerOption[];
}

export interface TrueFalseItem extends AnswerableBase {
  type: 'true_false';
  answer: boolean;
  /** Shown when the learner picks True, whichever answer is right. */
  feedback_true: string | null;
  /** Shown when the learner picks False. */
  feedback_false: string | null;
  feedback_true_format?: TextFormat;
  feedback_false_format?: TextFormat;
}

export interface ShortAnswerItem extends AnswerableBase {
  type: 'short_answer';
  /** Accepted responses; the text `*` is Moodle's "anything else" wildcard. */
  options: AnswerOption[];
  case_sensitive?: boolean;
}

/** Accepts any x with min ≤ x ≤ max; value/tolerance are the same interval written another way. */
export interface NumericalRangeAnswer {
  value: number;
  tolerance: number;
  min: number;
  max: number;
  fraction: number;
  feedback: string | null;
  feedback_format?: TextFormat;
  /** How the source wrote it; informative only. */
  syntax: 'exact' | 'answer:tolerance' | 'min..max';
}

/** Catch-all answer: GIFT `~#feedback` at the end of a numerical block, XML answer `*`. */
export interface NumericalAnyAnswer {
  any: true;
  fraction: number;
  feedback: string | null;
  feedback_format?: TextFormat;
}

export type NumericalAnswer = NumericalRangeAnswer | NumericalAnyAnswer;

export interface NumericalUnit {
  unit: string;
  /** Moodle's meaning: a value in base units × multiplier = the value in this unit (1 m = 100 cm). */
  multiplier: number;
}

export interface NumericalItem extends AnswerableBase {
  type: 'numerical';
  answers: NumericalAnswer[];
  units?: NumericalUnit[];
}

/** A pair whose `question` is empty is a distractor: an extra answer that matches no question. */
export interface MatchingPair {
  question: string;
  answer: string;
  question_format?: TextFormat;
}

export interface MatchingItem extends AnswerableBase {
  type: 'matching';
  pairs: MatchingPair[];
}

export interface EssayItem extends AnswerableBase {
  type: 'essay';
}

export interface DescriptionItem extends QuestionBase {
  type: 'description';
}

export interface OrderingEntry {
  text: string;
  format?: TextFormat;
}

export interface OrderingItem extends AnswerableBase {
  type: 'ordering';
  /** In the correct order. */
  items: OrderingEntry[];
  /**
   * Bina's two policies; Moodle's ALL_OR_NOTHING and RELATIVE_NEXT_EXCLUDE_LAST. Absent when the
   * source names none (or one Bina does not have).
   */
  grading?: 'all_or_nothing' | 'partial';
}

/** Category marker: applies to the questions after it; it is not a question. */
export interface CategoryItem {
  type: 'category';
  /** e.g. `$course$/top/Unit 1`. */
  path: string;
  line?: number;
}

export type NeutralQuestion =
  | MultipleChoiceItem
  | MultipleResponseItem
  | TrueFalseItem
  | ShortAnswerItem
  | NumericalItem
  | MatchingItem
  | EssayItem
  | DescriptionItem
  | OrderingItem;

export type NeutralItem = NeutralQuestion | CategoryItem;

/** What a parser returns for each item: the same, with the line always set. */
export type ParsedItem = NeutralItem & { line: number };

export interface ParseProblem {
  /** 1-based line in the source. */
  line: number;
  /** In English: the CLI and the API show it as it is. */
  message: string;
  /** The string pages show instead (`<plugin-id>:problems.<name>`), and its args; see `localizable`. */
  i18n?: string;
  args?: Record<string, unknown>;
  /** `error`: the question was not imported. `warning`: imported, but check it. */
  severity: 'error' | 'warning';
  /** Index in `items` of the imported item the warning is about. */
  itemIndex?: number;
}

export interface ParseResult {
  items: ParsedItem[];
  problems: ParseProblem[];
}

/** Problem found while exporting; `itemIndex` is the index in the exporter's input. */
export interface ExportProblem {
  itemIndex: number;
  message: string;
  severity: 'error' | 'warning';
}

// ---------------------------------------------------------------------------------------------
// zod schemas (runtime validation of items coming from outside, e.g. an API or a stored file)
// ---------------------------------------------------------------------------------------------

const FRACTION_EPSILON = 1e-6;

const textFormatSchema = z.enum(TEXT_FORMATS);
const nullableText = z.string().nullable();

const questionBaseShape = {
  title: nullableText,
  stem: z.string(),
  stem_format: textFormatSchema.optional(),
  idnumber: z.string().optional(),
  tags: z.array(z.string()).optional(),
  default_mark: z.number().nonnegative().optional(),
  line: z.int().positive().optional(),
};

const answerableShape = {
  ...questionBaseShape,
  embedded_blank: z.boolean().optional(),
  general_feedback: nullableText.optional(),
  general_feedback_format: textFormatSchema.optional(),
};

const answerOptionShape = {
  text: z.string(),
  fraction: z.number().finite(),
  feedback: nullableText,
  format: textFormatSchema.optional(),
  feedback_format: textFormatSchema.optional(),
};

const answerOptionSchema = z.strictObject(answerOptionShape);
const choiceOptionSchema = z.strictObject({ ...answerOptionShape, points: z.number().nonnegative().optional() });

const multipleChoiceSchema = z
  .strictObject({ ...answerableShape, type: z.literal('multiple_choice'), options: z.array(choiceOptionSchema) })
  .superRefine((item, ctx) => {
    const withPoints = item.options.filter((o) => o.points !== undefined);
    if (withPoints.length === 0) return;
    if (withPoints.length !== item.options.length) {
      ctx.addIssue({ code: 'custom', message: 'either every option has points or none has', path: ['options'] });
      return;
    }
    const top = Math.max(...item.options.map((o) => o.points ?? 0));
    if (top <= 0) {
      ctx.addIssue({ code: 'custom', message: 'a weighted question needs an option worth more than 0 points', path: ['options'] });
      return;
    }
    item.options.forEach((o, i) => {
      if (Math.abs(o.fraction - (o.points ?? 0) / top) > FRACTION_EPSILON) {
        ctx.addIssue({ code: 'custom', message: 'fraction must be points / highest points', path: ['options', i, 'fraction'] });
      }
    });
  });

const numericalRangeSchema = z.strictObject({
  value: z.number().finite(),
  tolerance: z.number().finite().nonnegative(),
  min: z.number().finite(),
  max: z.number().finite(),
  fraction: z.number().finite(),
  feedback: nullableText,
  feedback_format: textFormatSchema.optional(),
  syntax: z.enum(['exact', 'answer:tolerance', 'min..max']),
});

const numericalAnySchema = z.strictObject({
  any: z.literal(true),
  fraction: z.number().finite(),
  feedback: nullableText,
  feedback_format: textFormatSchema.optional(),
});

export const neutralItemSchema = z.union([
  multipleChoiceSchema,
  z.strictObject({ ...answerableShape, type: z.literal('multiple_response'), options: z.array(answerOptionSchema) }),
  z.strictObject({
    ...answerableShape,
    type: z.literal('true_false'),
    answer: z.boolean(),
    feedback_true: nullableText,
    feedback_false: nullableText,
    feedback_true_format: textFormatSchema.optional(),
    feedback_false_format: textFormatSchema.optional(),
  }),
  z.strictObject({
    ...answerableShape,
    type: z.literal('short_answer'),
    options: z.array(answerOptionSchema),
    case_sensitive: z.boolean().optional(),
  }),
  z.strictObject({
    ...answerableShape,
    type: z.literal('numerical'),
    answers: z.array(z.union([numericalRangeSchema, numericalAnySchema])),
    units: z.array(z.strictObject({ unit: z.string(), multiplier: z.number().finite() })).optional(),
  }),
  z.strictObject({
    ...answerableShape,
    type: z.literal('matching'),
    pairs: z.array(z.strictObject({ question: z.string(), answer: z.string(), question_format: textFormatSchema.optional() })),
  }),
  z.strictObject({ ...answerableShape, type: z.literal('essay') }),
  z.strictObject({ ...questionBaseShape, type: z.literal('description') }),
  z.strictObject({
    ...answerableShape,
    type: z.literal('ordering'),
    items: z.array(z.strictObject({ text: z.string(), format: textFormatSchema.optional() })),
    grading: z.enum(['all_or_nothing', 'partial']).optional(),
  }),
  z.strictObject({ type: z.literal('category'), path: z.string(), line: z.int().positive().optional() }),
]);

export const parseProblemSchema = z.strictObject({
  line: z.int().positive(),
  message: z.string(),
  i18n: z.string().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  severity: z.enum(['error', 'warning']),
  itemIndex: z.int().nonnegative().optional(),
});

// The interfaces above are the documentation; these lines make the compiler prove the schema
// describes exactly the same shape in both directions.
type SchemaItem = z.output<typeof neutralItemSchema>;
const schemaMatchesType: (i: SchemaItem) => NeutralItem = (i) => i;
const typeMatchesSchema: (i: NeutralItem) => SchemaItem = (i) => i;
void schemaMatchesType;
void typeMatchesSchema;

// ---------------------------------------------------------------------------------------------
// Helpers shared by importers and exporters
// ---------------------------------------------------------------------------------------------

/** The error of a question a reader refuses: "question not imported: <reason>" (`bank.import.notImported`). */
export function notImported(reason: LocalizableText): LocalizableText {
  return localizable(`question not imported: ${reason.message}`, 'bank.import.notImported', { reason });
}

export function isQuestion(item: NeutralItem): item is NeutralQuestion {
  return item.type !== 'category';
}

/** Number of imported questions (category markers do not count), as `question_count` does. */
export function questionCount(items: readonly NeutralItem[]): number {
  return items.reduce((n, item) => n + (isQuestion(item) ? 1 : 0), 0);
}

/**
 * Moves the decimal point of a plain decimal string by `shift` places without floating-point
 * arithmetic, so `33.33333` % becomes exactly the double nearest to 0.3333333 and back again.
 * Returns null when `s` is not a plain decimal (exponent forms are handled by the callers).
 */
function shiftDecimal(s: string, shift: number): string | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const sign = m[1] === '-' ? '-' : '';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let point = (m[2] ?? '').length + shift;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const fracPart = digits.slice(point).replace(/0+$/, '');
  const out = fracPart ? `${intPart}.${fracPart}` : intPart;
  return sign && /[1-9]/.test(out) ? sign + out : out;
}

/** `'33.33333'` (a percentage) → 0.3333333, or NaN when it is not a decimal number. */
/**
 * PHP's trim() (space, tab, LF, CR, NUL, vertical tab), as Moodle trims imported texts; by index,
 * because a trailing-whitespace RegExp can go quadratic on long blank runs.
 */
export function phpTrim(s: string): string {
  const ws = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 0 || c === 11;
  let start = 0;
  let end = s.length;
  while (start < end && ws(s.charCodeAt(start))) start++;
  while (end > start && ws(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

export function percentToFraction(percent: string): number {
  const shifted = shiftDecimal(percent, -2);
  if (shifted !== null) return Number(shifted);
  const n = Number(percent.trim());
  return percent.trim() !== '' && Number.isFinite(n) ? n / 100 : Number.NaN;
}

/** 0.3333333 → `'33.33333'`: the shortest decimal that `percentToFraction` reads back exactly. */
export function fractionToPercent(fraction: number): string {
  const plain = String(fraction);
  const shifted = /e/i.test(plain) ? null : shiftDecimal(plain, 2);
  if (shifted !== null) return shifted;
  // Exponent forms (1e-7): fixed notation with enough digits to read back the same double.
  for (let digits = 0; digits <= 20; digits++) {
    const candidate = (fraction * 100).toFixed(digits);
    if (percentToFraction(candidate) === fraction) return candidate;
  }
  return String(fraction * 100);
}

/** Points of a weighted (TKP) question → option fractions: points / highest points. */
export function fractionsFromPoints(points: readonly number[]): number[] {
  const top = Math.max(0, ...points);
  if (top <= 0) throw new RangeError('a weighted question needs an option worth more than 0 points');
  return points.map((p) => p / top);
}

/** Option fractions → points on a scale whose top is `maxPoints` (TKP: 5), rounded to 1e-6. */
export function pointsFromFractions(fractions: readonly number[], maxPoints: number): number[] {
  return fractions.map((f) => Math.round(f * maxPoints * 1e6) / 1e6);
}
