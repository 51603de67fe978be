/**
 * GIFT → neutral items, following Moodle's importer (`question/format/gift/format.php`) as the
 * conformance README describes it: blank-line separated questions, `//` comment lines with
 * `[id:…]`/`[tag:…]`, `::title::`, `[format]` markers, escapes, `$CATEGORY:`, `####` general
 * feedback, the type detection order, weights, true/false feedback order, numerical forms, matching
 * with distractors, and the "missing word" blank. Bina also reads the qtype_ordering plugin's
 * `{>N …}` block (one item per line) as an `ordering` question.
 *
 * Invariants:
 * - No question is dropped silently. Every block that holds more than comments becomes an item or
 *   an `error` problem that names its 1-based line; doubtful but importable input gives a
 *   `warning` with the item's index. Where Moodle would import garbage (two answer blocks, an
 *   empty answer), this parser refuses with an error rather than guess.
 * - Line numbers are those of the source as given: LF and CRLF both end a line (a lone CR does
 *   not), and comment lines keep their place.
 * - Linear time: each block is scanned a bounded number of times, escapes are resolved once per
 *   block, and offsets map to lines by binary search.
 *
 * How escapes stay out of the way: `\:` `\#` `\=` `\{` `\}` `\~` `\n` `\\` are replaced up front by
 * private-use "sentinel" characters (Moodle uses `&&058;`-style placeholders for the same reason),
 * so every split below only sees unescaped control characters; sentinels become the literal
 * characters again when a text is taken out. The sentinels are chosen among code points the input
 * does not use, so no input can forge one.
 */
import type {
  AnswerOption,
  ChoiceOption,
  MatchingPair,
  NeutralItem,
  NumericalAnswer,
  OrderingEntry,
  ParsedItem,
  ParseProblem,
  ParseResult,
  TextFormat,
} from '../../src/learning/interchange/neutral-question';
import { notImported, percentToFraction } from '../../src/learning/interchange/neutral-question';
import { localizable, type LocalizableText } from '../../src/views/zod-messages';

/** A problem's English text with its string in lang/{id,en}.json (`import-gift:problems.<name>`). */
const say = (message: string, name: string, args?: Record<string, unknown>): LocalizableText => localizable(message, `import-gift:problems.${name}`, args);

const KNOWN_FORMATS: ReadonlySet<string> = new Set(['moodle', 'html', 'plain', 'markdown']);
/** Characters a backslash escapes, in sentinel order; `n` stands for a newline. */
const ESCAPABLE = ':#={}~n\\';
const LITERALS = [':', '#', '=', '{', '}', '~', '\n', '\\'];
const ESCAPE_RE = /\\([:#={}~n\\])/g;
const WEIGHT_RE = /^%(-?(?:\d+\.?\d*|\.\d+))%/;
const LOOKS_LIKE_WEIGHT_RE = /^%[^%\s]{0,40}%/;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_FALSE = new Set(['T', 'TRUE', 'F', 'FALSE']);
const BLANK = '_____';
const FRACTION_EPSILON = 1e-6;
/** Bina accepts positive multiple-response fractions that round to 100 % at two decimals. */
const MULTI_TOTAL_TOLERANCE = 0.005;

const ORDERING_SELECT = new Set(['ALL', 'EXACT', 'RANDOM', 'REL', 'CONTIGUOUS', 'CONTIG']);
const ORDERING_LAYOUT = new Set(['HORIZONTAL', 'HORI', 'H', '1', 'VERTICAL', 'VERT', 'V', '0']);
const ORDERING_GRADING = new Set([
  'ALL_OR_NOTHING',
  'ABSOLUTE_POSITION',
  'ABSOLUTE',
  'ABS',
  'RELATIVE_NEXT_EXCLUDE_LAST',
  'RELATIVE_NEXT_INCLUDE_LAST',
  'RELATIVE_ONE_PREVIOUS_AND_NEXT',
  'RELATIVE_ALL_PREVIOUS_AND_NEXT',
  'RELATIVE',
  'REL',
  'LONGEST_ORDERED_SUBSET',
  'LONGEST_CONTIGUOUS_SUBSET',
]);

/** PHP's trim() set: Moodle trims with it, so a non-breaking space at an edge is content. */
function isTrimmable(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12 || code === 0;
}

function trimStartIndex(s: string, from: number, to: number): number {
  while (from < to && isTrimmable(s.charCodeAt(from))) from++;
  return from;
}

function trimEndIndex(s: string, from: number, to: number): number {
  while (to > from && isTrimmable(s.charCodeAt(to - 1))) to--;
  return to;
}

function trim(s: string): string {
  const end = trimEndIndex(s, 0, s.length);
  return s.slice(trimStartIndex(s, 0, end), end);
}

function isBlankLine(line: string): boolean {
  return trimStartIndex(line, 0, line.length) === line.length;
}

function isCommentLine(line: string): boolean {
  return line.startsWith('//', trimStartIndex(line, 0, line.length));
}

/** A half-open range [s, e) of the current block's masked text. */
interface Span {
  s: number;
  e: number;
}

class QuestionError extends Error {
  constructor(
    readonly text: LocalizableText,
    readonly offset: number,
  ) {
    super(text.message);
  }
}

/** Per-file escape handling: the sentinel code points and the two conversions. */
class Escapes {
  private readonly base: number;
  private readonly sentinelRe: RegExp;

  constructor(source: string) {
    this.base = Escapes.freeBase(source);
    const first = String.fromCharCode(this.base);
    const last = String.fromCharCode(this.base + ESCAPABLE.length - 1);
    this.sentinelRe = new RegExp(`[${first}-${last}]`, 'g');
  }

  /** First run of unused private-use code points; the common case never looks further. */
  private static freeBase(source: string): number {
    if (!/[\uE000-\uF8FF]/.test(source)) return 0xe000;
    const used = new Set<number>();
    for (const m of source.matchAll(/[\uE000-\uF8FF]/g)) used.add(m[0].charCodeAt(0));
    for (let base = 0xe000; base + ESCAPABLE.length <= 0xf900; base += ESCAPABLE.length) {
      let free = true;
      for (let k = 0; k < ESCAPABLE.length && free; k++) free = !used.has(base + k);
      if (free) return base;
    }
    // Unreachable with real text: 6,400 distinct private-use characters would have to be present.
    throw new RangeError('GIFT input uses too many private-use characters');
  }

  mask(text: string): string {
    return text.replace(ESCAPE_RE, (_m, ch: string) => String.fromCharCode(this.base + ESCAPABLE.indexOf(ch)));
  }

  unmask(text: string): string {
    return text.replace(this.sentinelRe, (c) => LITERALS[c.charCodeAt(0) - this.base] ?? c);
  }
}

interface Formatted {
  text: string;
  format: TextFormat;
}

/** Everything about the block being parsed; methods turn spans into texts and offsets into lines. */
class Block {
  readonly nl: number[] = [];

  constructor(
    readonly m: string,
    readonly firstLine: number,
    private readonly escapes: Escapes,
  ) {
    for (let i = m.indexOf('\n'); i !== -1; i = m.indexOf('\n', i + 1)) this.nl.push(i);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.nl[mid] ?? 0) < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.firstLine + lo;
  }

  trimmed(span: Span): Span {
    const e = trimEndIndex(this.m, span.s, span.e);
    return { s: trimStartIndex(this.m, span.s, e), e };
  }

  raw(span: Span): string {
    return this.m.slice(span.s, span.e);
  }

  /** Literal text of a span: escapes resolved, then trimmed (Moodle trims after unescaping). */
  text(span: Span): string {
    return trim(this.escapes.unmask(this.raw(span)));
  }

  /** A `[format]` marker at the very start (after trimming) sets the format; else `fallback`. */
  formatted(span: Span, fallback: TextFormat): Formatted {
    const t = this.trimmed(span);
    if (this.m.charCodeAt(t.s) === 0x5b /* [ */) {
      // The longest marker is `[markdown]`; looking further would only cost time.
      const close = this.indexOf(']', { s: t.s, e: Math.min(t.e, t.s + 10) });
      if (close !== -1) {
        const name = this.m.slice(t.s + 1, close);
        if (KNOWN_FORMATS.has(name)) return { text: this.text({ s: close + 1, e: t.e }), format: name as TextFormat };
      }
    }
    return { text: this.text(t), format: fallback };
  }

  /** Formats a text that Moodle builds by splicing (the stem with its blank). */
  formattedString(masked: string, fallback: TextFormat): Formatted {
    const sub = new Block(masked, this.firstLine, this.escapes);
    return sub.formatted({ s: 0, e: masked.length }, fallback);
  }

  /**
   * First occurrence inside the span only. Searching the whole block from `span.s` could rescan
   * the rest of the block for every answer; a slice is a cheap view in V8 and bounds the scan.
   */
  indexOf(needle: string, span: Span): number {
    const i = this.m.slice(span.s, span.e).indexOf(needle);
    return i === -1 ? -1 : span.s + i;
  }

  /**
   * Splits a span at marker characters. `drop` markers are removed; a `keep` marker starts its
   * segment (Moodle's trick `str_replace('=', '~=')` before `explode('~')`). The first segment is
   * whatever precedes the first marker.
   */
  split(span: Span, drop: string, keep = ''): Span[] {
    const out: Span[] = [];
    let start = span.s;
    const dropCode = drop.charCodeAt(0);
    const keepCode = keep === '' ? -1 : keep.charCodeAt(0);
    for (let i = span.s; i < span.e; i++) {
      const c = this.m.charCodeAt(i);
      if (c === dropCode) {
        out.push({ s: start, e: i });
        start = i + 1;
      } else if (c === keepCode) {
        out.push({ s: start, e: i });
        start = i;
      }
    }
    out.push({ s: start, e: span.e });
    return out;
  }
}

/** A `%n%` weight at the start of a trimmed span, if any. */
function readWeight(b: Block, span: Span, warnings: Warning[]): { fraction: number | null; rest: Span } {
  const head = b.m.slice(span.s, Math.min(span.e, span.s + 64));
  const w = WEIGHT_RE.exec(head);
  if (w) {
    const fraction = percentToFraction(w[1] ?? '');
    if (Math.abs(fraction) > 1 + FRACTION_EPSILON) {
      warnings.push({ offset: span.s, ...say(`weight ${w[0]} is outside -100 %…100 %`, 'weightOutOfRange', { weight: w[0] }) });
    }
    return { fraction, rest: { s: span.s + w[0].length, e: span.e } };
  }
  const looks = LOOKS_LIKE_WEIGHT_RE.exec(head);
  if (looks) warnings.push({ offset: span.s, ...say(`"${looks[0]}" is not a valid weight; it is read as part of the answer text`, 'notAWeight', { text: looks[0] }) });
  return { fraction: null, rest: span };
}

/** Splits `text#feedback` at the first unescaped `#` (Moodle's commentparser). */
function splitFeedback(b: Block, span: Span): { text: Span; feedback: Span | null } {
  const hash = b.indexOf('#', span);
  if (hash === -1) return { text: span, feedback: null };
  return { text: { s: span.s, e: hash }, feedback: { s: hash + 1, e: span.e } };
}

interface Warning extends LocalizableText {
  offset: number;
}

interface AnswerParts {
  text: Formatted;
  feedback: Formatted | null;
}

function answerParts(b: Block, span: Span, stemFormat: TextFormat): AnswerParts {
  const { text, feedback } = splitFeedback(b, span);
  const fb = feedback ? b.formatted(feedback, stemFormat) : null;
  return { text: b.formatted(text, stemFormat), feedback: fb && fb.text !== '' ? fb : null };
}

/** Adds `format`/`feedback_format` only where they differ from the stem, as the schema wants. */
function toOption(parts: AnswerParts, fraction: number, stemFormat: TextFormat): AnswerOption {
  const option: AnswerOption = { text: parts.text.text, fraction, feedback: parts.feedback?.text ?? null };
  if (parts.text.format !== stemFormat) option.format = parts.text.format;
  if (parts.feedback && parts.feedback.format !== stemFormat) option.feedback_format = parts.feedback.format;
  return option;
}

function parseNumber(s: string): number | null {
  const t = trim(s);
  return NUMBER_RE.test(t) ? Number(t) : null;
}

interface Context {
  b: Block;
  stemFormat: TextFormat;
  warnings: Warning[];
}

function parseChoice(ctx: Context, ans: Span): { single: boolean; options: ChoiceOption[] } {
  const { b, stemFormat, warnings } = ctx;
  const single = b.indexOf('=', ans) !== -1;
  const segments = b.split(ans, '~', '=');
  const options: ChoiceOption[] = [];
  segments.forEach((seg, index) => {
    let span = b.trimmed(seg);
    if (index === 0) {
      if (span.s === span.e) return;
      warnings.push({ offset: span.s, ...say("text before the first '~' or '=' is read as an answer worth 0 % (as Moodle does)", 'textBeforeFirstAnswer') });
    }
    let fraction = 0;
    if (b.m[span.s] === '=') {
      fraction = 1;
      span = b.trimmed({ s: span.s + 1, e: span.e });
    }
    // Bina reads a weight after '=' too (`=%50%…`), as gift-pegjs does; Moodle would keep it as text.
    const weight = readWeight(b, span, warnings);
    if (weight.fraction !== null) fraction = weight.fraction;
    const parts = answerParts(b, weight.rest, stemFormat);
    if (parts.text.text === '') throw new QuestionError(say('an answer in this choice block is empty (two markers in a row, or a marker with only feedback)', 'emptyChoice'), seg.s);
    options.push(toOption(parts, fraction, stemFormat));
  });
  if (options.length < 2) throw new QuestionError(say('a choice question needs at least two answers', 'tooFewChoices'), ans.s);
  if (single && !options.some((o) => o.fraction >= 1 - FRACTION_EPSILON)) {
    warnings.push({ offset: ans.s, ...say('no answer is worth 100 %, so nobody can get full marks', 'noFullMarks') });
  }
  if (!single) {
    const positive = options.reduce((sum, o) => sum + Math.max(0, o.fraction), 0);
    if (Math.abs(positive - 1) > MULTI_TOTAL_TOLERANCE) {
      const total = Math.round(positive * 10000) / 100;
      warnings.push({ offset: ans.s, ...say(`the positive weights add up to ${total} %, not 100 % (a block without '=' is multiple response)`, 'positiveTotal', { total }) });
    }
  }
  return { single, options };
}

function parseShortAnswer(ctx: Context, ans: Span): AnswerOption[] {
  const { b, stemFormat, warnings } = ctx;
  const options: AnswerOption[] = [];
  b.split(ans, '=').forEach((seg, index) => {
    const span = b.trimmed(seg);
    if (index === 0 && span.s === span.e) return;
    const weight = readWeight(b, span, warnings);
    const parts = answerParts(b, weight.rest, stemFormat);
    if (parts.text.text === '') throw new QuestionError(say("a short answer after '=' is empty", 'emptyShortAnswer'), seg.s);
    options.push(toOption(parts, weight.fraction ?? 1, stemFormat));
  });
  if (options.length === 0) throw new QuestionError(say('the short answer block has no answer', 'noShortAnswer'), ans.s);
  if (!options.some((o) => o.fraction >= 1 - FRACTION_EPSILON)) {
    warnings.push({ offset: ans.s, ...say('no accepted answer is worth 100 %', 'noFullShortAnswer') });
  }
  return options;
}

function parseNumerical(ctx: Context, ans: Span): NumericalAnswer[] {
  const { b, stemFormat, warnings } = ctx;
  const body: Span = { s: ans.s + 1, e: ans.e };
  const tilde = b.indexOf('~', body);
  const main: Span = tilde === -1 ? body : { s: body.s, e: tilde };
  const answers: NumericalAnswer[] = [];
  b.split(main, '=').forEach((seg, index) => {
    const span = b.trimmed(seg);
    if (index === 0 && span.s === span.e) return;
    const weight = readWeight(b, span, warnings);
    const fraction = weight.fraction ?? 1;
    const { text, feedback } = splitFeedback(b, weight.rest);
    const fb = feedback ? b.formatted(feedback, stemFormat) : null;
    const fbText = fb && fb.text !== '' ? fb : null;
    const withFeedback = <T extends NumericalAnswer>(a: T): T => {
      if (fbText && fbText.format !== stemFormat) a.feedback_format = fbText.format;
      return a;
    };
    const value = b.text(text);
    if (value === '*') {
      answers.push(withFeedback({ any: true, fraction, feedback: fbText?.text ?? null }));
      return;
    }
    const range = value.indexOf('..');
    const colon = value.indexOf(':');
    const where = text.s;
    if (range > 0) {
      const lo = parseNumber(value.slice(0, range));
      const hi = parseNumber(value.slice(range + 2));
      if (lo === null || hi === null) throw new QuestionError(say(`"${value}" is not a numeric range min..max`, 'notARange', { value }), where);
      if (lo > hi) throw new QuestionError(say(`in "${value}" the lower bound is above the upper bound`, 'rangeReversed', { value }), where);
      const mid = (lo + hi) / 2;
      answers.push(withFeedback({ value: mid, tolerance: hi - mid, min: lo, max: hi, fraction, feedback: fbText?.text ?? null, syntax: 'min..max' }));
    } else if (colon > 0) {
      const a = parseNumber(value.slice(0, colon));
      const t = parseNumber(value.slice(colon + 1));
      if (a === null || t === null) throw new QuestionError(say(`"${value}" is not a numeric answer:tolerance`, 'notATolerance', { value }), where);
      if (t < 0) throw new QuestionError(say(`the tolerance in "${value}" is negative`, 'negativeTolerance', { value }), where);
      answers.push(withFeedback({ value: a, tolerance: t, min: a - t, max: a + t, fraction, feedback: fbText?.text ?? null, syntax: 'answer:tolerance' }));
    } else {
      const a = parseNumber(value);
      if (a === null) throw new QuestionError(value === '' ? say('a numerical answer is empty', 'emptyNumber') : say(`"${value}" is not a number`, 'notANumber', { value }), where);
      answers.push(withFeedback({ value: a, tolerance: 0, min: a, max: a, fraction, feedback: fbText?.text ?? null, syntax: 'exact' }));
    }
  });
  if (answers.length === 0) throw new QuestionError(say('the numerical block has no answer', 'noNumericalAnswer'), ans.s);
  if (tilde !== -1) {
    // Moodle: everything from '~' on is one catch-all wrong answer whose feedback follows '#'.
    const tail: Span = { s: tilde + 1, e: ans.e };
    const { text, feedback } = splitFeedback(b, tail);
    if (b.text(text) !== '') warnings.push({ offset: tilde, ...say("text between '~' and '#' in a numerical block is ignored", 'numericalTildeText') });
    const fb = feedback ? b.formatted(feedback, stemFormat) : null;
    const any: NumericalAnswer = { any: true, fraction: 0, feedback: fb && fb.text !== '' ? fb.text : null };
    if (fb && fb.text !== '' && fb.format !== stemFormat) any.feedback_format = fb.format;
    answers.push(any);
  }
  return answers;
}

function parseMatching(ctx: Context, ans: Span): MatchingPair[] {
  const { b, stemFormat } = ctx;
  const pairs: MatchingPair[] = [];
  b.split(ans, '=').forEach((seg, index) => {
    const span = b.trimmed(seg);
    if (index === 0 && span.s === span.e) return;
    const arrow = b.indexOf('->', span);
    if (arrow === -1) throw new QuestionError(say("a matching pair needs '->' between the question and its answer", 'pairWithoutArrow'), span.s);
    const question = b.formatted({ s: span.s, e: arrow }, stemFormat);
    const answer = b.text({ s: arrow + 2, e: span.e });
    if (answer === '') throw new QuestionError(say("the answer after '->' is empty", 'pairWithoutAnswer'), arrow);
    const pair: MatchingPair = { question: question.text, answer };
    if (question.text !== '' && question.format !== stemFormat) pair.question_format = question.format;
    pairs.push(pair);
  });
  if (pairs.filter((p) => p.question !== '').length < 2) {
    throw new QuestionError(say("a matching question needs at least two pairs with a question ('= -> x' is a distractor)", 'tooFewPairs'), ans.s);
  }
  return pairs;
}

type TrueFalseFields = Pick<
  Extract<NeutralItem, { type: 'true_false' }>,
  'answer' | 'feedback_true' | 'feedback_false' | 'feedback_true_format' | 'feedback_false_format'
>;

function parseTrueFalse(ctx: Context, ans: Span): TrueFalseFields {
  const { b, stemFormat } = ctx;
  // Moodle: explode('#', $answer, 3) → value, feedback for a wrong answer, feedback for a right one.
  const first = b.indexOf('#', ans);
  const second = first === -1 ? -1 : b.indexOf('#', { s: first + 1, e: ans.e });
  const valueEnd = first === -1 ? ans.e : first;
  const answer = b.text({ s: ans.s, e: valueEnd }).startsWith('T');
  const piece = (s: number, e: number): Formatted | null => {
    if (s < 0) return null;
    const f = b.formatted({ s, e }, stemFormat);
    return f.text === '' ? null : f;
  };
  const wrong = first === -1 ? null : piece(first + 1, second === -1 ? ans.e : second);
  const right = second === -1 ? null : piece(second + 1, ans.e);
  const onTrue = answer ? right : wrong;
  const onFalse = answer ? wrong : right;
  const out: TrueFalseFields = { answer, feedback_true: onTrue?.text ?? null, feedback_false: onFalse?.text ?? null };
  if (onTrue && onTrue.format !== stemFormat) out.feedback_true_format = onTrue.format;
  if (onFalse && onFalse.format !== stemFormat) out.feedback_false_format = onFalse.format;
  return out;
}

/** The qtype_ordering plugin's block: `{>count SELECT LAYOUT GRADING` then one item per line. */
function parseOrdering(ctx: Context, ans: Span): { items: OrderingEntry[]; grading?: 'all_or_nothing' | 'partial' } {
  const { b, stemFormat, warnings } = ctx;
  const body: Span = { s: ans.s + 1, e: ans.e };
  const newline = b.indexOf('\n', body);
  const headerEnd = newline === -1 ? body.e : newline;
  const tokens = trim(b.raw({ s: body.s, e: headerEnd })).split(/[ \t]+/).filter((t) => t !== '');
  let k = 0;
  let count: number | null = null;
  let gradingToken: string | null = null;
  if (/^\d+$/.test(tokens[k] ?? '')) count = Number(tokens[k++]);
  if (ORDERING_SELECT.has((tokens[k] ?? '').toUpperCase())) k++;
  if (ORDERING_LAYOUT.has((tokens[k] ?? '').toUpperCase())) k++;
  if (ORDERING_GRADING.has((tokens[k] ?? '').toUpperCase())) gradingToken = (tokens[k++] ?? '').toUpperCase();
  const spans: Span[] = [];
  if (k < tokens.length) {
    // As in the plugin, what follows the header on its line is the first item.
    const afterHeader = b.raw({ s: body.s, e: headerEnd }).indexOf(tokens[k] ?? '');
    spans.push({ s: body.s + afterHeader, e: headerEnd });
  }
  if (newline !== -1) spans.push(...b.split({ s: newline + 1, e: body.e }, '\n'));
  const items: OrderingEntry[] = [];
  for (const span of spans) {
    const f = b.formatted(span, stemFormat);
    if (f.text === '') continue;
    const entry: OrderingEntry = { text: f.text };
    if (f.format !== stemFormat) entry.format = f.format;
    items.push(entry);
  }
  if (items.length < 2) throw new QuestionError(say('an ordering block needs at least two items, one per line', 'tooFewItems'), ans.s);
  if (count !== null && count < items.length) {
    warnings.push({ offset: ans.s, ...say(`the block asks to show ${count} of ${items.length} items; Bina always shows them all`, 'orderingSubset', { shown: count, total: items.length }) });
  }
  const out: { items: OrderingEntry[]; grading?: 'all_or_nothing' | 'partial' } = { items };
  if (gradingToken === 'ALL_OR_NOTHING') out.grading = 'all_or_nothing';
  else if (gradingToken === 'RELATIVE_NEXT_EXCLUDE_LAST' || gradingToken === 'RELATIVE' || gradingToken === 'REL') out.grading = 'partial';
  else if (gradingToken !== null) warnings.push({ offset: ans.s, ...say(`grading ${gradingToken} has no Bina equivalent; no grading is set`, 'unknownGrading', { grading: gradingToken }) });
  return out;
}

/** `[id:…]` and `[tag:…]` from a block's comment lines (Moodle's extract_idnumber_and_tags_from_comment). */
function idAndTags(comments: readonly string[]): { idnumber?: string; tags?: string[] } {
  const all = comments.join('\n');
  const out: { idnumber?: string; tags?: string[] } = {};
  const id = /\[id:((?:\\.|[^\]\\])+)\]/.exec(all);
  if (id) {
    const value = trim((id[1] ?? '').replace(/\\\]/g, ']'));
    if (value !== '') out.idnumber = value;
  }
  const tags = [...all.matchAll(/\[tag:([^\]]+)\]/g)].map((m) => trim(m[1] ?? '')).filter((t) => t !== '');
  if (tags.length > 0) out.tags = tags;
  return out;
}

class GiftParser {
  private readonly lines: string[];
  private readonly escapes: Escapes;
  readonly result: ParseResult = { items: [], problems: [] };

  constructor(source: string) {
    const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
    this.lines = text.split(/\r?\n/);
    this.escapes = new Escapes(text);
  }

  run(): ParseResult {
    const { lines } = this;
    let i = 0;
    while (i < lines.length) {
      if (isBlankLine(lines[i] ?? '')) {
        i++;
        continue;
      }
      let j = i;
      while (j < lines.length && !isBlankLine(lines[j] ?? '')) j++;
      this.block(i, j);
      i = j;
    }
    return this.result;
  }

  private error(line: number, text: LocalizableText): void {
    this.result.problems.push({ line, ...text, severity: 'error' });
  }

  /** Lines [from, to) with no blank line among them. */
  private block(from: number, to: number): void {
    const comments: string[] = [];
    let first = -1;
    const parts: string[] = [];
    for (let k = from; k < to; k++) {
      const line = this.lines[k] ?? '';
      if (isCommentLine(line)) {
        comments.push(line);
        // An empty line keeps the offsets of later lines where they were.
        if (first !== -1) parts.push('');
      } else {
        if (first === -1) first = k;
        parts.push(line);
      }
    }
    if (first === -1) return; // only comments: no question, as in Moodle
    const b = new Block(this.escapes.mask(parts.join('\n')), first + 1, this.escapes);
    const whole = b.trimmed({ s: 0, e: b.m.length });

    if (b.m.startsWith('$CATEGORY:', whole.s)) {
      const eol = b.indexOf('\n', whole);
      const path = b.text({ s: whole.s + '$CATEGORY:'.length, e: eol === -1 ? whole.e : eol });
      if (path === '') this.error(first + 1, say('$CATEGORY: needs a category path', 'categoryWithoutPath'));
      else this.result.items.push({ type: 'category', path, line: first + 1 });
      if (eol !== -1) {
        const nextLine = first + 1; // index of the line after $CATEGORY
        const rest = b.trimmed({ s: eol, e: whole.e });
        if (rest.s < rest.e) {
          this.result.problems.push({
            line: b.lineOf(rest.s),
            ...say('no blank line after $CATEGORY; the following lines are read as a separate question', 'categoryWithoutBlankLine'),
            severity: 'warning',
          });
          this.block(nextLine, to);
        }
      }
      return;
    }

    const warnings: Warning[] = [];
    try {
      const item = this.question(b, whole, warnings);
      Object.assign(item, idAndTags(comments));
      item.line = first + 1;
      const itemIndex = this.result.items.length;
      this.result.items.push(item as ParsedItem);
      for (const { offset, ...text } of warnings) {
        this.result.problems.push({ line: b.lineOf(offset), ...text, severity: 'warning', itemIndex });
      }
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      const problem: ParseProblem = { line: b.lineOf(err.offset), ...notImported(err.text), severity: 'error' };
      this.result.problems.push(problem);
    }
  }

  private question(b: Block, whole: Span, warnings: Warning[]): NeutralItem {
    let title: string | null = null;
    let pos = whole.s;
    if (b.m.startsWith('::', pos)) {
      const close = b.indexOf('::', { s: pos + 2, e: whole.e });
      if (close === -1) {
        warnings.push({ offset: pos, ...say("the title has no closing '::'; the '::' is ignored and the rest is question text", 'unclosedTitle') });
        pos += 2;
      } else {
        const t = b.text({ s: pos + 2, e: close });
        title = t === '' ? null : t;
        pos = close + 2;
      }
    }
    const body = b.trimmed({ s: pos, e: whole.e });
    const open = b.indexOf('{', body);
    const close = b.indexOf('}', body);

    if (open === -1 && close === -1) {
      const stem = b.formatted(body, 'moodle');
      if (stem.text === '') throw new QuestionError(say('the question has no text', 'noText'), body.s);
      return { type: 'description', title, stem: stem.text, stem_format: stem.format };
    }
    if (open === -1) throw new QuestionError(say("'}' without '{' (write a literal brace as \\})", 'closeWithoutOpen'), close);
    if (close === -1) throw new QuestionError(say("'{' is not closed before the next blank line (write a literal brace as \\{)", 'unclosedBrace'), open);
    if (close < open) throw new QuestionError(say("'}' comes before '{' (write a literal brace as \\})", 'closeBeforeOpen'), close);
    const nestedOpen = b.indexOf('{', { s: open + 1, e: close });
    if (nestedOpen !== -1) throw new QuestionError(say("a second '{' inside the answer block (write a literal brace as \\{)", 'nestedBrace'), nestedOpen);
    const after: Span = { s: close + 1, e: body.e };
    const extraOpen = b.indexOf('{', after);
    const extraClose = b.indexOf('}', after);
    if (extraOpen !== -1 || extraClose !== -1) {
      throw new QuestionError(say('a question has one answer block; another brace follows it (escape literal braces)', 'secondBlock'), extraOpen !== -1 ? extraOpen : extraClose);
    }

    // Moodle: text after the closing brace makes it a "missing word" question with a blank.
    const embedded = trimStartIndex(b.m, after.s, after.e) < after.e;
    const stemMasked = b.raw({ s: body.s, e: open }) + (embedded ? BLANK + b.raw(after) : '');
    const stem = b.formattedString(stemMasked, 'moodle');
    if (stem.text === '') warnings.push({ offset: body.s, ...say('the question text is empty', 'emptyStem') });
    const stemFormat = stem.format;

    let ans = b.trimmed({ s: open + 1, e: close });
    let generalFeedback: Formatted | null = null;
    const gf = ans.e - ans.s >= 4 ? b.m.lastIndexOf('####', ans.e - 4) : -1;
    if (gf !== -1 && gf >= ans.s) {
      const f = b.formatted({ s: gf + 4, e: ans.e }, stemFormat);
      generalFeedback = f.text === '' ? null : f;
      ans = b.trimmed({ s: ans.s, e: gf });
    }

    const base = {
      title,
      stem: stem.text,
      stem_format: stemFormat,
      embedded_blank: embedded,
      general_feedback: generalFeedback?.text ?? null,
      ...(generalFeedback && generalFeedback.format !== stemFormat ? { general_feedback_format: generalFeedback.format } : {}),
    };
    const ctx: Context = { b, stemFormat, warnings };
    const a = b.raw(ans);

    if (a === '') return { type: 'essay', ...base };
    if (a[0] === '>') return { type: 'ordering', ...base, ...parseOrdering(ctx, ans) };
    if (a[0] === '#') return { type: 'numerical', ...base, answers: parseNumerical(ctx, ans) };
    if (a.includes('~')) {
      const { single, options } = parseChoice(ctx, ans);
      return single ? { type: 'multiple_choice', ...base, options } : { type: 'multiple_response', ...base, options };
    }
    if (a.includes('=') && a.includes('->')) return { type: 'matching', ...base, pairs: parseMatching(ctx, ans) };
    const hash = a.indexOf('#');
    const tfCheck = hash > 0 ? trim(a.slice(0, hash)) : a;
    if (TRUE_FALSE.has(tfCheck)) return { type: 'true_false', ...base, ...parseTrueFalse(ctx, ans) };
    return { type: 'short_answer', ...base, options: parseShortAnswer(ctx, ans) };
  }
}

/**
 * Parses a GIFT file (the whole file as a string, any of LF/CRLF line ends, an optional BOM).
 * Items come in file order, category markers where they occur, each with its start line.
 */
export function parseGift(text: string): ParseResult {
  return new GiftParser(text).run();
}
