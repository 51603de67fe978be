/**
 * Round trips across the two formats' plugins (so the test sits in test/, not in either plugin):
 * neutral items → GIFT → neutral items, and the same through Moodle XML.
 *
 * Invariant under test: for items in canonical form, each exporter and its parser are exact
 * inverses (deep equality, not just the README's lenient comparison), and whatever a format
 * cannot express is reported as a problem instead of being lost quietly.
 */
import { expect } from 'chai';
import { compareNeutralItems, formatDifferences } from '../../src/learning/interchange/compare-neutral';
import type { NeutralItem, NumericalRangeAnswer, ParsedItem } from '../../src/learning/interchange/neutral-question';
import { fractionsFromPoints, neutralItemSchema, pointsFromFractions } from '../../src/learning/interchange/neutral-question';
import { exportMoodleXml, exportMoodleXmlWithProblems } from '../../plugins/import-moodlexml/export-moodlexml';
import { parseMoodleXml } from '../../plugins/import-moodlexml/parse-moodlexml';
import { exportGift, exportGiftWithProblems, GiftExportError } from '../../plugins/import-gift/export-gift';
import { parseGift } from '../../plugins/import-gift/parse-gift';

const SPECIALS = 'tilde ~ equals = hash # braces { } colon : backslash \\ arrow -> percent % brackets [x]';

function range(value: number, tolerance: number, fraction: number, feedback: string | null): NumericalRangeAnswer {
  return { value, tolerance, min: value - tolerance, max: value + tolerance, fraction, feedback, syntax: tolerance === 0 ? 'exact' : 'answer:tolerance' };
}

/** One or more items of every type, in the canonical form a GIFT parse produces. */
function giftItems(): NeutralItem[] {
  return [
    { type: 'category', path: '$course$/top/Bina: Unit 1' },
    {
      type: 'multiple_choice',
      title: `Title with ${SPECIALS} and :: double colons`,
      stem: `Which one? ${SPECIALS}\nsecond line, a literal \\n, and C:\\`,
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: `General feedback ${SPECIALS}\nline 2`,
      options: [
        { text: 'a = b', fraction: 1, feedback: `Right ${SPECIALS}` },
        { text: '~ starts with a tilde', fraction: 0, feedback: null },
        { text: '%50% looks like a weight', fraction: 0.5, feedback: '#hash first' },
        { text: '[html] looks like a format marker', fraction: 0, feedback: '[plain] so does this' },
        { text: '<b>HTML option</b>', fraction: -0.25, feedback: '<i>HTML feedback</i>', format: 'html', feedback_format: 'html' },
        { text: '// looks like a comment', fraction: 0, feedback: null },
      ],
      idnumber: 'MC-1',
      tags: ['alpha', 'beta-gamma'],
    },
    {
      type: 'multiple_choice',
      title: 'Several full-credit answers',
      stem: 'Name a season.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      options: [
        { text: 'spring', fraction: 1, feedback: null },
        { text: 'summer', fraction: 1, feedback: null },
      ],
    },
    {
      type: 'multiple_response',
      title: null,
      stem: 'Select the continents.',
      stem_format: 'html',
      embedded_blank: false,
      general_feedback: null,
      options: [
        { text: 'Africa', fraction: 0.3333333, feedback: null },
        { text: 'Asia', fraction: 0.3333333, feedback: 'Yes' },
        { text: 'China', fraction: -1, feedback: 'A country' },
        { text: 'Antarctica', fraction: 0.3333334, feedback: null },
        { text: 'Java', fraction: -0.5, feedback: null, format: 'plain' },
      ],
    },
    {
      type: 'true_false',
      title: 'TF true',
      stem: 'The sun rises in the east.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: 'Astronomy',
      answer: true,
      feedback_true: 'Shown for True',
      feedback_false: 'Shown for False',
      feedback_false_format: 'markdown',
    },
    {
      type: 'true_false',
      title: 'TF false',
      stem: 'Grant is buried in Grant\'s tomb.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      answer: false,
      feedback_true: 'Shown for True',
      feedback_false: 'Shown for False',
    },
    {
      type: 'true_false',
      title: 'TF right feedback only',
      stem: 'One is odd.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      answer: true,
      feedback_true: 'Right',
      feedback_false: null,
    },
    {
      type: 'short_answer',
      title: 'Capital',
      stem: 'The capital of Indonesia is _____ since 1945.',
      stem_format: 'moodle',
      embedded_blank: true,
      general_feedback: null,
      options: [
        { text: 'Jakarta', fraction: 1, feedback: 'Benar' },
        { text: 'DKI Jakarta', fraction: 0.75, feedback: null },
        { text: '*', fraction: 0, feedback: 'Anything else' },
      ],
    },
    {
      type: 'short_answer',
      title: 'Arrow answer',
      stem: 'Write an arrow.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: 'Only one answer may contain an arrow in GIFT',
      options: [{ text: 'a -> b', fraction: 1, feedback: null }],
    },
    {
      type: 'numerical',
      title: 'Numbers',
      stem: 'When was Grant born?',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      answers: [
        range(1822, 0, 1, 'Exact'),
        range(1822, 5, 0.5, null),
        range(3.1415, 0.0005, 0.25, 'pi'),
        { value: 3, tolerance: 2, min: 1, max: 5, fraction: 0.1, feedback: null, syntax: 'min..max' },
        { value: -3, tolerance: 2, min: -5, max: -1, fraction: 0, feedback: null, syntax: 'min..max' },
        { any: true, fraction: 0, feedback: 'Catch-all' },
      ],
    },
    {
      type: 'numerical',
      title: 'Catch-all first',
      stem: 'Pick 42, anything else earns a little.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      answers: [{ any: true, fraction: 0.1, feedback: null }, range(42, 0, 1, null), range(1e-7, 0, 0.5, 'tiny')],
    },
    {
      type: 'matching',
      title: 'Capitals',
      stem: 'Match the countries.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      pairs: [
        { question: 'Indonesia', answer: 'Jakarta' },
        { question: 'a = b # c', answer: 'c -> d ~ #' },
        { question: '<b>Malaysia</b>', answer: 'Kuala Lumpur', question_format: 'html' },
        { question: '', answer: 'Bangkok' },
      ],
    },
    {
      type: 'essay',
      title: 'Essay',
      stem: 'Describe it.\r\nWindows line break kept.',
      stem_format: 'markdown',
      embedded_blank: false,
      general_feedback: 'Rubric: **clear**',
    },
    { type: 'essay', title: null, stem: 'No feedback.', stem_format: 'moodle', embedded_blank: false, general_feedback: null, idnumber: 'E2' },
    { type: 'description', title: 'Intro', stem: `Read carefully: ${SPECIALS}`, stem_format: 'moodle' },
    { type: 'description', title: null, stem: '// not a comment', stem_format: 'moodle' },
    {
      type: 'ordering',
      title: 'Order',
      stem: 'Put in order.',
      stem_format: 'moodle',
      embedded_blank: false,
      general_feedback: null,
      items: [{ text: 'first ~ one' }, { text: '// second' }, { text: '<i>third</i>', format: 'html' }],
      grading: 'partial',
    },
  ];
}

function withoutLines(items: readonly ParsedItem[]): NeutralItem[] {
  return items.map((item) => {
    const copy: Partial<ParsedItem> = { ...item };
    delete copy.line;
    return copy as NeutralItem;
  });
}

/** The GIFT set as XML gives it back: no embedded_blank, ranges written as value ± tolerance. */
function xmlItems(): NeutralItem[] {
  return giftItems().map((item, index) => {
    if (item.type === 'category') return item;
    const copy = structuredClone(item) as Record<string, unknown> & NeutralItem;
    delete copy.embedded_blank;
    if (copy.title === null) copy.title = `Named ${index}`;
    if (copy.type === 'numerical') {
      copy.answers = copy.answers.map((a) =>
        'any' in a || a.syntax !== 'min..max' ? a : { ...a, min: a.value - a.tolerance, max: a.value + a.tolerance, syntax: 'answer:tolerance' as const },
      );
      copy.units = [
        { unit: 'm', multiplier: 1 },
        { unit: 'cm', multiplier: 100 },
      ];
    }
    if (copy.type === 'short_answer') {
      copy.case_sensitive = index % 2 === 0;
      copy.options = [...copy.options, { text: 'x -> y', fraction: 0, feedback: null }];
    }
    if (copy.type === 'multiple_choice') copy.default_mark = 2.5;
    return copy;
  });
}

describe('interchange round trip', () => {
  describe('GIFT', () => {
    it('does accept the hand-made items as valid neutral items', () => {
      for (const item of giftItems()) expect(neutralItemSchema.safeParse(item).success, JSON.stringify(item)).to.equal(true);
    });

    it('does give back every item exactly: parseGift(exportGift(items)) deep-equals items', () => {
      const items = giftItems();
      const result = parseGift(exportGift(items));
      expect(result.problems).to.deep.equal([]);
      expect(withoutLines(result.items)).to.deep.equal(items);
    });

    it('does agree under the normative comparison too', () => {
      const items = giftItems();
      const diffs = compareNeutralItems(items, parseGift(exportGift(items)).items);
      expect(diffs, formatDifferences(diffs)).to.deep.equal([]);
    });

    it('does escape every control character, so each item is one block', () => {
      const text = exportGift(giftItems());
      expect(text.split(/\n\n/)).to.have.lengthOf(giftItems().length);
      expect(text).to.include('tilde \\~ equals \\= hash \\# braces \\{ \\} colon \\: backslash \\\\');
      expect(text).to.include('{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST');
    });

    it('does survive a second round trip unchanged (the export is stable)', () => {
      const once = exportGift(giftItems());
      expect(exportGift(withoutLines(parseGift(once).items))).to.equal(once);
    });

    it('does keep the fractions of a weighted (TKP) question and warn that points are not kept', () => {
      const points = [5, 4, 3, 2, 1];
      const fractions = fractionsFromPoints(points);
      const item: NeutralItem = {
        type: 'multiple_choice',
        title: 'TKP',
        stem: 'Saat rapat, Anda…',
        stem_format: 'moodle',
        embedded_blank: false,
        general_feedback: null,
        options: points.map((p, i) => ({ text: `Option ${i + 1}`, fraction: fractions[i] ?? 0, feedback: null, points: p })),
      };
      expect(neutralItemSchema.safeParse(item).success).to.equal(true);
      const { text, problems } = exportGiftWithProblems([item]);
      expect(problems).to.have.lengthOf(1);
      expect(problems[0]).to.include({ itemIndex: 0, severity: 'warning' });
      const back = parseGift(text).items[0];
      if (back?.type !== 'multiple_choice') throw new Error('expected a multiple choice item');
      expect(back.options.map((o) => o.fraction)).to.deep.equal(fractions);
      expect(back.options.some((o) => 'points' in o)).to.equal(false);
      expect(pointsFromFractions(back.options.map((o) => o.fraction), 5)).to.deep.equal(points);
    });

    it('does report, not drop, the items GIFT cannot write', () => {
      const base = { title: null, stem_format: 'moodle' as const, embedded_blank: false, general_feedback: null };
      const items: NeutralItem[] = [
        { ...base, type: 'short_answer', stem: 'Arrows', options: [{ text: 'a -> b', fraction: 1, feedback: null }, { text: 'c', fraction: 1, feedback: null }] },
        { ...base, type: 'essay', stem: 'Blank at the end _____', embedded_blank: true },
        { ...base, type: 'matching', stem: 'M', pairs: [{ question: 'a -> b', answer: 'x' }, { question: 'c', answer: 'y' }] },
        { ...base, type: 'essay', stem: 'Fine' },
        { ...base, type: 'short_answer', stem: 'Case', case_sensitive: true, default_mark: 3, options: [{ text: 'A', fraction: 1, feedback: null }] },
      ];
      const { text, problems } = exportGiftWithProblems(items);
      expect(problems.filter((p) => p.severity === 'error').map((p) => p.itemIndex)).to.deep.equal([0, 1, 2]);
      expect(problems.filter((p) => p.severity === 'warning').map((p) => p.itemIndex)).to.deep.equal([4, 4]);
      expect(parseGift(text).items.map((i) => (i.type === 'category' ? '' : i.stem))).to.deep.equal(['Fine', 'Case']);
      expect(() => exportGift(items)).to.throw(GiftExportError, /item 0: .*'->'/);
    });
  });

  describe('Moodle XML', () => {
    it('does give back every item exactly: parseMoodleXml(exportMoodleXml(items)) deep-equals items', () => {
      const items = xmlItems();
      const result = parseMoodleXml(exportMoodleXml(items));
      expect(result.problems).to.deep.equal([]);
      expect(withoutLines(result.items)).to.deep.equal(items);
    });

    it('does agree with the GIFT originals under the normative comparison (null titles, ranges, blanks included)', () => {
      const items = giftItems();
      const diffs = compareNeutralItems(items, parseMoodleXml(exportMoodleXml(items)).items, { exposes: { embedded_blank: false } });
      expect(diffs, formatDifferences(diffs)).to.deep.equal([]);
    });

    it('does name a question without a title after its stem, as Moodle requires a name', () => {
      const xml = exportMoodleXml([{ type: 'essay', title: null, stem: '<p>Write   about <b>Bina</b></p>', stem_format: 'html', general_feedback: null }]);
      expect(parseMoodleXml(xml).items[0]).to.include({ title: 'Write about Bina' });
    });

    it('does write markup in CDATA and keep "]]>" and carriage returns intact', () => {
      const stem = '<p>a ]]> b &nbsp; c</p>\r\nnext';
      const xml = exportMoodleXml([{ type: 'essay', title: 'T', stem, stem_format: 'html', general_feedback: null }]);
      expect(xml).to.include('&#13;');
      expect(parseMoodleXml(xml).items[0]).to.include({ stem });
      const cdata = exportMoodleXml([{ type: 'essay', title: 'T', stem: '<p>x ]]> y</p>', stem_format: 'html', general_feedback: null }]);
      expect(cdata).to.include('<![CDATA[<p>x ]]]]><![CDATA[> y</p>]]>');
      expect(parseMoodleXml(cdata).items[0]).to.include({ stem: '<p>x ]]> y</p>' });
    });

    it('does write the top points of a weighted question as its default grade', () => {
      const fractions = fractionsFromPoints([5, 3, 1]);
      const { text, problems } = exportMoodleXmlWithProblems([
        {
          type: 'multiple_choice',
          title: 'TKP',
          stem: 'S',
          stem_format: 'html',
          general_feedback: null,
          options: [5, 3, 1].map((p, i) => ({ text: `o${p}`, fraction: fractions[i] ?? 0, feedback: null, points: p })),
        },
      ]);
      expect(problems.map((p) => p.severity)).to.deep.equal(['warning']);
      const back = parseMoodleXml(text).items[0];
      if (back?.type !== 'multiple_choice') throw new Error('expected a multiple choice item');
      expect(back.default_mark).to.equal(5);
      expect(pointsFromFractions(back.options.map((o) => o.fraction), back.default_mark ?? 0)).to.deep.equal([5, 3, 1]);
    });

    it('does refuse a text XML 1.0 cannot carry', () => {
      const items: NeutralItem[] = [{ type: 'essay', title: 'T', stem: 'bell \u0007', stem_format: 'html', general_feedback: null }];
      expect(exportMoodleXmlWithProblems(items).problems).to.deep.equal([
        { itemIndex: 0, message: 'the text contains a control character that XML 1.0 cannot carry', severity: 'error' },
      ]);
    });
  });
});
