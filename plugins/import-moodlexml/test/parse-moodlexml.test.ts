/**
 * parseMoodleXml: a Moodle-style export of every supported type reads into neutral items with
 * the line of each `<question` tag; malformed XML, unsupported types and unusable data give
 * line-numbered errors, never a silent drop.
 */
import { expect } from 'chai';
import type { NeutralItem, ParseResult } from '../../../src/learning/interchange/neutral-question';
import { parseMoodleXml, questionStartLines } from '../parse-moodlexml';
import { expectAllTranslatable, importStrings } from '../../../test/support/import-messages';

const errors = (r: ParseResult): Array<[number, string]> => r.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.message]);

const SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Unit 1: Basics</text>
    </category>
    <info format="moodle_auto_format"><text></text></info>
  </question>
<!-- question: 1 <question type="decoy"> -->
  <question type="multichoice">
    <name><text>MC &amp; friends</text></name>
    <questiontext format="html"><text><![CDATA[<p>Pick&nbsp;one &amp; only one</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>MC-1</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text><![CDATA[<p>Right</p>]]></text><feedback format="html"><text>Yes &#233;</text></feedback></answer>
    <answer fraction="-33.33333" format="plain_text"><text>Wrong &lt;b&gt;</text><feedback format="html"><text></text></feedback></answer>
    <tags><tag><text>alpha</text></tag><tag><text>beta</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>MR</text></name>
    <questiontext format="moodle_auto_format"><text>Pick two</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>a</text></answer>
    <answer fraction="50"><text>b</text></answer>
    <answer fraction="-100"><text>c</text></answer>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="html"><text>The sky is green.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text><feedback format="html"><text>You said true</text></feedback></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text><feedback format="html"><text>You said false</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>SA</text></name>
    <questiontext format="html"><text>Capital?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>Jakarta</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text>No</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>NUM</text></name>
    <questiontext format="html"><text>Length?</text></questiontext>
    <answer fraction="100" format="moodle_auto_format"><text>1822</text><feedback format="html"><text></text></feedback><tolerance>5</tolerance></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text>Any</text></feedback><tolerance>0</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit><unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit></units>
    <unitgradingtype>0</unitgradingtype>
  </question>
  <question type="matching">
    <name><text>MATCH</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
    <subquestion format="html"><text>Indonesia</text><answer><text>Jakarta</text></answer></subquestion>
    <subquestion format="html"><text>Malaysia</text><answer><text>Kuala Lumpur</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Bangkok</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text></text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>ESSAY</text></name>
    <questiontext format="markdown"><text>Write **it**</text></questiontext>
    <generalfeedback format="html"><text>Rubric</text></generalfeedback>
    <responseformat>editor</responseformat>
  </question>
  <question type="description">
    <name><text>DESC</text></name>
    <questiontext format="html"><text>Read this.</text></questiontext>
    <defaultgrade>0</defaultgrade>
  </question>
  <question type="ordering">
    <name><text>ORDER</text></name>
    <questiontext format="html"><text>Sort</text></questiontext>
    <layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>3</selectcount>
    <gradingtype>ALL_OR_NOTHING</gradingtype>
    <answer fraction="1" format="html"><text>one</text></answer>
    <answer fraction="2" format="html"><text>two</text></answer>
    <answer fraction="3" format="html"><text>three</text></answer>
  </question>
</quiz>
`;

describe('parseMoodleXml', () => {
  describe('good input', () => {
    const result = parseMoodleXml(SAMPLE);

    it('does read every supported type, in document order, without problems', () => {
      expect(result.problems).to.deep.equal([]);
      expect(result.items.map((i) => i.type)).to.deep.equal([
        'category',
        'multiple_choice',
        'multiple_response',
        'true_false',
        'short_answer',
        'numerical',
        'matching',
        'essay',
        'description',
        'ordering',
      ]);
    });

    it('does give each item the line of its <question> tag, ignoring one inside a comment', () => {
      expect(result.items.map((i) => i.line)).to.deep.equal([4, 11, 26, 34, 40, 47, 55, 63, 69, 74]);
    });

    it('does keep texts exactly: XML entities resolved, CDATA and HTML entities verbatim', () => {
      const mc = result.items[1] as Extract<NeutralItem, { type: 'multiple_choice' }>;
      expect(mc).to.deep.include({ title: 'MC & friends', stem: '<p>Pick&nbsp;one &amp; only one</p>', stem_format: 'html', default_mark: 1, idnumber: 'MC-1', tags: ['alpha', 'beta'] });
      expect(mc.options).to.deep.equal([
        { text: '<p>Right</p>', fraction: 1, feedback: 'Yes é' },
        { text: 'Wrong <b>', fraction: -0.3333333, feedback: null, format: 'plain' },
      ]);
    });

    it('does read the category path, multiple response and true/false feedback by answer', () => {
      expect(result.items[0]).to.deep.equal({ type: 'category', path: '$course$/top/Unit 1: Basics', line: 4 });
      expect(result.items[2]).to.deep.include({ type: 'multiple_response', stem_format: 'moodle' });
      expect(result.items[3]).to.deep.include({ answer: false, feedback_true: 'You said true', feedback_false: 'You said false' });
    });

    it('does keep case sensitivity, tolerance, the catch-all and the units', () => {
      expect(result.items[4]).to.deep.include({ case_sensitive: true });
      const num = result.items[5] as Extract<NeutralItem, { type: 'numerical' }>;
      expect(num.answers).to.deep.equal([
        { value: 1822, tolerance: 5, min: 1817, max: 1827, fraction: 1, feedback: null, syntax: 'answer:tolerance' },
        { any: true, fraction: 0, feedback: 'Any' },
      ]);
      expect(num.units).to.deep.equal([
        { unit: 'm', multiplier: 1 },
        { unit: 'cm', multiplier: 100 },
      ]);
    });

    it('does read matching with a distractor (skipping empty slots), essay, description and ordering', () => {
      expect((result.items[6] as Extract<NeutralItem, { type: 'matching' }>).pairs).to.deep.equal([
        { question: 'Indonesia', answer: 'Jakarta' },
        { question: 'Malaysia', answer: 'Kuala Lumpur' },
        { question: '', answer: 'Bangkok' },
      ]);
      expect(result.items[7]).to.deep.include({ stem: 'Write **it**', stem_format: 'markdown', general_feedback: 'Rubric', general_feedback_format: 'html' });
      expect(result.items[8]).to.deep.equal({ type: 'description', title: 'DESC', stem: 'Read this.', stem_format: 'html', default_mark: 0, line: 69 });
      expect(result.items[9]).to.deep.include({ items: [{ text: 'one' }, { text: 'two' }, { text: 'three' }], grading: 'all_or_nothing' });
    });

    it('does give the same items and lines for a CRLF file with a BOM', () => {
      expect(parseMoodleXml(`\uFEFF${SAMPLE.replace(/\n/g, '\r\n')}`)).to.deep.equal(result);
    });
  });

  describe('bad input', () => {
    it('does report malformed XML with its line and column, and import nothing', () => {
      const result = parseMoodleXml('<?xml version="1.0"?>\n<quiz>\n  <question type="essay">\n    <name><text>x</name>\n  </question>\n</quiz>\n');
      expect(result.items).to.deep.equal([]);
      expect(result.problems).to.have.lengthOf(1);
      expect(result.problems[0]).to.include({ line: 4, severity: 'error' });
      expect(result.problems[0]?.message).to.match(/^not well-formed XML \(column \d+\): .*nothing was imported$/);
    });

    it('does report a document whose root is not <quiz>', () => {
      expect(errors(parseMoodleXml('<questions><question type="essay"/></questions>'))).to.deep.equal([[1, 'the root element is not <quiz>; nothing was imported']]);
    });

    it('does report unsupported types and unusable questions at their line, and keep the rest', () => {
      const xml = [
        '<quiz>', // 1
        '  <question type="multianswer"><name><text>Cloze</text></name><questiontext><text>{1:SA:=x}</text></questiontext></question>', // 2
        '  <question type="multichoice"><name><text>One</text></name><questiontext><text>Q</text></questiontext>', // 3
        '    <answer fraction="100"><text>only</text></answer></question>', // 4
        '  <question type="numerical"><name><text>N</text></name><questiontext><text>Q</text></questiontext>', // 5
        '    <answer fraction="100"><text>abc</text></answer></question>', // 6
        '  <question type="truefalse"><name><text>TF</text></name><questiontext><text>Q</text></questiontext>', // 7
        '    <answer fraction="100"><text>yes</text></answer><answer fraction="0"><text>no</text></answer></question>', // 8
        '  <question><name><text>no type</text></name></question>', // 9
        '  <question type="matching"><name><text>M</text></name><questiontext><text>Q</text></questiontext>', // 10
        '    <subquestion><text>a</text><answer><text></text></answer></subquestion></question>', // 11
        '</quiz>',
      ].join('\n');
      const result = parseMoodleXml(xml);
      expect(errors(result)).to.deep.equal([
        [2, 'question not imported: question type "multianswer" (embedded answers (Cloze)) is not supported'],
        [3, 'question not imported: a multiple choice question needs at least two answers'],
        [5, 'question not imported: numerical answer "abc" is not a number'],
        [9, 'question not imported: <question> has no type attribute'],
        [10, 'question not imported: sub-question "a" has no answer'],
      ]);
      expect(result.items.map((i) => [i.type, i.line])).to.deep.equal([['true_false', 7]]);
      expect(result.items[0]).to.include({ answer: true, stem_format: 'html' });
      expect(result.problems.filter((p) => p.severity === 'warning').map((p) => [p.line, p.itemIndex])).to.deep.equal([
        [7, 0],
        [7, 0],
      ]);
    });

    it('does warn about embedded files and unit penalties it does not carry', () => {
      const xml = `<quiz><question type="numerical"><name><text>N</text></name><questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text></questiontext>
<answer fraction="100"><text>5</text></answer><unitgradingtype>1</unitgradingtype></question></quiz>`;
      const result = parseMoodleXml(xml);
      expect(result.items).to.have.lengthOf(1);
      expect(result.problems.map((p) => [p.severity, p.line, p.itemIndex])).to.deep.equal([
        ['warning', 1, 0],
        ['warning', 1, 0],
      ]);
    });
  });

  describe('questionStartLines', () => {
    it('does skip <question inside comments, CDATA and processing instructions', () => {
      const xml = '<?xml version="1.0"?>\n<!-- <question -->\n<quiz>\n<question type="a"><text><![CDATA[\n<question type="b">\n]]></text></question>\n<?pi <question ?>\n<question/>\n<questiontext/></quiz>';
      expect(questionStartLines(xml)).to.deep.equal([4, 8]);
    });
  });
  describe("messages in the reader's language (lang/{id,en}.json)", () => {
    const strings = importStrings('import-moodlexml');
    /** A question of `type` with a name and a text, and `inner` after them. */
    const q = (type: string, inner = '', text = 'Q') => `<question type="${type}"><name><text>N</text></name><questiontext><text>${text}</text></questiontext>${inner}</question>`;
    const answer = (fraction: string, text: string, extra = '') => `<answer fraction="${fraction}"><text>${text}</text>${extra}</answer>`;
    const items = (...texts: string[]) => texts.map((t) => answer('0', t)).join('');
    const HINTED = ['multianswer', 'calculated', 'calculatedsimple', 'calculatedmulti', 'randomsamatch', 'random', 'ddwtos', 'gapselect', 'ddmarker', 'ddimageortext'];
    /** Questions that each give one message (or more), then whole files with file-level problems. */
    const QUESTIONS = [
      '<question type="essay"><questiontext format="wiki_like"><text>Q</text></questiontext></question>',
      q('multichoice', answer('abc', 'a') + answer('0', 'b')), q('multichoice', answer('100', 'a') + answer('0', '') + answer('0', 'b')),
      q('multichoice', answer('100', 'a')), q('multichoice', answer('50', 'a') + answer('0', 'b')),
      q('truefalse', answer('100', 'true')), q('truefalse', answer('100', 'yes') + answer('0', 'no')),
      q('numerical', answer('100', 'abc')), q('numerical', answer('100', '5', '<tolerance>x</tolerance>')), q('numerical', answer('100', '5', '<tolerance>-1</tolerance>')),
      q('numerical'), q('numerical', `${answer('100', '5')}<units><unit><unit_name></unit_name><multiplier>1</multiplier></unit></units>`),
      q('numerical', `${answer('100', '5')}<unitgradingtype>1</unitgradingtype>`), q('shortanswer'),
      q('matching', '<subquestion><text>a</text><answer><text></text></answer></subquestion>'), q('matching', '<subquestion><text>a</text><answer><text>b</text></answer></subquestion>'),
      q('ordering', items('a')), q('ordering', `${items('a', 'b', 'c')}<gradingtype>ABSOLUTE_POSITION</gradingtype>`),
      q('ordering', `${items('a', 'b', 'c')}<selecttype>RANDOM</selecttype><selectcount>2</selectcount>`),
      '<question><name><text>no type</text></name></question>', '<question type="category"><category><text></text></category></question>',
      q('essay', '', '<![CDATA[<img src="@@PLUGINFILE@@/a.png">]]>'), q('description', '<generalfeedback><text>gf</text></generalfeedback>'),
      q('hotspot'), ...HINTED.map((type) => q(type)), q('essay', '<defaultgrade>abc</defaultgrade>'),
    ];
    const FILES = ['<?xml version="1.0"?>\n<quiz>\n  <question type="essay">\n    <name><text>x</name>\n  </question>\n</quiz>\n', '<questions/>'];

    it('does give every problem a key whose English is the message and whose Indonesian shows the same facts', () => {
      expectAllTranslatable('import-moodlexml', parseMoodleXml, [...QUESTIONS.map((x) => `<quiz>${x}</quiz>`), ...FILES]);
    });

    it('does show an unsupported type and a file that is not a quiz in Bahasa Indonesia', () => {
      const [cloze] = parseMoodleXml(`<quiz>${q('multianswer')}</quiz>`).problems;
      expect(cloze?.message).to.equal('question not imported: question type "multianswer" (embedded answers (Cloze)) is not supported');
      expect(strings.in('id', cloze!)).to.equal('Soal tidak diimpor: jenis soal "multianswer" (jawaban tersisip (Cloze)) tidak didukung.');
      const [root] = parseMoodleXml('<questions/>').problems;
      expect(strings.in('id', root!)).to.equal('Elemen akar berkas bukan <quiz>; tidak ada soal yang diimpor.');
      // A type name that is also an Object method is not taken for a hint.
      expect(parseMoodleXml(`<quiz>${q('constructor')}</quiz>`).problems[0]?.message).to.equal('question not imported: question type "constructor" is not supported');
    });
  });
});
