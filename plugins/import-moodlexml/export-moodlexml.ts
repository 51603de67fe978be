/**
 * Neutral items → Moodle XML that Moodle and `parseMoodleXml` both import.
 *
 * Invariant: `parseMoodleXml(exportMoodleXml(items))` gives the items back (apart from `line`) for
 * items in canonical form, with three documented exceptions that XML cannot express: a null title
 * becomes a name derived from the stem (Moodle refuses questions without a name), numerical
 * `min..max` answers come back as `answer:tolerance`, and GIFT's `embedded_blank` flag does not
 * exist in XML (the `_____` stays in the stem). Texts are written so that an XML parser returns
 * them byte for byte: CDATA for markup (split around `]]>`), character references for carriage
 * returns (which XML would otherwise turn into line feeds). Characters XML 1.0 cannot carry at all
 * make the item an `error`; nothing is dropped silently.
 */
import type {
  AnswerOption,
  ExportProblem,
  NeutralItem,
  NeutralQuestion,
  NumericalAnswer,
  TextFormat,
} from '../../src/learning/interchange/neutral-question';
import { fractionToPercent } from '../../src/learning/interchange/neutral-question';

const FORMAT_ATTRIBUTE: Readonly<Record<TextFormat, string>> = {
  html: 'html',
  moodle: 'moodle_auto_format',
  plain: 'plain_text',
  markdown: 'markdown',
};

const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME_LENGTH = 80;

/** Thrown by `exportMoodleXml` when an item cannot be written faithfully. */
export class MoodleXmlExportError extends Error {
  constructor(readonly problems: ExportProblem[]) {
    super(`Moodle XML export failed:\n${problems.map((p) => `item ${p.itemIndex}: ${p.message}`).join('\n')}`);
    this.name = 'MoodleXmlExportError';
  }
}

class Unexportable extends Error {}

function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;'));
}

/** The content of a `<text>` element, read back verbatim by any XML parser. */
function textContent(text: string): string {
  if (XML_FORBIDDEN.test(text)) throw new Unexportable('the text contains a control character that XML 1.0 cannot carry');
  // CDATA cannot keep a carriage return (XML normalises line ends), a character reference can.
  if (text.includes('\r') || !/[<>&]/.test(text)) return escapeXml(text);
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function textElement(text: string, indent: string): string {
  return `${indent}<text>${textContent(text)}</text>\n`;
}

function formatted(tag: string, text: string, format: TextFormat, indent: string): string {
  return `${indent}<${tag} format="${FORMAT_ATTRIBUTE[format]}">\n${textElement(text, `${indent}  `)}${indent}</${tag}>\n`;
}

function number(n: number): string {
  if (!Number.isFinite(n)) throw new Unexportable(`${n} is not a finite number`);
  return String(n);
}

function fraction(f: number): string {
  if (!Number.isFinite(f)) throw new Unexportable(`fraction ${f} is not a number`);
  return fractionToPercent(f);
}

/** Moodle's create_default_question_name: the stem without tags, shortened. */
function derivedName(stem: string): string {
  const plain = stem.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  if (plain.length <= NAME_LENGTH) return plain || '-';
  const cut = plain.slice(0, NAME_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${space > NAME_LENGTH / 2 ? cut.slice(0, space) : cut}…`;
}

function requireText(text: string, what: string): void {
  if (text.trim() === '') throw new Unexportable(`${what} is empty; Moodle would drop it`);
}

function answerXml(o: AnswerOption, stem: TextFormat, extra = ''): string {
  requireText(o.text, 'an answer text');
  return (
    `    <answer fraction="${fraction(o.fraction)}" format="${FORMAT_ATTRIBUTE[o.format ?? stem]}">\n` +
    textElement(o.text, '      ') +
    formatted('feedback', o.feedback ?? '', o.feedback_format ?? stem, '      ') +
    extra +
    '    </answer>\n'
  );
}

function numericalAnswerXml(a: NumericalAnswer, stem: TextFormat): string {
  const feedback = { feedback: a.feedback, feedback_format: a.feedback_format };
  if ('any' in a) return answerXml({ text: '*', fraction: a.fraction, ...feedback }, stem, '      <tolerance>0</tolerance>\n');
  const value = Number.isFinite(a.value) ? a.value : (a.min + a.max) / 2;
  const tolerance = Number.isFinite(a.tolerance) ? a.tolerance : (a.max - a.min) / 2;
  return answerXml({ text: number(value), fraction: a.fraction, ...feedback }, stem, `      <tolerance>${number(tolerance)}</tolerance>\n`);
}

function body(item: NeutralQuestion, stem: TextFormat, warnings: string[]): string {
  switch (item.type) {
    case 'multiple_choice':
    case 'multiple_response': {
      if (item.type === 'multiple_choice' && item.options.some((o) => o.points !== undefined)) {
        warnings.push('Moodle XML keeps the fractions of a weighted question and its top points as the default grade, not each option\'s points');
      }
      return `    <single>${item.type === 'multiple_choice'}</single>\n${item.options.map((o) => answerXml(o, stem)).join('')}`;
    }
    case 'true_false': {
      const one = (value: boolean, text: string | null, format: TextFormat | undefined): string =>
        answerXml({ text: String(value), fraction: value === item.answer ? 1 : 0, feedback: text, feedback_format: format }, stem);
      return one(true, item.feedback_true, item.feedback_true_format) + one(false, item.feedback_false, item.feedback_false_format);
    }
    case 'short_answer':
      return (item.case_sensitive === undefined ? '' : `    <usecase>${item.case_sensitive ? 1 : 0}</usecase>\n`) + item.options.map((o) => answerXml(o, stem)).join('');
    case 'numerical': {
      const units =
        item.units === undefined
          ? ''
          : `    <units>\n${item.units
              .map((u) => `      <unit>\n        <multiplier>${number(u.multiplier)}</multiplier>\n        <unit_name>${escapeXml(u.unit)}</unit_name>\n      </unit>\n`)
              .join('')}    </units>\n`;
      return item.answers.map((a) => numericalAnswerXml(a, stem)).join('') + units;
    }
    case 'matching':
      return item.pairs
        .map((p) => {
          requireText(p.answer, 'a matching answer');
          return (
            `    <subquestion format="${FORMAT_ATTRIBUTE[p.question_format ?? stem]}">\n${textElement(p.question, '      ')}` +
            `      <answer>\n${textElement(p.answer, '        ')}      </answer>\n    </subquestion>\n`
          );
        })
        .join('');
    case 'ordering': {
      const grading = item.grading === 'all_or_nothing' ? 'ALL_OR_NOTHING' : item.grading === 'partial' ? 'RELATIVE_NEXT_EXCLUDE_LAST' : null;
      const header =
        `    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n    <selectcount>${item.items.length}</selectcount>\n` +
        (grading ? `    <gradingtype>${grading}</gradingtype>\n` : '');
      // The plugin stores each item's position in `fraction`.
      const answers = item.items.map((entry, i) => {
        requireText(entry.text, 'an ordering item');
        return `    <answer fraction="${i + 1}" format="${FORMAT_ATTRIBUTE[entry.format ?? stem]}">\n${textElement(entry.text, '      ')}    </answer>\n`;
      });
      return header + answers.join('');
    }
    case 'essay':
    case 'description':
      return '';
  }
}

const MOODLE_TYPE: Readonly<Record<NeutralQuestion['type'], string>> = {
  multiple_choice: 'multichoice',
  multiple_response: 'multichoice',
  true_false: 'truefalse',
  short_answer: 'shortanswer',
  numerical: 'numerical',
  matching: 'matching',
  essay: 'essay',
  description: 'description',
  ordering: 'ordering',
};

function questionXml(item: NeutralQuestion, warnings: string[]): string {
  const stem = item.stem_format ?? 'moodle';
  const name = item.title || derivedName(item.stem);
  let out = `  <question type="${MOODLE_TYPE[item.type]}">\n    <name>\n${textElement(name, '      ')}    </name>\n`;
  out += formatted('questiontext', item.stem, stem, '    ');
  if (item.type !== 'description') {
    out += formatted('generalfeedback', item.general_feedback ?? '', item.general_feedback_format ?? stem, '    ');
  }
  let mark = item.default_mark;
  if (mark === undefined && item.type === 'multiple_choice' && item.options.every((o) => o.points !== undefined) && item.options.length > 0) {
    // A TKP question graded out of its top points gives the raw points, as Bina's weighted mode does.
    mark = Math.max(...item.options.map((o) => o.points ?? 0));
  }
  if (mark !== undefined) out += `    <defaultgrade>${number(mark)}</defaultgrade>\n`;
  if (item.idnumber) out += `    <idnumber>${textContent(item.idnumber)}</idnumber>\n`;
  out += body(item, stem, warnings);
  const tags = (item.tags ?? []).filter((t) => t !== '');
  if (tags.length > 0) out += `    <tags>\n${tags.map((t) => `      <tag>\n${textElement(t, '        ')}      </tag>\n`).join('')}    </tags>\n`;
  return `${out}  </question>\n`;
}

/** Exports what it can and reports the rest (items in error are left out of `text`). */
export function exportMoodleXmlWithProblems(items: readonly NeutralItem[]): { text: string; problems: ExportProblem[] } {
  const problems: ExportProblem[] = [];
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n';
  items.forEach((item, itemIndex) => {
    const warnings: string[] = [];
    try {
      const xml =
        item.type === 'category'
          ? `  <question type="category">\n    <category>\n${textElement(item.path, '      ')}    </category>\n  </question>\n`
          : questionXml(item, warnings);
      out += `<!-- item: ${itemIndex} -->\n${xml}`;
      for (const message of warnings) problems.push({ itemIndex, message, severity: 'warning' });
    } catch (err) {
      if (!(err instanceof Unexportable)) throw err;
      problems.push({ itemIndex, message: err.message, severity: 'error' });
    }
  });
  return { text: `${out}</quiz>\n`, problems };
}

/** Neutral items → Moodle XML. Throws `MoodleXmlExportError` when an item cannot be written. */
export function exportMoodleXml(items: readonly NeutralItem[]): string {
  const { text, problems } = exportMoodleXmlWithProblems(items);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new MoodleXmlExportError(errors);
  return text;
}
