/**
 * parseGift beyond the conformance cases: bad input must give line-numbered problems and never a
 * silent drop; line numbers must survive CRLF; Moodle's semantics for blanks, weights, feedback,
 * numerical forms, matching, categories and escapes; Bina's ordering extension.
 */
import { expect } from 'chai';
import type { NeutralItem, ParseResult } from '../../../src/learning/interchange/neutral-question';
import { parseGift } from '../parse-gift';
import { expectAllTranslatable, importStrings } from '../../../test/support/import-messages';

const lines = (...ls: string[]): string => ls.join('\n');

function only<T extends NeutralItem['type']>(result: ParseResult, type: T): Extract<NeutralItem, { type: T }> {
  expect(result.problems.filter((p) => p.severity === 'error'), 'no errors').to.deep.equal([]);
  expect(result.items).to.have.lengthOf(1);
  const item = result.items[0];
  expect(item?.type).to.equal(type);
  return item as Extract<NeutralItem, { type: T }>;
}

function errors(result: ParseResult): Array<[number, string]> {
  return result.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.message]);
}

describe('parseGift', () => {
  describe('line numbers', () => {
    const source = lines(
      '// header comment', // 1
      '', // 2
      '::Q1::First?{T}', // 3
      '', // 4
      '', // 5
      '// [id:q2]', // 6
      'Second {', // 7
      '  =a', // 8
      '  ~b', // 9
      '}', // 10
      '   ', // 11 whitespace only: still a separator
      'Third {#5}', // 12
    );

    it('does give each item the line of its first non-comment line', () => {
      expect(parseGift(source).items.map((i) => i.line)).to.deep.equal([3, 7, 12]);
    });

    it('does keep the same lines and items with CRLF line ends', () => {
      const lf = parseGift(source);
      const crlf = parseGift(source.replace(/\n/g, '\r\n'));
      expect(crlf).to.deep.equal(lf);
    });

    it('does point an error in a CRLF file at the right line', () => {
      const result = parseGift(['Good {T}', '', 'Bad {', '=a', '~b'].join('\r\n'));
      expect(errors(result)).to.have.lengthOf(1);
      expect(errors(result)[0]?.[0]).to.equal(3);
      expect(result.items.map((i) => i.line)).to.deep.equal([1]);
    });

    it('does not take a lone CR for a line end, and reads a BOM-prefixed file', () => {
      const result = parseGift('\uFEFFOne\rstill one {T}\n\nTwo {F}');
      expect(result.items.map((i) => i.line)).to.deep.equal([1, 3]);
      expect(result.items[0]).to.include({ stem: 'One\rstill one' });
    });

    it('does read [id:] and [tag:] from any comment line of the block, and ignore comment-only blocks', () => {
      const result = parseGift(lines('// only a comment', '// [id:lost]', '', '// [id:x\\]y] [tag: a ]', 'Q {}', '// [tag:b]'));
      const item = only(result, 'essay');
      expect(item).to.include({ idnumber: 'x]y', line: 5 });
      expect(item.tags).to.deep.equal(['a', 'b']);
    });
  });

  describe('bad input: reported with its line, never dropped silently', () => {
    it('does report an unclosed brace and the stray closing brace after a blank line', () => {
      const result = parseGift(lines('Q1 {=a ~b}', '', 'Q2 {', '=x', '~y', '', '}', '', 'Q3 {T}'));
      expect(result.items.map((i) => i.line)).to.deep.equal([1, 9]);
      expect(errors(result)).to.deep.equal([
        [3, "question not imported: '{' is not closed before the next blank line (write a literal brace as \\{)"],
        [7, "question not imported: '}' without '{' (write a literal brace as \\})"],
      ]);
    });

    it('does report braces out of order, nested or repeated, at the offending brace', () => {
      const result = parseGift(lines('A } then {=x}', '', 'B {=x {=y}}', '', 'C {=x}', 'then {=y}', '', 'D {=x} }'));
      expect(result.items).to.deep.equal([]);
      expect(errors(result).map(([line, message]) => [line, message.replace(/ \(.*$/, '')])).to.deep.equal([
        [1, "question not imported: '}' comes before '{'"],
        [3, "question not imported: a second '{' inside the answer block"],
        [6, 'question not imported: a question has one answer block; another brace follows it'],
        [8, 'question not imported: a question has one answer block; another brace follows it'],
      ]);
    });

    it('does report empty answers in every kind of block', () => {
      const result = parseGift(lines('SA {=}', '', 'MC {~}', '', 'MC2 {~a ~ =b}', '', 'NUM {#}', '', 'MATCH {=a-> =b->c =d->e}', '', 'ORDER {>2', '}'));
      expect(result.items).to.deep.equal([]);
      expect(errors(result).map(([line]) => line)).to.deep.equal([1, 3, 5, 7, 9, 11]);
      expect(errors(result).map(([, m]) => m)).to.satisfy((ms: string[]) => ms.every((m) => m.startsWith('question not imported: ')));
    });

    it('does report a bad numerical answer at the line where it stands', () => {
      const result = parseGift(lines('::N::Year? {#', '  =1822:5', '  =%50%about 1822', '  =1..x', '}'));
      expect(errors(result)).to.deep.equal([[3, 'question not imported: "about 1822" is not a number']]);
      const more = parseGift(lines('{#5:-1}', '', '{#9..1}', '', '{#=5 ~#a}'));
      expect(errors(more).map(([line, m]) => [line, m.replace('question not imported: ', '')])).to.deep.equal([
        [1, 'the tolerance in "5:-1" is negative'],
        [3, 'in "9..1" the lower bound is above the upper bound'],
      ]);
      expect(more.items.map((i) => i.line)).to.deep.equal([5]);
    });

    it('does report a matching pair without "->" and a choice block with one answer', () => {
      const result = parseGift(lines('M {', '=a -> 1', '=b 2', '=c -> 3', '}', '', 'C {~only}'));
      expect(errors(result)).to.deep.equal([
        [3, "question not imported: a matching pair needs '->' between the question and its answer"],
        [7, 'question not imported: a choice question needs at least two answers'],
      ]);
    });

    it('does report a $CATEGORY without a path and a title-only block', () => {
      const result = parseGift(lines('$CATEGORY:   ', '', '::Just a title::'));
      expect(errors(result)).to.deep.equal([
        [1, '$CATEGORY: needs a category path'],
        [3, 'question not imported: the question has no text'],
      ]);
    });

    it('does keep, with a warning, what Moodle imports but an author probably did not mean', () => {
      const result = parseGift(lines('::Unclosed title Question {T}', '', 'Junk first {stray ~a =b}', '', 'Bad weight {~%abc%x =y}', '', 'No full {~a =%50%b}'));
      expect(errors(result)).to.deep.equal([]);
      expect(result.items).to.have.lengthOf(4);
      const warnings = result.problems.map((p) => [p.line, p.itemIndex, p.severity]);
      expect(warnings).to.deep.equal([
        [1, 0, 'warning'],
        [3, 1, 'warning'],
        [5, 2, 'warning'],
        [7, 3, 'warning'],
      ]);
      expect(result.items[0]).to.include({ title: null, stem: 'Unclosed title Question' });
      const junk = result.items[1];
      if (junk?.type !== 'multiple_choice') throw new Error('expected multiple choice');
      expect(junk.options.map((o) => [o.text, o.fraction])).to.deep.equal([
        ['stray', 0],
        ['a', 0],
        ['b', 1],
      ]);
    });

    it('does recover after a malformed question and keep the good ones that follow (Moodle reads block by block)', () => {
      const result = parseGift(lines(
        '::G1:: Good {=yes ~no}', '', // 1-2
        '::B1:: Unclosed {=yes ~no', '', // 3-4
        '::G2:: Also good {T}', '', // 5-6
        '::B2:: Not a number {#abc}', '', // 7-8
        '::G3:: Still good {=a ~b}', // 9
      ));
      expect(result.items.map((i) => ['title' in i ? i.title : null, i.line])).to.deep.equal([['G1', 1], ['G2', 5], ['G3', 9]]);
      expect(errors(result).map(([line]) => line)).to.deep.equal([3, 7]);
    });

    it('does account for every block: each one that is not only comments is an item or an error', () => {
      const blocks = ['Q {T}', 'Q {', 'Q }', '// c', 'Q {=}', 'Desc', '$CATEGORY: x', 'Q {#x}', 'Q {=a->b =c->d}', 'Q {~a ~b}'];
      const result = parseGift(blocks.join('\n\n'));
      const nonComment = blocks.filter((b) => !b.startsWith('//')).length;
      expect(result.items.length + errors(result).length).to.equal(nonComment);
    });
  });

  describe("Moodle's semantics", () => {
    it('does put _____ where a block sits inside the text, and only there', () => {
      const middle = only(parseGift('Grant is {~buried =entombed} in the tomb.'), 'multiple_choice');
      expect(middle).to.include({ stem: 'Grant is _____ in the tomb.', embedded_blank: true });
      const end = only(parseGift('Grant is in the tomb. {T}  '), 'true_false');
      expect(end).to.include({ stem: 'Grant is in the tomb.', embedded_blank: false });
      const literal = only(parseGift('_____ is big. {=Asia}'), 'short_answer');
      expect(literal).to.include({ stem: '_____ is big.', embedded_blank: false });
      const junk = only(parseGift('Essay {} x'), 'essay');
      expect(junk).to.include({ stem: 'Essay _____ x', embedded_blank: true });
    });

    it('does read negative and decimal weights, and a block without "=" as multiple response', () => {
      const item = only(parseGift('Pick {~%33.33333%a ~%-100%b ~%66.66667%c ~%-0.5%d}'), 'multiple_response');
      expect(item.options.map((o) => o.fraction)).to.deep.equal([0.3333333, -1, 0.6666667, -0.005]);
    });

    it('does keep several "=" answers single-answer, and a weight after "=" (Bina reading)', () => {
      const item = only(parseGift('Pick {=a =b ~c =%50%d}'), 'multiple_choice');
      expect(item.options.map((o) => o.fraction)).to.deep.equal([1, 1, 0, 0.5]);
    });

    it('does map true/false feedback by position: wrong first, right second', () => {
      const t = only(parseGift('S {TRUE#wrong#right}'), 'true_false');
      expect(t).to.include({ answer: true, feedback_true: 'right', feedback_false: 'wrong' });
      const f = only(parseGift('S {F #wrong #right ####general}'), 'true_false');
      expect(f).to.include({ answer: false, feedback_true: 'wrong', feedback_false: 'right', general_feedback: 'general' });
    });

    it('does read every numerical form, several answers and the "~#" catch-all', () => {
      const item = only(parseGift(lines('N {#', '  2:0.5#close', '  =%50%1..3', '  =%25%-4', '  =%10%*', '  ~#wrong', '}')), 'numerical');
      expect(item.answers).to.deep.equal([
        { value: 2, tolerance: 0.5, min: 1.5, max: 2.5, fraction: 1, feedback: 'close', syntax: 'answer:tolerance' },
        { value: 2, tolerance: 1, min: 1, max: 3, fraction: 0.5, feedback: null, syntax: 'min..max' },
        { value: -4, tolerance: 0, min: -4, max: -4, fraction: 0.25, feedback: null, syntax: 'exact' },
        { any: true, fraction: 0.1, feedback: null },
        { any: true, fraction: 0, feedback: 'wrong' },
      ]);
    });

    it('does read short answers: one without "=", "=%0%" worth 0, and "*"', () => {
      expect(only(parseGift('Q {One}'), 'short_answer').options).to.deep.equal([{ text: 'One', fraction: 1, feedback: null }]);
      const item = only(parseGift('Q {=yes =%0%no#never =%50%*}'), 'short_answer');
      expect(item.options.map((o) => [o.text, o.fraction, o.feedback])).to.deep.equal([
        ['yes', 1, null],
        ['no', 0, 'never'],
        ['*', 0.5, null],
      ]);
    });

    it('does read matching with a distractor, and a "~" block with arrows as multiple choice', () => {
      const m = only(parseGift('M {=a -> 1 =b->2 = -> 3 ####gf}'), 'matching');
      expect(m.pairs).to.deep.equal([
        { question: 'a', answer: '1' },
        { question: 'b', answer: '2' },
        { question: '', answer: '3' },
      ]);
      expect(m.general_feedback).to.equal('gf');
      expect(only(parseGift('M {=a -> 1 ~b -> 2}'), 'multiple_choice').options.map((o) => o.text)).to.deep.equal(['a -> 1', 'b -> 2']);
    });

    it('does read essays, descriptions and categories, a missing blank line after $CATEGORY included', () => {
      const result = parseGift(lines('$CATEGORY: $course$/top/A: B', '::E::Write {####[html]<b>gf</b>}', '', 'Just text'));
      expect(result.items).to.deep.equal([
        { type: 'category', path: '$course$/top/A: B', line: 1 },
        {
          type: 'essay',
          title: 'E',
          stem: 'Write',
          stem_format: 'moodle',
          embedded_blank: false,
          general_feedback: '<b>gf</b>',
          general_feedback_format: 'html',
          line: 2,
        },
        { type: 'description', title: null, stem: 'Just text', stem_format: 'moodle', line: 4 },
      ]);
      expect(result.problems).to.deep.equal([
        { line: 2, message: 'no blank line after $CATEGORY; the following lines are read as a separate question', i18n: 'import-gift:problems.categoryWithoutBlankLine', severity: 'warning' },
      ]);
    });

    it('does resolve every escape, "\\n" and "\\\\", and keep a backslash before anything else', () => {
      const item = only(parseGift('::T\\:1::a \\~ \\= \\# \\{ \\} \\: b\\nc \\\\n \\q \\ {=x\\=y}'), 'short_answer');
      expect(item.title).to.equal('T:1');
      expect(item.stem).to.equal('a ~ = # { } : b\nc \\n \\q \\');
      expect(item.options[0]?.text).to.equal('x=y');
    });

    it('does apply [format] markers and let unmarked parts inherit the stem format', () => {
      const item = only(parseGift('[html]<p>Q</p> {=[plain]a#<b>ok</b> ~b#[markdown]**no**}'), 'multiple_choice');
      expect(item.stem_format).to.equal('html');
      expect(item.options).to.deep.equal([
        { text: 'a', fraction: 1, feedback: '<b>ok</b>', format: 'plain' },
        { text: 'b', fraction: 0, feedback: '**no**', feedback_format: 'markdown' },
      ]);
      expect(only(parseGift('[shout]Loud {T}'), 'true_false')).to.include({ stem: '[shout]Loud', stem_format: 'moodle' });
    });

    it('does read the qtype_ordering block as a Bina ordering question', () => {
      const result = parseGift(lines('::O::Sort {>2 RANDOM VERTICAL ALL_OR_NOTHING', '  one', '  // a comment line', '  two \\~', '  three', '}'));
      const item = only(result, 'ordering');
      expect(item.items).to.deep.equal([{ text: 'one' }, { text: 'two ~' }, { text: 'three' }]);
      expect(item.grading).to.equal('all_or_nothing');
      expect(result.problems.map((p) => p.message)).to.deep.equal(['the block asks to show 2 of 3 items; Bina always shows them all']);
    });
  });
  describe("messages in the reader's language (lang/{id,en}.json)", () => {
    const strings = importStrings('import-gift');
    /** One block (or small file) per message the reader can give. */
    const CORPUS = [
      'Q {~%150%a =b}', 'Bad weight {~%abc%x =y}', 'Junk first {stray ~a =b}', 'No full {~a =%50%b}', 'Pick {~%30%a ~b}', 'Q {=%50%yes}',
      'N {#5 ~x#wrong}', lines('Sort {>2 RANDOM', 'one', 'two', 'three', '}'), lines('Sort {>ABSOLUTE_POSITION', 'a', 'b', '}'),
      '::Unclosed title Question {T}', '{T}', lines('$CATEGORY: A', 'Q {T}'), '$CATEGORY:   ',
      'MC {~}', 'C {~only}', 'SA {=}', '{#1..x}', '{#9..1}', '{#1:x}', '{#5:-1}', '{#=%50%}', '{#abc}', '{#}',
      lines('M {', '=a -> 1', '=b 2', '}'), 'M {=a-> =b->c}', 'M {=a->1 =->2}', lines('ORDER {>2', 'x', '}'),
      '::Just a title::', 'Q }', 'Q {', 'A } then {=x}', 'B {=x {=y}}', 'D {=x} }',
    ];
    /** The guard no input reaches (a short answer block always yields an answer or an error first). */
    const UNREACHABLE = ['import-gift:problems.noShortAnswer'];

    it('does give every problem a key whose English is the message and whose Indonesian shows the same facts', () => {
      expectAllTranslatable('import-gift', parseGift, CORPUS, UNREACHABLE);
    });

    it('does show a warning and a refused question in Bahasa Indonesia', () => {
      const [warning] = parseGift('Pilih {~a ~b}').problems;
      expect(warning).to.include({ message: "the positive weights add up to 0 %, not 100 % (a block without '=' is multiple response)", i18n: 'import-gift:problems.positiveTotal' });
      expect(strings.in('id', warning!)).to.equal("Bobot yang positif berjumlah 0 %, bukan 100 % (blok tanpa '=' dibaca sebagai soal beberapa jawaban benar).");
      const [error] = parseGift('Pilih {=a ~b').problems;
      expect(strings.in('id', error!)).to.equal("Soal tidak diimpor: '{' belum ditutup sebelum baris kosong berikutnya (untuk menulis kurung kurawal sebagai teks biasa, tulis \\{).");
      expect(strings.in('en', error!)).to.equal(error!.message);
    });
  });
});
