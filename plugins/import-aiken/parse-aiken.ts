/**
 * Aiken → neutral items. Aiken is Moodle's simplest format: a question line, option lines
 * `A. text` or `A) text`, then `ANSWER: X`; every question is a single-answer multiple choice.
 * As in Moodle's reader (qformat_aiken, `^[A-Z][).][ \t]?`), the space after the letter's
 * delimiter is optional: `A)Text` and `A.Text` are options too.
 *
 * Invariant: no question is dropped silently. A question that cannot be completed (no ANSWER line,
 * an answer letter that names no option, fewer than two options, a repeated option letter, options
 * without question text) is reported as an `error` at the line that shows the fault; doubtful but
 * importable input gives a `warning`. Texts stay plain text (`stem_format: 'plain'`): unlike
 * Moodle, which stores Aiken text HTML-escaped, nothing is escaped here, so the view must escape it.
 *
 * Recovery, as in Moodle: a malformed question is reported and dropped, and reading goes on with
 * the next one. A question text followed by a blank line and no options is such a question (Moodle
 * starts a new question at every unrecognised line), so it never swallows the good question after it.
 *
 * Leniencies beyond Moodle, each harmless for valid files: a question text may span several
 * consecutive lines (joined with newlines) until the first option; lines of one character are
 * question text (Moodle skips them); `answer:` is accepted in any letter case; the
 * answer letter may be lower case or followed by `.`/`)`; the answer refers to an option by its
 * label rather than by its position, so `A. B. D.` with `ANSWER: D` picks the third option.
 * Lines end with LF, CRLF or a lone CR (old Mac files), as in Moodle.
 */
import { notImported, phpTrim, type ParsedItem, type ParseProblem, type ParseResult } from '../../src/learning/interchange/neutral-question';
import { localizable, type LocalizableText } from '../../src/views/zod-messages';

/** A problem's English text with its string in lang/{id,en}.json (`import-aiken:problems.<name>`). */
const say = (message: string, name: string, args?: Record<string, unknown>): LocalizableText => localizable(message, `import-aiken:problems.${name}`, args);

const OPTION_RE = /^([A-Z])[.)][ \t]?(.*)$/;
const ANSWER_RE = /^answer\s*:(.*)$/i;
const ANSWER_LETTER_RE = /^([A-Za-z])[.)]?$/;

interface PendingOption {
  label: string;
  text: string;
  line: number;
}

interface Pending {
  line: number;
  stemLines: string[];
  options: PendingOption[];
  /** A blank line came after the question text and before any option. */
  gap?: boolean;
}

class AikenParser {
  readonly result: ParseResult = { items: [], problems: [] };
  private current: Pending | null = null;

  private problem(line: number, text: LocalizableText, severity: ParseProblem['severity'] = 'error', itemIndex?: number): void {
    const p: ParseProblem = { line, ...text, severity };
    if (itemIndex !== undefined) p.itemIndex = itemIndex;
    this.result.problems.push(p);
  }

  private abandon(reason: LocalizableText): void {
    if (this.current) this.problem(this.current.line, notImported(reason));
    this.current = null;
  }

  run(text: string): ParseResult {
    const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const lines = source.split(/\r\n|\r|\n/);
    lines.forEach((raw, index) => this.line(phpTrim(raw), index + 1));
    if (this.current) this.abandon(say("no 'ANSWER:' line before the end of the file", 'noAnswerAtEnd'));
    return this.result;
  }

  private line(line: string, lineNo: number): void {
    if (line === '') {
      if (this.current && this.current.options.length === 0) this.current.gap = true;
      return;
    }
    const answer = ANSWER_RE.exec(line);
    if (answer) {
      this.answer(phpTrim(answer[1] ?? ''), lineNo, line.startsWith('ANSWER:'));
      return;
    }
    const option = OPTION_RE.exec(line);
    if (option) {
      if (!this.current) this.current = { line: lineNo, stemLines: [], options: [] };
      this.current.options.push({ label: option[1] ?? '', text: phpTrim(option[2] ?? ''), line: lineNo });
      return;
    }
    if (this.current && this.current.options.length > 0) {
      if (this.current.stemLines.length === 0) this.abandon(say('the options have no question text before them', 'noStem'));
      else this.abandon(say(`no 'ANSWER:' line after its options (a new question starts on line ${lineNo})`, 'noAnswerBeforeNext', { line: lineNo }));
    } else if (this.current?.gap) {
      this.abandon(say(`a question text with no options (a new question starts on line ${lineNo})`, 'noOptions', { line: lineNo }));
    }
    if (!this.current) this.current = { line: lineNo, stemLines: [], options: [] };
    this.current.stemLines.push(line);
  }

  private answer(value: string, lineNo: number, standardSpelling: boolean): void {
    const q = this.current;
    if (!q) {
      this.problem(lineNo, say("'ANSWER:' without a question before it", 'answerWithoutQuestion'));
      return;
    }
    this.current = null;
    const fail = (line: number, reason: LocalizableText): void => this.problem(line, notImported(reason));
    if (q.stemLines.length === 0) return fail(q.line, say('the options have no question text before them', 'noStem'));
    if (q.options.length < 2) {
      return fail(q.options[0]?.line ?? lineNo, say(`a question needs at least two options, found ${q.options.length}`, 'tooFewOptions', { found: q.options.length }));
    }
    const seen = new Set<string>();
    for (const o of q.options) {
      if (seen.has(o.label)) return fail(o.line, say(`option letter ${o.label} appears twice`, 'repeatedLetter', { letter: o.label }));
      seen.add(o.label);
      if (o.text === '') return fail(o.line, say(`option ${o.label} has no text`, 'emptyOption', { letter: o.label }));
    }
    const letter = ANSWER_LETTER_RE.exec(value);
    if (!letter) return fail(lineNo, say(`'ANSWER:' must name one option letter, found "${value}"`, 'badAnswer', { value }));
    const label = (letter[1] ?? '').toUpperCase();
    const correct = q.options.findIndex((o) => o.label === label);
    if (correct === -1) {
      const letters = q.options.map((o) => o.label).join(', ');
      return fail(lineNo, say(`answer ${label} is not among the options (${letters})`, 'unknownAnswer', { letter: label, letters }));
    }

    const itemIndex = this.result.items.length;
    const item: ParsedItem = {
      type: 'multiple_choice',
      title: null,
      stem: q.stemLines.join('\n'),
      stem_format: 'plain',
      general_feedback: null,
      options: q.options.map((o, i) => ({ text: o.text, fraction: i === correct ? 1 : 0, feedback: null })),
      line: q.line,
    };
    this.result.items.push(item);
    if (!standardSpelling) this.problem(lineNo, say("write 'ANSWER:' in capitals; other tools (Moodle) only accept that", 'answerCase'), 'warning', itemIndex);
    const inSequence = q.options.every((o, i) => o.label === String.fromCharCode(65 + i));
    if (!inSequence) {
      this.problem(q.options[0]?.line ?? q.line, say('option letters are not A, B, C… in order; the answer was matched by letter', 'lettersOutOfOrder'), 'warning', itemIndex);
    }
  }
}

/** Parses an Aiken file (whole file as a string). Items come in file order with their start line. */
export function parseAiken(text: string): ParseResult {
  return new AikenParser().run(text);
}
