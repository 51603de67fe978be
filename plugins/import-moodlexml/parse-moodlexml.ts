/**
 * Moodle XML → neutral items: categories, multichoice (single and multiple), truefalse,
 * shortanswer, numerical (units kept, not graded here), matching, essay, description, and the
 * qtype_ordering plugin's ordering.
 *
 * Invariants:
 * - Texts are kept exactly: no trimming inside, no HTML decoding. Only what XML itself defines is
 *   resolved (`&lt;` `&amp;` … and numeric references outside CDATA); CDATA stays verbatim, so an
 *   `&nbsp;` in HTML is still `&nbsp;`. Texts are trimmed at the ends, as Moodle's importer does.
 * - No question is dropped silently: a malformed file gives one `error` with the XML line and
 *   column; a question of an unsupported type or with unusable data gives an `error` at its line;
 *   doubtful data gives a `warning`. Question lines are those of the `<question` start tags, found
 *   by a scan that skips comments, CDATA and processing instructions, so a `<question` written
 *   inside a comment or a text never shifts them.
 * - Defaults follow Moodle's importer: a question text without `format` is HTML; answers,
 *   feedback and sub-questions without one take the question text's format; `<single>` missing
 *   means single answer.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type {
  AnswerOption,
  MatchingPair,
  NeutralItem,
  NeutralQuestion,
  NumericalAnswer,
  NumericalUnit,
  OrderingEntry,
  ParsedItem,
  ParseProblem,
  ParseResult,
  TextFormat,
} from '../../src/learning/interchange/neutral-question';
import { notImported, percentToFraction, phpTrim } from '../../src/learning/interchange/neutral-question';
import { localizable, type LocalizableText } from '../../src/views/zod-messages';

/** A problem's English text with its string in lang/{id,en}.json (`import-moodlexml:problems.<name>`). */
const say = (message: string, name: string, args?: Record<string, unknown>): LocalizableText => localizable(message, `import-moodlexml:problems.${name}`, args);

type Node = Record<string, unknown>;

const ARRAY_ELEMENTS: ReadonlySet<string> = new Set(['question', 'answer', 'tag', 'subquestion', 'unit']);
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FRACTION_EPSILON = 1e-6;

const FORMAT_NAMES: Readonly<Record<string, TextFormat>> = {
  html: 'html',
  moodle_auto_format: 'moodle',
  plain_text: 'plain',
  markdown: 'markdown',
};

const ORDERING_GRADING: Readonly<Record<string, 'all_or_nothing' | 'partial'>> = {
  ALL_OR_NOTHING: 'all_or_nothing',
  RELATIVE_NEXT_EXCLUDE_LAST: 'partial',
  RELATIVE: 'partial',
  REL: 'partial',
};

const UNSUPPORTED_HINTS: Readonly<Record<string, string>> = {
  multianswer: 'embedded answers (Cloze)',
  calculated: 'calculated',
  calculatedsimple: 'simple calculated',
  calculatedmulti: 'calculated multichoice',
  randomsamatch: 'random short-answer matching',
  random: 'a random-question slot',
  ddwtos: 'drag and drop into text',
  gapselect: 'select missing words',
  ddmarker: 'drag and drop markers',
  ddimageortext: 'drag and drop onto image',
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  // An (empty) object enables numeric references such as &#233; without decoding HTML names.
  // Cast kept: fast-xml-parser takes an object here, but its declarations type the option boolean.
  htmlEntities: {} as unknown as boolean,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

class QuestionError extends Error {
  constructor(readonly text: LocalizableText) {
    super(text.message);
  }
}

/** Start lines of `<question` tags, in document order, skipping comments, CDATA, PIs and DOCTYPE. */
export function questionStartLines(source: string): number[] {
  const out: number[] = [];
  let line = 1;
  let pos = 0;
  const advance = (to: number): void => {
    for (let i = source.indexOf('\n', pos); i !== -1 && i < to; i = source.indexOf('\n', i + 1)) line++;
    pos = to;
  };
  const skipTo = (from: number, terminator: string): void => {
    const end = source.indexOf(terminator, from);
    advance(end === -1 ? source.length : end + terminator.length);
  };
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    if (lt === -1) break;
    advance(lt);
    if (source.startsWith('<!--', lt)) skipTo(lt + 4, '-->');
    else if (source.startsWith('<![CDATA[', lt)) skipTo(lt + 9, ']]>');
    else if (source.startsWith('<?', lt)) skipTo(lt + 2, '?>');
    else if (source.startsWith('<!', lt)) skipTo(lt + 2, '>');
    else {
      if (/^<question[\s>/]/.test(source.slice(lt, lt + 10))) out.push(line);
      advance(lt + 1);
    }
  }
  return out;
}

function asNode(value: unknown): Node | undefined {
  if (Array.isArray(value)) return asNode(value[0]);
  return value !== null && typeof value === 'object' ? (value as Node) : undefined;
}

function asArray(value: unknown): Node[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'object' && v !== null ? (v as Node) : { '#text': String(v) }));
}

/** Text content of an element (string, `{#text}` or an array of either), untrimmed. */
function rawText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return rawText(value[0]);
  if (typeof value === 'object') return rawText((value as Node)['#text']);
  return String(value);
}

/** `<x><text>…</text></x>` → trimmed text. */
function childText(node: Node | undefined, child: string): string {
  return phpTrim(rawText(asNode(node?.[child])?.text));
}

/** `<x><text>…</text>…</x>` given the `x` node → trimmed text (a bare `<x>…</x>` too). */
function ownText(node: Node): string {
  return phpTrim(rawText(node.text ?? node['#text']));
}

function elementText(node: Node | undefined, child: string): string | undefined {
  if (!node || !(child in node)) return undefined;
  return phpTrim(rawText(node[child]));
}

interface Ctx {
  warnings: LocalizableText[];
  stemFormat: TextFormat;
}

function formatOf(node: Node | undefined, fallback: TextFormat, ctx: Ctx): TextFormat {
  const name = node?.['@_format'];
  if (typeof name !== 'string') return fallback;
  const format = FORMAT_NAMES[name];
  if (format) return format;
  ctx.warnings.push(say(`unknown text format "${name}"; ${fallback} is used`, 'unknownFormat', { name, fallback }));
  return fallback;
}

function fractionOf(answer: Node, fallback: number): number {
  const raw = answer['@_fraction'];
  if (typeof raw !== 'string') return fallback;
  const f = percentToFraction(raw);
  if (Number.isNaN(f)) throw new QuestionError(say(`fraction "${raw}" is not a number`, 'badFraction', { value: raw }));
  return f;
}

function feedbackOf(answer: Node, ctx: Ctx): { text: string | null; format?: TextFormat } {
  const node = asNode(answer.feedback);
  const text = childText(answer, 'feedback');
  if (text === '') return { text: null };
  const format = formatOf(node, ctx.stemFormat, ctx);
  return format === ctx.stemFormat ? { text } : { text, format };
}

function answerOptions(q: Node, ctx: Ctx): AnswerOption[] {
  const options: AnswerOption[] = [];
  asArray(q.answer).forEach((answer, i) => {
    const text = ownText(answer);
    if (text === '') {
      ctx.warnings.push(say(`answer ${i + 1} is empty and is left out`, 'emptyAnswer', { n: i + 1 }));
      return;
    }
    const option: AnswerOption = { text, fraction: fractionOf(answer, 0), feedback: null };
    const format = formatOf(answer, ctx.stemFormat, ctx);
    if (format !== ctx.stemFormat) option.format = format;
    const fb = feedbackOf(answer, ctx);
    option.feedback = fb.text;
    if (fb.format) option.feedback_format = fb.format;
    options.push(option);
  });
  return options;
}

function parseBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return value === 'true' || value === '1';
}

function choice(q: Node, ctx: Ctx): Pick<Extract<NeutralItem, { type: 'multiple_choice' | 'multiple_response' }>, 'type' | 'options'> {
  const options = answerOptions(q, ctx);
  if (options.length < 2) throw new QuestionError(say('a multiple choice question needs at least two answers', 'tooFewChoices'));
  const single = parseBoolean(elementText(q, 'single'), true);
  if (single && !options.some((o) => o.fraction >= 1 - FRACTION_EPSILON)) ctx.warnings.push(say('no answer is worth 100 %', 'noFullMarks'));
  return { type: single ? 'multiple_choice' : 'multiple_response', options };
}

function trueFalse(q: Node, ctx: Ctx): Pick<Extract<NeutralItem, { type: 'true_false' }>, 'answer' | 'feedback_true' | 'feedback_false' | 'feedback_true_format' | 'feedback_false_format'> {
  const answers = asArray(q.answer);
  if (answers.length !== 2) throw new QuestionError(say(`a true/false question needs exactly two answers, found ${answers.length}`, 'trueFalseAnswers', { found: answers.length }));
  let answer = true;
  const out: ReturnType<typeof trueFalse> = { answer, feedback_true: null, feedback_false: null };
  answers.forEach((a, i) => {
    let which = ownText(a).toLowerCase();
    if (which !== 'true' && which !== 'false') {
      // Moodle reads old files by position: the first answer is "true".
      ctx.warnings.push(say(`answer "${which}" is neither "true" nor "false"; read by position`, 'trueFalseByPosition', { answer: which }));
      which = i === 0 ? 'true' : 'false';
    }
    const full = fractionOf(a, 0) >= 1 - FRACTION_EPSILON;
    const fb = feedbackOf(a, ctx);
    if (which === 'true') {
      answer = full;
      out.feedback_true = fb.text;
      if (fb.format) out.feedback_true_format = fb.format;
    } else {
      answer = !full;
      out.feedback_false = fb.text;
      if (fb.format) out.feedback_false_format = fb.format;
    }
  });
  out.answer = answer;
  return out;
}

function numerical(q: Node, ctx: Ctx): { answers: NumericalAnswer[]; units?: NumericalUnit[] } {
  const answers: NumericalAnswer[] = [];
  for (const a of asArray(q.answer)) {
    const value = ownText(a);
    const fraction = fractionOf(a, 0);
    const fb = feedbackOf(a, ctx);
    const withFeedback = <T extends NumericalAnswer>(x: T): T => {
      if (fb.format) x.feedback_format = fb.format;
      return x;
    };
    if (value === '*') {
      answers.push(withFeedback({ any: true, fraction, feedback: fb.text }));
      continue;
    }
    if (!NUMBER_RE.test(value)) throw new QuestionError(say(`numerical answer "${value}" is not a number`, 'notANumber', { value }));
    const tolText = elementText(a, 'tolerance') ?? '0';
    if (!NUMBER_RE.test(tolText || '0')) throw new QuestionError(say(`tolerance "${tolText}" is not a number`, 'badTolerance', { value: tolText }));
    const v = Number(value);
    const t = Number(tolText || '0');
    if (t < 0) throw new QuestionError(say(`tolerance "${tolText}" is negative`, 'negativeTolerance', { value: tolText }));
    answers.push(
      withFeedback({ value: v, tolerance: t, min: v - t, max: v + t, fraction, feedback: fb.text, syntax: t === 0 ? 'exact' : 'answer:tolerance' }),
    );
  }
  if (answers.length === 0) throw new QuestionError(say('a numerical question needs an answer', 'noNumericalAnswer'));
  const out: { answers: NumericalAnswer[]; units?: NumericalUnit[] } = { answers };
  const units = asArray(asNode(q.units)?.unit).map((u) => ({ unit: elementText(u, 'unit_name') ?? '', multiplier: Number(elementText(u, 'multiplier') ?? '1') }));
  if (units.some((u) => u.unit === '' || !Number.isFinite(u.multiplier) || u.multiplier <= 0)) {
    throw new QuestionError(say('a unit needs a name and a positive multiplier', 'badUnit'));
  }
  if (units.length > 0) out.units = units;
  const unitGrading = elementText(q, 'unitgradingtype');
  if (unitGrading !== undefined && unitGrading !== '' && unitGrading !== '0') {
    ctx.warnings.push(say('Moodle penalises wrong units in this question; the units are kept but not that penalty', 'unitPenalty'));
  }
  return out;
}

function matching(q: Node, ctx: Ctx): MatchingPair[] {
  const pairs: MatchingPair[] = [];
  for (const sq of asArray(q.subquestion)) {
    const question = ownText(sq);
    const answer = childText(sq, 'answer');
    if (question === '' && answer === '') continue; // Moodle's empty form slots
    if (answer === '') throw new QuestionError(say(`sub-question "${question}" has no answer`, 'subquestionWithoutAnswer', { question }));
    const pair: MatchingPair = { question, answer };
    const format = formatOf(sq, ctx.stemFormat, ctx);
    if (question !== '' && format !== ctx.stemFormat) pair.question_format = format;
    pairs.push(pair);
  }
  if (pairs.filter((p) => p.question !== '').length < 2) throw new QuestionError(say('a matching question needs at least two sub-questions', 'tooFewPairs'));
  return pairs;
}

function ordering(q: Node, ctx: Ctx): { items: OrderingEntry[]; grading?: 'all_or_nothing' | 'partial' } {
  // The plugin stores the position in `fraction`, but its importer (like this one) uses document order.
  const items: OrderingEntry[] = [];
  for (const a of asArray(q.answer)) {
    const text = ownText(a);
    if (text === '') continue;
    const entry: OrderingEntry = { text };
    const format = formatOf(a, ctx.stemFormat, ctx);
    if (format !== ctx.stemFormat) entry.format = format;
    items.push(entry);
  }
  if (items.length < 2) throw new QuestionError(say('an ordering question needs at least two items', 'tooFewItems'));
  const out: { items: OrderingEntry[]; grading?: 'all_or_nothing' | 'partial' } = { items };
  const grading = (elementText(q, 'gradingtype') ?? '').toUpperCase();
  if (ORDERING_GRADING[grading]) out.grading = ORDERING_GRADING[grading];
  else if (grading !== '') ctx.warnings.push(say(`grading ${grading} has no Bina equivalent; no grading is set`, 'unknownGrading', { grading }));
  const count = Number(elementText(q, 'selectcount') ?? '0');
  const select = (elementText(q, 'selecttype') ?? '').toUpperCase();
  if (select !== '' && select !== 'ALL' && select !== 'EXACT' && count > 0 && count < items.length) {
    ctx.warnings.push(say(`Moodle shows ${count} of ${items.length} items; Bina always shows them all`, 'orderingSubset', { shown: count, total: items.length }));
  }
  return out;
}

function question(q: Node, ctx: Ctx): NeutralItem {
  const type = q['@_type'];
  if (typeof type !== 'string' || type === '') throw new QuestionError(say('<question> has no type attribute', 'noType'));
  if (type === 'category') {
    const path = childText(asNode(q), 'category');
    if (path === '') throw new QuestionError(say('the category has no path', 'categoryWithoutPath'));
    return { type: 'category', path };
  }
  const questiontext = asNode(q.questiontext);
  ctx.stemFormat = formatOf(questiontext, 'html', ctx);
  const titleText = childText(q, 'name');
  const base = {
    title: titleText === '' ? null : titleText,
    stem: childText(q, 'questiontext'),
    stem_format: ctx.stemFormat,
  };
  const gfText = childText(q, 'generalfeedback');
  const gfFormat = formatOf(asNode(q.generalfeedback), ctx.stemFormat, ctx);
  const answerable = {
    ...base,
    general_feedback: gfText === '' ? null : gfText,
    ...(gfText !== '' && gfFormat !== ctx.stemFormat ? { general_feedback_format: gfFormat } : {}),
  };
  if (base.stem.includes('@@PLUGINFILE@@') || gfText.includes('@@PLUGINFILE@@')) {
    ctx.warnings.push(say('the text refers to embedded files (@@PLUGINFILE@@), which are not imported', 'embeddedFiles'));
  }

  let item: NeutralQuestion;
  switch (type) {
    case 'multichoice':
      item = { ...answerable, ...choice(q, ctx) } as NeutralQuestion;
      break;
    case 'truefalse':
      item = { type: 'true_false', ...answerable, ...trueFalse(q, ctx) };
      break;
    case 'shortanswer': {
      const options = answerOptions(q, ctx);
      if (options.length === 0) throw new QuestionError(say('a short answer question needs an accepted answer', 'noShortAnswer'));
      item = { type: 'short_answer', ...answerable, options };
      const usecase = elementText(q, 'usecase');
      if (usecase !== undefined && usecase !== '') item.case_sensitive = parseBoolean(usecase, false);
      break;
    }
    case 'numerical':
      item = { type: 'numerical', ...answerable, ...numerical(q, ctx) };
      break;
    case 'matching':
      item = { type: 'matching', ...answerable, pairs: matching(q, ctx) };
      break;
    case 'essay':
      item = { type: 'essay', ...answerable };
      break;
    case 'description':
      if (gfText !== '') ctx.warnings.push(say('a description has no general feedback; it is not kept', 'descriptionFeedback'));
      item = { type: 'description', ...base };
      break;
    case 'ordering':
      item = { type: 'ordering', ...answerable, ...ordering(q, ctx) };
      break;
    default: {
      const hint = Object.hasOwn(UNSUPPORTED_HINTS, type) ? UNSUPPORTED_HINTS[type] : undefined;
      if (!hint) throw new QuestionError(say(`question type "${type}" is not supported`, 'unsupportedType', { type }));
      // The hint names the type as Moodle's authors know it, in the reader's language (`qtypes.<type>`).
      const named = localizable(hint, `import-moodlexml:qtypes.${type}`);
      throw new QuestionError(say(`question type "${type}" (${hint}) is not supported`, 'unsupportedNamedType', { type, name: named }));
    }
  }

  const grade = elementText(q, 'defaultgrade');
  if (grade !== undefined && grade !== '') {
    const mark = Number(grade);
    if (NUMBER_RE.test(grade) && mark >= 0) item.default_mark = mark;
    else ctx.warnings.push(say(`default grade "${grade}" is not a number; it is left out`, 'badDefaultGrade', { value: grade }));
  }
  const idnumber = elementText(q, 'idnumber');
  if (idnumber) item.idnumber = idnumber;
  const tags = asArray(asNode(q.tags)?.tag)
    .map(ownText)
    .filter((t) => t !== '');
  if (tags.length > 0) item.tags = tags;
  return item;
}

/**
 * Parses a Moodle XML file (the whole file as a string). Items come in document order, category
 * markers where they occur, each with the line of its `<question` tag.
 */
export function parseMoodleXml(text: string): ParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const result: ParseResult = { items: [], problems: [] };
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    // The XML parser's own reason stays in English: it names XML's terms, which have no Indonesian standard.
    const text = say(`not well-formed XML (column ${col}): ${msg}; nothing was imported`, 'notWellFormed', { column: col, reason: msg });
    result.problems.push({ line: Math.max(1, line), ...text, severity: 'error' });
    return result;
  }
  const doc = parser.parse(source) as Node;
  const quiz = asNode(doc.quiz);
  if (!quiz) {
    result.problems.push({ line: 1, ...say('the root element is not <quiz>; nothing was imported', 'notQuiz'), severity: 'error' });
    return result;
  }
  const lines = questionStartLines(source);
  asArray(quiz.question).forEach((q, index) => {
    const line = lines[index] ?? lines[lines.length - 1] ?? 1;
    const ctx: Ctx = { warnings: [], stemFormat: 'html' };
    try {
      const item = question(q, ctx) as ParsedItem;
      item.line = line;
      const itemIndex = result.items.length;
      result.items.push(item);
      for (const text of ctx.warnings) result.problems.push({ line, ...text, severity: 'warning', itemIndex });
    } catch (err) {
      if (!(err instanceof QuestionError)) throw err;
      const problem: ParseProblem = { line, ...notImported(err.text), severity: 'error' };
      result.problems.push(problem);
    }
  });
  return result;
}
