/**
 * Neutral items → GIFT text that `parseGift` (and Moodle) reads back as the same items.
 *
 * Invariant: `parseGift(exportGift(items))` equals `items` (apart from `line`) for every item in
 * canonical form: texts trimmed, `*_format` only where it differs from the stem, empty feedback as
 * null, no empty tags. To keep that promise the exporter escapes every GIFT control character
 * (`\ ~ = # { } :`) and every newline (`\n`) in every text, so no text can end a question, start a
 * comment line or be mistaken for syntax; it writes a `[format]` marker whenever a text starts with
 * `[`, and a `%weight%` whenever a text starts with `%`; and it picks the markers that force the
 * parser's type detection (a `~` for multiple choice, an `=` for single answer).
 *
 * What GIFT cannot say is never dropped silently: an item that cannot be written so that it reads
 * back the same is left out with an `error`, and data GIFT has no place for (default mark, case
 * sensitivity, units, TKP points) is reported as a `warning`. `exportGift` throws on any error;
 * `exportGiftWithProblems` returns the text of the exportable items and the problems.
 */
import type {
  AnswerOption,
  ExportProblem,
  MatchingItem,
  NeutralItem,
  NeutralQuestion,
  NumericalItem,
  OrderingItem,
  TextFormat,
  TrueFalseItem,
} from '../../src/learning/interchange/neutral-question';
import { fractionToPercent } from '../../src/learning/interchange/neutral-question';

const BLANK = '_____';

/** Thrown by `exportGift` when an item has no faithful GIFT form. */
export class GiftExportError extends Error {
  constructor(readonly problems: ExportProblem[]) {
    super(`GIFT export failed:\n${problems.map((p) => `item ${p.itemIndex}: ${p.message}`).join('\n')}`);
    this.name = 'GiftExportError';
  }
}

class Unexportable extends Error {}

/** Escapes a text so that the GIFT parser returns it verbatim. */
export function escapeGift(text: string): string {
  return text.replace(/[\\~=#{}:\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * A text with a `[format]` marker when its format differs from the inherited one, when it starts
 * with `[` (it would be read as a marker) or with `//` (on an ordering line it would be a comment).
 */
function formatted(text: string, format: TextFormat | undefined, inherited: TextFormat): string {
  const own = format ?? inherited;
  const marker = own !== inherited || text.startsWith('[') || text.startsWith('//') ? `[${own}]` : '';
  return marker + escapeGift(text);
}

function feedbackPart(text: string | null | undefined, format: TextFormat | undefined, inherited: TextFormat): string {
  return text ? `#${formatted(text, format, inherited)}` : '';
}

function weight(fraction: number): string {
  if (!Number.isFinite(fraction)) throw new Unexportable(`fraction ${fraction} is not a number`);
  return `%${fractionToPercent(fraction)}%`;
}

function number(n: number): string {
  if (!Number.isFinite(n)) throw new Unexportable(`numerical value ${n} is not finite`);
  return String(n);
}

function requireText(text: string, what: string): void {
  if (text === '') throw new Unexportable(`${what} is empty; GIFT cannot write an empty ${what}`);
}

function choiceLines(options: readonly AnswerOption[], multi: boolean, stem: TextFormat): string[] {
  if (options.length < 2) throw new Unexportable('a choice question needs at least two options');
  const markers = options.map((o) => (!multi && o.fraction === 1 ? '=' : '~'));
  // The parser calls a block with any '=' single answer and one with a '~' a choice block,
  // so a single-answer question needs both; explicit weights keep the fractions.
  if (!multi && !markers.includes('=')) markers[0] = '=';
  if (!markers.includes('~')) markers[markers.length - 1] = '~';
  return options.map((o, i) => {
    requireText(o.text, 'option text');
    const marker = markers[i] ?? '~';
    const implied = marker === '=' ? 1 : 0;
    const w = o.fraction !== implied || o.text.startsWith('%') ? weight(o.fraction) : '';
    return `\t${marker}${w}${formatted(o.text, o.format, stem)}${feedbackPart(o.feedback, o.feedback_format, stem)}`;
  });
}

function shortAnswerBlock(options: readonly AnswerOption[], stem: TextFormat): string {
  if (options.length === 0) throw new Unexportable('a short answer question needs an accepted answer');
  const parts = options.map((o) => {
    requireText(o.text, 'accepted answer');
    const w = o.fraction !== 1 || o.text.startsWith('%') ? weight(o.fraction) : '';
    return { w, body: `${formatted(o.text, o.format, stem)}${feedbackPart(o.feedback, o.feedback_format, stem)}` };
  });
  if (parts.some((p) => p.body.includes('->'))) {
    // '=' together with '->' would make it a matching block; one answer can do without '='.
    const only = parts[0];
    if (parts.length > 1 || only === undefined) {
      throw new Unexportable("short answers containing '->' cannot be written with several answers (GIFT would read a matching question)");
    }
    return `{${only.w || weight(options[0]?.fraction ?? 1)}${only.body}}`;
  }
  return `{\n${parts.map((p) => `\t=${p.w}${p.body}`).join('\n')}\n`;
}

function numericalLines(item: NumericalItem, stem: TextFormat): string[] {
  if (item.answers.length === 0) throw new Unexportable('a numerical question needs an answer');
  const last = item.answers.length - 1;
  return item.answers.map((a, i) => {
    const fb = feedbackPart(a.feedback, a.feedback_format, stem);
    if ('any' in a) {
      // Moodle's trailing '~#feedback' is a catch-all worth 0 %; it needs an answer before it.
      if (i === last && i > 0 && a.fraction === 0) return `\t~${fb}`;
      return `\t=${a.fraction === 1 ? '' : weight(a.fraction)}*${fb}`;
    }
    let value: string;
    if (a.syntax === 'min..max') value = `${number(a.min)}..${number(a.max)}`;
    else if (a.syntax === 'exact' && a.tolerance === 0) value = number(a.value);
    else value = `${number(a.value)}:${number(a.tolerance)}`;
    return `\t=${a.fraction === 1 ? '' : weight(a.fraction)}${value}${fb}`;
  });
}

function matchingLines(item: MatchingItem, stem: TextFormat): string[] {
  if (item.pairs.filter((p) => p.question !== '').length < 2) throw new Unexportable('a matching question needs at least two pairs with a question');
  return item.pairs.map((p) => {
    requireText(p.answer, 'matching answer');
    const question = p.question === '' ? '' : formatted(p.question, p.question_format, stem);
    if (question.includes('->')) throw new Unexportable("a matching question text cannot contain '->' in GIFT");
    return `\t=${question} -> ${escapeGift(p.answer)}`;
  });
}

function trueFalseBlock(item: TrueFalseItem, stem: TextFormat): string {
  // GIFT order: the first '#' is shown for a wrong answer, the second for a right one.
  const right = item.answer ? [item.feedback_true, item.feedback_true_format] as const : [item.feedback_false, item.feedback_false_format] as const;
  const wrong = item.answer ? [item.feedback_false, item.feedback_false_format] as const : [item.feedback_true, item.feedback_true_format] as const;
  let tail = '';
  if (right[0]) tail = `#${wrong[0] ? formatted(wrong[0], wrong[1], stem) : ''}#${formatted(right[0], right[1], stem)}`;
  else if (wrong[0]) tail = `#${formatted(wrong[0], wrong[1], stem)}`;
  return `{${item.answer ? 'TRUE' : 'FALSE'}${tail}`;
}

function orderingLines(item: OrderingItem, stem: TextFormat): string[] {
  if (item.items.length < 2) throw new Unexportable('an ordering question needs at least two items');
  const grading = item.grading === 'all_or_nothing' ? ' ALL_OR_NOTHING' : item.grading === 'partial' ? ' RELATIVE_NEXT_EXCLUDE_LAST' : '';
  return [
    `>${item.items.length} ALL VERTICAL${grading}`,
    ...item.items.map((entry) => {
      requireText(entry.text, 'ordering item');
      return `\t${formatted(entry.text, entry.format, stem)}`;
    }),
  ];
}

function generalFeedbackLine(item: Exclude<NeutralQuestion, { type: 'description' }>, stem: TextFormat): string {
  return item.general_feedback ? `####${formatted(item.general_feedback, item.general_feedback_format, stem)}` : '';
}

/** The answer block, opening brace included, closing brace excluded. */
function answerBlock(item: Exclude<NeutralQuestion, { type: 'description' }>, stem: TextFormat): string {
  const gf = generalFeedbackLine(item, stem);
  const multiline = (lines: string[]): string => `{\n${lines.join('\n')}${gf ? `\n\t${gf}` : ''}\n`;
  switch (item.type) {
    case 'multiple_choice':
      return multiline(choiceLines(item.options, false, stem));
    case 'multiple_response':
      return multiline(choiceLines(item.options, true, stem));
    case 'short_answer': {
      const block = shortAnswerBlock(item.options, stem);
      return block.endsWith('\n') ? `${block}${gf ? `\t${gf}\n` : ''}` : `${block.slice(0, -1)}${gf}`;
    }
    case 'numerical':
      return multiline(['#', ...numericalLines(item, stem)]).replace('{\n#\n', '{#\n');
    case 'matching':
      return multiline(matchingLines(item, stem));
    case 'true_false':
      return `${trueFalseBlock(item, stem)}${gf}`;
    case 'essay':
      return `{${gf}`;
    case 'ordering': {
      const [header, ...lines] = orderingLines(item, stem);
      return `{${header}\n${lines.join('\n')}${gf ? `\n\t${gf}` : ''}\n`;
    }
  }
}

function commentLine(item: NeutralQuestion, warnings: string[]): string {
  const parts: string[] = [];
  if (item.idnumber !== undefined && item.idnumber !== '') {
    // A newline would end the comment, a final backslash would escape the closing bracket, and
    // "[tag:" inside would read back as a tag.
    if (/[\r\n]|\[(?:tag|id):/.test(item.idnumber) || item.idnumber.endsWith('\\')) {
      throw new Unexportable('the idnumber cannot be written in a GIFT comment');
    }
    parts.push(`[id:${item.idnumber.replace(/\]/g, '\\]')}]`);
  }
  for (const tag of item.tags ?? []) {
    if (tag.trim() === '') {
      warnings.push('an empty tag is left out');
      continue;
    }
    if (/[\]\r\n]|\[(?:tag|id):/.test(tag)) throw new Unexportable(`the tag "${tag}" cannot be written in a GIFT comment`);
    parts.push(`[tag:${tag}]`);
  }
  return parts.length > 0 ? `// ${parts.join(' ')}\n` : '';
}

function lossWarnings(item: NeutralQuestion): string[] {
  const out: string[] = [];
  if (item.default_mark !== undefined && item.default_mark !== 1) out.push(`GIFT has no default mark; ${item.default_mark} is not kept`);
  if (item.type === 'short_answer' && item.case_sensitive) out.push('GIFT has no case-sensitivity flag; the answers will be case-insensitive');
  if (item.type === 'numerical' && item.units && item.units.length > 0) out.push('GIFT has no units; they are not kept');
  if (item.type === 'multiple_choice' && item.options.some((o) => o.points !== undefined)) {
    out.push('GIFT keeps the fractions of a weighted question, not its points');
  }
  return out;
}

function question(item: NeutralQuestion, warnings: string[]): string {
  const stemFormat = item.stem_format ?? 'moodle';
  const title = item.title ? `::${escapeGift(item.title)}::` : '';
  // A title-less stem starting with '//' would be a comment line; a marker in front prevents it.
  const needsMarker = item.stem.startsWith('[') || stemFormat !== 'moodle' || (!title && item.stem.startsWith('//'));
  const marker = needsMarker ? `[${stemFormat}]` : '';
  const head = commentLine(item, warnings) + title + marker;

  if (item.type === 'description') {
    requireText(item.stem, 'description text');
    return head + escapeGift(item.stem);
  }
  const block = answerBlock(item, stemFormat);
  if (item.embedded_blank) {
    const at = item.stem.indexOf(BLANK);
    if (at === -1) throw new Unexportable(`embedded_blank is set but the stem has no ${BLANK}`);
    const after = item.stem.slice(at + BLANK.length);
    if (after.trim() === '') throw new Unexportable('GIFT cannot place the answer block at the very end of the text and keep the blank');
    return `${head}${escapeGift(item.stem.slice(0, at))}${block}}${escapeGift(after)}`;
  }
  const stem = escapeGift(item.stem);
  return `${head}${stem}${stem === '' ? '' : ' '}${block}}`;
}

/** Exports what GIFT can say and reports the rest (items in error are left out of `text`). */
export function exportGiftWithProblems(items: readonly NeutralItem[]): { text: string; problems: ExportProblem[] } {
  const chunks: string[] = [];
  const problems: ExportProblem[] = [];
  items.forEach((item, itemIndex) => {
    const warnings: string[] = [];
    try {
      if (item.type === 'category') {
        if (/[\r\n]/.test(item.path) || item.path.trim() === '') throw new Unexportable('a category path must be one non-empty line');
        // Only a backslash that would start an escape needs doubling in a path.
        chunks.push(`$CATEGORY: ${item.path.replace(/\\(?=[:#={}~n\\])/g, '\\\\')}`);
      } else {
        warnings.push(...lossWarnings(item));
        chunks.push(question(item, warnings));
      }
      for (const message of warnings) problems.push({ itemIndex, message, severity: 'warning' });
    } catch (err) {
      if (!(err instanceof Unexportable)) throw err;
      problems.push({ itemIndex, message: err.message, severity: 'error' });
    }
  });
  return { text: chunks.length > 0 ? `${chunks.join('\n\n')}\n` : '', problems };
}

/** Neutral items → GIFT. Throws `GiftExportError` when an item cannot be written faithfully. */
export function exportGift(items: readonly NeutralItem[]): string {
  const { text, problems } = exportGiftWithProblems(items);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new GiftExportError(errors);
  return text;
}
