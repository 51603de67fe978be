/**
 * GIFT conformance: every case of `shared/conformance/question-import` (31 peer cases from
 * gift-pegjs, with Moodle's semantics) must parse to its expected neutral items under the README's
 * normative comparison.
 *
 * Invariant: the case set is never skipped silently. A missing folder, a case file without an
 * expectation, or an expectation without its file fails the run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { compareExpectedParse, compareNeutralItems, formatDifferences, normalizeText } from '../../../src/learning/interchange/compare-neutral';
import type { NeutralItem } from '../../../src/learning/interchange/neutral-question';
import type { ExpectedParse } from '../../../src/learning/interchange/compare-neutral';
import { parseGift } from '../parse-gift';
import { parseQuestionFile } from '../../../src/cli/question-commands';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The cases are kept in the repository (a clone elsewhere has no ../shared); when the shared design
// folder sits beside it, the copy must equal it, so a change there is not missed.
const conformanceDir = path.resolve(repoRoot, 'test/fixtures/conformance/question-import');
const sharedDir = path.resolve(repoRoot, '../shared/conformance/question-import');
const EXPECTED_CASE_COUNT = 31;

interface ExpectedFile {
  schema_version: number;
  cases: Record<string, { format: string; expected: ExpectedParse; notes?: string }>;
}

/** Reads the bytes and decodes them strictly as UTF-8, so a mis-encoded case fails instead of passing mangled. */
function readCase(relative: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path.join(conformanceDir, relative)));
}

describe('GIFT import conformance', () => {
  // A comparison that always said "equal" would make every case pass; these pin its rules.
  describe('the normative comparison (README "How to compare")', () => {
    const item = (over: Partial<Record<string, unknown>> = {}): NeutralItem =>
      ({
        type: 'multiple_choice',
        title: 'T',
        stem: 'Grant is _____ in the tomb.',
        stem_format: 'moodle',
        embedded_blank: true,
        general_feedback: null,
        options: [
          { text: 'a', fraction: 0.3333333, feedback: null },
          { text: 'b', fraction: 1, feedback: 'yes' },
        ],
        ...over,
      }) as NeutralItem;
    const paths = (e: NeutralItem, a: NeutralItem): string[] => compareNeutralItems([e], [a]).map((d) => d.path);

    it('does normalise texts with N: null = missing = "", whitespace folded, one space by _____ dropped', () => {
      expect(normalizeText(null)).to.equal('');
      expect(normalizeText(undefined)).to.equal('');
      expect(normalizeText(' a \t\r\n\f\v b ')).to.equal('a b');
      expect(normalizeText('from _____ .')).to.equal(normalizeText('from _____.'));
      expect(normalizeText('a\u00a0b')).to.equal('a\u00a0b');
      expect(normalizeText('&nbsp;<B>')).to.equal('&nbsp;<B>');
    });

    it('does find no difference between equal items, or items equal under N and the tolerances', () => {
      const lenient = item({
        title: 'T ',
        stem: 'Grant  is\n_____in the tomb.',
        general_feedback: '',
        line: 7,
        options: [
          { text: ' a', fraction: 0.33333335, feedback: '' },
          { text: 'b', fraction: 1, feedback: ' yes\n' },
        ],
      });
      expect(compareNeutralItems([item()], [lenient])).to.deep.equal([]);
    });

    it('does report each field rule that is broken, with its path', () => {
      expect(paths(item(), item({ type: 'multiple_response' }))).to.deep.equal(['items[0].type']);
      expect(paths(item(), item({ stem: 'grant is _____ in the tomb.' }))).to.deep.equal(['items[0].stem']);
      expect(paths(item(), item({ title: 'U' }))).to.deep.equal(['items[0].title']);
      expect(paths(item({ title: null }), item({ title: 'anything' }))).to.deep.equal([]);
      expect(paths(item(), item({ stem_format: 'html' }))).to.include('items[0].stem_format');
      expect(paths(item(), item({ embedded_blank: false }))).to.deep.equal(['items[0].embedded_blank']);
      expect(paths(item(), item({ options: [{ text: 'a', fraction: 0.334, feedback: null }, { text: 'b', fraction: 1, feedback: 'yes' }] }))).to.deep.equal([
        'items[0].options[0].fraction',
      ]);
      expect(paths(item(), item({ options: [{ text: 'a', fraction: 0.3333333, feedback: null }] }))).to.deep.equal(['items[0].options']);
      expect(paths(item(), item({ options: [{ text: 'a', fraction: 0.3333333, feedback: null, format: 'html' }, { text: 'b', fraction: 1, feedback: 'yes' }] }))).to.deep.equal([
        'items[0].options[0].format',
      ]);
    });

    it('does compare formats, embedded_blank, idnumber and tags only when stated and exposed', () => {
      expect(paths(item(), item({ idnumber: 'x', tags: ['t'] }))).to.deep.equal([]);
      expect(paths(item({ idnumber: 'x', tags: ['t', 'u'] }), item({ idnumber: 'y', tags: ['u', 't'] }))).to.deep.equal(['items[0].idnumber', 'items[0].tags']);
      const hidden = compareNeutralItems([item()], [item({ stem_format: 'html', embedded_blank: false })], {
        exposes: { stem_format: false, formats: false, embedded_blank: false },
      });
      expect(hidden).to.deep.equal([]);
    });

    it('does compare numerical answers by interval within 1e-9 relative, and catch-alls by kind', () => {
      const num = (answers: unknown[]): NeutralItem =>
        ({ type: 'numerical', title: null, stem: 'N', general_feedback: null, answers }) as NeutralItem;
      const r = { value: 3.1415, tolerance: 0.0005, min: 3.141, max: 3.142, fraction: 1, feedback: null, syntax: 'min..max' };
      expect(compareNeutralItems([num([r])], [num([{ ...r, min: 3.1415 - 0.0005, max: 3.1415 + 0.0005, syntax: 'answer:tolerance' }])])).to.deep.equal([]);
      expect(compareNeutralItems([num([r])], [num([{ ...r, max: 3.1421 }])]).map((d) => d.path)).to.deep.equal(['items[0].answers[0].max']);
      expect(compareNeutralItems([num([{ any: true, fraction: 0, feedback: 'x' }])], [num([r])]).map((d) => d.path)).to.include('items[0].answers[0]');
    });

    it('does require the question count and item count to match', () => {
      const diffs = compareExpectedParse({ question_count: 2, items: [item()] }, [item(), { type: 'category', path: 'p' }]);
      expect(diffs.map((d) => d.path)).to.deep.equal(['question_count', 'items']);
    });
  });

  if (!existsSync(conformanceDir)) {
    it('does find the conformance folder', () => {
      throw new Error(`conformance folder missing: ${conformanceDir} (copy it from shared/conformance)`);
    });
    return;
  }

  const expectedFile = JSON.parse(readFileSync(path.join(conformanceDir, 'expected.json'), 'utf8')) as ExpectedFile;
  const giftCases = Object.entries(expectedFile.cases).filter(([, c]) => c.format === 'gift');

  describe('the case set', () => {
    it('does hold the 31 GIFT cases, each with its input file', () => {
      const files = readdirSync(path.join(conformanceDir, 'cases'))
        .filter((f) => f.endsWith('.gift'))
        .map((f) => `cases/${f}`)
        .sort();
      expect(expectedFile.schema_version).to.equal(1);
      expect(giftCases.map(([key]) => key).sort()).to.deep.equal(files);
      expect(files).to.have.lengthOf(EXPECTED_CASE_COUNT);
    });

    it('does equal the shared design folder byte for byte, where that folder is present', function () {
      if (!existsSync(sharedDir)) this.skip();
      const list = (dir: string) => ['expected.json', 'README.md', ...readdirSync(path.join(dir, 'cases')).map((f) => `cases/${f}`)].sort();
      expect(list(conformanceDir)).to.deep.equal(list(sharedDir));
      for (const f of list(sharedDir)) expect(readFileSync(path.join(conformanceDir, f)).equals(readFileSync(path.join(sharedDir, f))), f).to.equal(true);
    });
  });

  describe('through `bina questions parse --format gift` (what the CLI prints)', () => {
    for (const [key, testCase] of giftCases) {
      it(`does print ${key} as the expected items`, async () => {
        const printed = await parseQuestionFile('gift', readCase(key));
        expect(printed.question_count).to.equal(testCase.expected.question_count);
        const diffs = compareExpectedParse(testCase.expected, printed.items as never);
        expect(diffs, `${key}\n${formatDifferences(diffs)}`).to.deep.equal([]);
      });
    }
  });

  describe('parsing each case', () => {
    for (const [key, testCase] of giftCases) {
      it(`does parse ${key} to the expected items`, () => {
        const result = parseGift(readCase(key));
        const errors = result.problems.filter((p) => p.severity === 'error');
        expect(errors, 'no question may be refused').to.deep.equal([]);
        for (const item of result.items) expect(item.line, 'every item carries its line').to.be.a('number').greaterThan(0);
        const diffs = compareExpectedParse(testCase.expected, result.items);
        expect(diffs, `${key}\n${formatDifferences(diffs)}`).to.deep.equal([]);
      });
    }
  });
});
