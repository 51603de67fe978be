/**
 * parseAiken: well-formed files give single-answer multiple choice items with their start line;
 * every malformed question gives an error at the line that shows the fault, and nothing else is lost.
 */
import { expect } from 'chai';
import type { ParseResult } from '../../../src/learning/interchange/neutral-question';
import { compareNeutralItems, formatDifferences } from '../../../src/learning/interchange/compare-neutral';
import { parseAiken } from '../parse-aiken';
import { expectAllTranslatable, importStrings } from '../../../test/support/import-messages';

const lines = (...ls: string[]): string => ls.join('\n');
const errors = (r: ParseResult): Array<[number, string]> => r.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.message]);

describe('parseAiken', () => {
  describe('good input', () => {
    const source = lines(
      'What is the correct answer to this question?', // 1
      'A. Is it this one?', // 2
      'B. Maybe this answer?', // 3
      'C. Possibly this one?', // 4
      'D. Must be this one!', // 5
      'ANSWER: D', // 6
      '', // 7
      'Which LMS has the most quiz import formats?', // 8
      'A) Moodle', // 9
      'B) ATutor', // 10
      'C) Claroline', // 11
      'D) Blackboard', // 12
      'ANSWER: A', // 13
    );

    it('does read each question as a single-answer multiple choice with its start line', () => {
      const result = parseAiken(source);
      expect(result.problems).to.deep.equal([]);
      expect(result.items.map((i) => i.line)).to.deep.equal([1, 8]);
      expect(result.items[0]).to.deep.equal({
        type: 'multiple_choice',
        title: null,
        stem: 'What is the correct answer to this question?',
        stem_format: 'plain',
        general_feedback: null,
        options: [
          { text: 'Is it this one?', fraction: 0, feedback: null },
          { text: 'Maybe this answer?', fraction: 0, feedback: null },
          { text: 'Possibly this one?', fraction: 0, feedback: null },
          { text: 'Must be this one!', fraction: 1, feedback: null },
        ],
        line: 1,
      });
    });

    it('does keep the same result with CRLF and with lone CR line ends', () => {
      const lf = parseAiken(source);
      expect(parseAiken(source.replace(/\n/g, '\r\n'))).to.deep.equal(lf);
      expect(parseAiken(source.replace(/\n/g, '\r'))).to.deep.equal(lf);
    });

    it('does keep text as plain text, without HTML escaping (README rule 6 holds either way)', () => {
      const result = parseAiken(lines('Is 1 < 2 & 3 > 2?', 'A. Correct (< > &)', 'B. No', 'ANSWER: A'));
      expect(result.items[0]).to.include({ stem: 'Is 1 < 2 & 3 > 2?' });
      const expected = [{ type: 'multiple_choice' as const, title: null, stem: 'Is 1 < 2 & 3 > 2?', options: [{ text: 'Correct (< > &)', fraction: 1, feedback: null }, { text: 'No', fraction: 0, feedback: null }] }];
      const diffs = compareNeutralItems(expected, result.items);
      expect(diffs, formatDifferences(diffs)).to.deep.equal([]);
    });

    it('does accept a multi-line question, "answer:" in any case and a lower-case letter, with a warning', () => {
      const result = parseAiken(lines('First line', 'second line', 'A. x', 'B. y', 'answer: b'));
      expect(errors(result)).to.deep.equal([]);
      expect(result.items[0]).to.include({ stem: 'First line\nsecond line' });
      expect(result.problems).to.deep.equal([
        { line: 5, message: "write 'ANSWER:' in capitals; other tools (Moodle) only accept that", i18n: 'import-aiken:problems.answerCase', severity: 'warning', itemIndex: 0 },
      ]);
    });

    it('does match the answer by option letter and warn when letters skip', () => {
      const result = parseAiken(lines('Q', 'A. a', 'B. b', 'D. d', 'ANSWER: D'));
      const item = result.items[0];
      if (item?.type !== 'multiple_choice') throw new Error('expected multiple choice');
      expect(item.options.map((o) => o.fraction)).to.deep.equal([0, 0, 1]);
      expect(result.problems.map((p) => [p.line, p.severity])).to.deep.equal([[2, 'warning']]);
    });
  });

  describe("Moodle's reader rules (qformat_aiken)", () => {
    it('does read options with no space after the delimiter (`A)Text`, `A.Text`) as choices', () => {
      const result = parseAiken(lines('Ibu kota Sulawesi Barat?', 'A)Mamuju', 'B)Majene', 'C.Polewali', 'D.\tPasangkayu', 'ANSWER: A'));
      expect(result.problems).to.deep.equal([]);
      const expected = [{ type: 'multiple_choice' as const, title: null, stem: 'Ibu kota Sulawesi Barat?', options: [
        { text: 'Mamuju', fraction: 1, feedback: null }, { text: 'Majene', fraction: 0, feedback: null },
        { text: 'Polewali', fraction: 0, feedback: null }, { text: 'Pasangkayu', fraction: 0, feedback: null },
      ] }];
      const diffs = compareNeutralItems(expected, result.items);
      expect(diffs, formatDifferences(diffs)).to.deep.equal([]);
    });

    it('does recover after each malformed question and keep every good one that follows', () => {
      const result = parseAiken(lines(
        'Good 1', 'A. a', 'B. b', 'ANSWER: A', '', // 1-5
        'Only a question text, its options forgotten', '', // 6-7
        'Good 2', 'A)a', 'B)b', 'ANSWER: B', '', // 8-12
        'Too few', 'A. a', 'ANSWER: A', '', // 13-16
        'Good 3', 'A.a', 'B.b', 'ANSWER: A', // 17-20
        'C. stray option after an answer', '', // 21-22
        'Good 4', 'A. a', 'B. b', 'ANSWER: B', // 23-26
      ));
      expect(result.items.map((i) => [i.line, 'stem' in i ? i.stem : null])).to.deep.equal([[1, 'Good 1'], [8, 'Good 2'], [17, 'Good 3'], [23, 'Good 4']]);
      expect(errors(result)).to.deep.equal([
        [6, 'question not imported: a question text with no options (a new question starts on line 8)'],
        [14, 'question not imported: a question needs at least two options, found 1'],
        [21, 'question not imported: the options have no question text before them'],
      ]);
    });
  });

  describe('bad input: an error with its line for every question that cannot be read', () => {
    it('does report a missing ANSWER line, whether another question follows or the file ends', () => {
      const result = parseAiken(lines('Q1', 'A. a', 'B. b', 'Q2', 'A. a', 'B. b', 'ANSWER: A', '', 'Q3', 'A. a', 'B. b'));
      expect(result.items.map((i) => i.line)).to.deep.equal([4]);
      expect(errors(result)).to.deep.equal([
        [1, "question not imported: no 'ANSWER:' line after its options (a new question starts on line 4)"],
        [9, "question not imported: no 'ANSWER:' line before the end of the file"],
      ]);
    });

    it('does report an answer letter that is not among the options, at the ANSWER line', () => {
      const result = parseAiken(lines('Q', 'A. a', 'B. b', 'ANSWER: E'));
      expect(errors(result)).to.deep.equal([[4, 'question not imported: answer E is not among the options (A, B)']]);
    });

    it('does report fewer than two options, an unreadable answer, duplicates and empty options', () => {
      const result = parseAiken(
        lines('Q1', 'A. only', 'ANSWER: A', '', 'Q2', 'A. a', 'B. b', 'ANSWER: A or B', '', 'Q3', 'A. a', 'A. again', 'ANSWER: A', '', 'Q4', 'A. a', 'B.', 'ANSWER: A'),
      );
      expect(result.items).to.deep.equal([]);
      expect(errors(result)).to.deep.equal([
        [2, 'question not imported: a question needs at least two options, found 1'],
        [8, 'question not imported: \'ANSWER:\' must name one option letter, found "A or B"'],
        [12, 'question not imported: option letter A appears twice'],
        [17, 'question not imported: option B has no text'],
      ]);
    });

    it('does report options without a question and an ANSWER without a question', () => {
      const result = parseAiken(lines('A. a', 'B. b', 'ANSWER: A', 'ANSWER: B', 'Q', 'A. x', 'B. y', 'ANSWER: B'));
      expect(result.items.map((i) => i.line)).to.deep.equal([5]);
      expect(errors(result)).to.deep.equal([
        [1, 'question not imported: the options have no question text before them'],
        [4, "'ANSWER:' without a question before it"],
      ]);
    });
  });
  describe("messages in the reader's language (lang/{id,en}.json)", () => {
    const strings = importStrings('import-aiken');
    /** One small file per message the reader can give. */
    const CORPUS = [
      lines('Q', 'A. a', 'B. b'), lines('Q', 'A. a', 'B. b', 'Next', 'A. x', 'B. y', 'ANSWER: A'), 'ANSWER: A', lines('A. a', 'B. b', 'ANSWER: A'),
      lines('Q', 'A. a', 'ANSWER: A'), lines('Q', 'A. a', 'A. b', 'ANSWER: A'), lines('Q', 'A. a', 'B.', 'ANSWER: A'), lines('Q', 'A. a', 'B. b', 'ANSWER: AB'),
      lines('Q', 'A. a', 'B. b', 'ANSWER: C'), lines('Q', 'A. a', 'B. b', 'answer: A'), lines('Q', 'A. a', 'C. c', 'ANSWER: C'),
      lines('Q', '', 'Next', 'A. x', 'B. y', 'ANSWER: A'),
    ];

    it('does give every problem a key whose English is the message and whose Indonesian shows the same facts', () => {
      expectAllTranslatable('import-aiken', parseAiken, CORPUS);
    });

    it('does show a missing ANSWER line in Bahasa Indonesia', () => {
      const [problem] = parseAiken(lines('Siapa presiden pertama RI?', 'A. Soekarno', 'B. Hatta')).problems;
      expect(problem).to.include({ line: 1, message: "question not imported: no 'ANSWER:' line before the end of the file", i18n: 'bank.import.notImported' });
      expect(strings.in('id', problem!)).to.equal("Soal tidak diimpor: tidak ada baris 'ANSWER:' sampai akhir berkas.");
    });
  });
});
