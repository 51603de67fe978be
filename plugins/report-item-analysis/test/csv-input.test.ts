/**
 * Tests of the marks.csv / items.csv reader: a good pair of files on disk, and one case per kind
 * of bad input checking that the error names the right file, line and column.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ItemAnalysisInputError,
  formatInputError,
  parseItemAnalysisCsv,
  readItemAnalysisFiles,
  validateItemAnalysisCsv,
} from '../csv-input';

const ITEMS = 'slot,maxmark\n1,1\n2,2\n3,1.5\n';
const MARKS = ['attempt_id,user_id,1,2,3', 'a1,u1,1,2,1.5', 'a2,u2,0,1.25,', 'a3,u3,1,-0.5,0.75', ''].join('\n');

function firstError(marks: string, items = ITEMS): ItemAnalysisInputError {
  const { input, errors } = validateItemAnalysisCsv({ marks, items });
  expect(input).to.equal(null);
  expect(errors.length).to.be.greaterThan(0);
  return errors[0]!;
}

describe('report-item-analysis: csv-input', () => {
  describe('good files', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'bina-item-analysis-'));
      await writeFile(join(dir, 'items.csv'), ITEMS);
      // BOM, CRLF, a blank line and columns in another order than items.csv: all fine.
      await writeFile(
        join(dir, 'marks.csv'),
        '\ufeffattempt_id,user_id,3,1,2\r\na1,u1,1.5,1,2\r\n\r\na2,u2,,0,1.25\r\n"a3","u3",0.75,1,-0.5\r\n',
      );
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads both files into the analyse input, in items.csv slot order', async () => {
      const { input, errors } = await readItemAnalysisFiles({ marks: join(dir, 'marks.csv'), items: join(dir, 'items.csv') });
      expect(errors).to.deep.equal([]);
      expect(input).to.deep.equal({
        items: [
          { slot: '1', maxMark: 1 },
          { slot: '2', maxMark: 2 },
          { slot: '3', maxMark: 1.5 },
        ],
        attempts: [
          { attemptId: 'a1', userId: 'u1', marks: [1, 2, 1.5] },
          { attemptId: 'a2', userId: 'u2', marks: [0, 1.25, null] },
          { attemptId: 'a3', userId: 'u3', marks: [1, -0.5, 0.75] },
        ],
      });
    });

    it('reports an unreadable file at line 0', async () => {
      const missing = join(dir, 'nope.csv');
      const { input, errors } = await readItemAnalysisFiles({ marks: missing, items: join(dir, 'items.csv') });
      expect(input).to.equal(null);
      expect(errors[0]!.details).to.deep.equal({ file: missing, line: 0 });
      expect(errors[0]!.message).to.match(/not found/);
    });
  });

  it('parses strings too (parseItemAnalysisCsv)', () => {
    const input = parseItemAnalysisCsv({ marks: MARKS, items: ITEMS });
    expect(input.attempts.map((a) => a.marks)).to.deep.equal([
      [1, 2, 1.5],
      [0, 1.25, null],
      [1, -0.5, 0.75],
    ]);
  });

  it('throws a coded error with file, line and column', () => {
    try {
      parseItemAnalysisCsv({ marks: MARKS.replace('1.25', 'abc'), items: ITEMS });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ItemAnalysisInputError);
      const e = err as ItemAnalysisInputError;
      expect(e.code).to.equal('BINA_ERR_ITEM_ANALYSIS_INPUT');
      expect(e.status).to.equal(400);
      expect(e.details).to.deep.equal({ file: 'marks.csv', line: 3, column: 4 });
      expect(formatInputError(e)).to.equal('marks.csv:3:4: mark "abc" for slot "2" is not a number');
    }
  });

  describe('bad input, each with its line', () => {
    const cases: Array<{ name: string; marks?: string; items?: string; file: string; line: number; column?: number; match: RegExp }> = [
      { name: 'empty items.csv', items: '', file: 'items.csv', line: 1, match: /missing header/ },
      { name: 'items.csv without header', items: '1,1\n2,2\n', file: 'items.csv', line: 1, match: /missing header/ },
      { name: 'items.csv with semicolons', items: 'slot;maxmark\n1;1\n', file: 'items.csv', line: 1, match: /semicolons/ },
      { name: 'items.csv with only a header', items: 'slot,maxmark\n', file: 'items.csv', line: 1, match: /no slots/ },
      { name: 'duplicate slot', items: 'slot,maxmark\n1,1\n2,2\n1,1\n', file: 'items.csv', line: 4, column: 1, match: /duplicate slot "1"/ },
      { name: 'non-numeric maxmark', items: 'slot,maxmark\n1,1\n2,two\n3,1\n', file: 'items.csv', line: 3, column: 2, match: /not a number/ },
      { name: 'negative maxmark', items: 'slot,maxmark\n1,1\n2,-1\n3,1\n', file: 'items.csv', line: 3, column: 2, match: /0 or more/ },
      { name: 'short items row', items: 'slot,maxmark\n1,1\n2\n3,1\n', file: 'items.csv', line: 3, match: /expected 2 fields/ },
      { name: 'empty marks.csv', marks: '', file: 'marks.csv', line: 1, match: /missing header/ },
      { name: 'marks.csv without header', marks: 'a1,u1,1,2,1\n', file: 'marks.csv', line: 1, match: /missing header/ },
      { name: 'unknown slot column', marks: 'attempt_id,user_id,1,2,3,9\na1,u1,1,1,1,1\n', file: 'marks.csv', line: 1, column: 6, match: /unknown slot "9"/ },
      { name: 'duplicate slot column', marks: 'attempt_id,user_id,1,2,3,2\na1,u1,1,1,1,1\n', file: 'marks.csv', line: 1, column: 6, match: /duplicate column/ },
      { name: 'missing slot column', marks: 'attempt_id,user_id,1,3\na1,u1,1,1\n', file: 'marks.csv', line: 1, match: /missing column for slot "2"/ },
      { name: 'non-numeric mark', marks: MARKS.replace('0.75', 'x'), file: 'marks.csv', line: 4, column: 5, match: /"x" for slot "3" is not a number/ },
      { name: 'decimal comma', marks: MARKS.replace('0,1.25,', '0,"1,25",'), file: 'marks.csv', line: 3, column: 4, match: /not a number/ },
      { name: 'mark above maxmark', marks: MARKS.replace('a1,u1,1,2,1.5', 'a1,u1,1,2.5,1.5'), file: 'marks.csv', line: 2, column: 4, match: /above its maxmark 2/ },
      { name: 'mark below minus maxmark', marks: MARKS.replace('-0.5', '-3'), file: 'marks.csv', line: 4, column: 4, match: /below -2/ },
      { name: 'duplicate attempt id', marks: MARKS.replace('a3,u3', 'a1,u3'), file: 'marks.csv', line: 4, column: 1, match: /duplicate attempt_id "a1" \(first on line 2\)/ },
      { name: 'empty attempt id', marks: MARKS.replace('a2,u2', ',u2'), file: 'marks.csv', line: 3, column: 1, match: /empty attempt_id/ },
      { name: 'empty user id', marks: MARKS.replace('a2,u2', 'a2,'), file: 'marks.csv', line: 3, column: 2, match: /empty user_id/ },
      { name: 'wrong field count', marks: MARKS.replace('a2,u2,0,1.25,', 'a2,u2,0,1.25'), file: 'marks.csv', line: 3, match: /expected 5 fields/ },
      { name: 'unclosed quote', marks: MARKS.replace('a3,u3', '"a3,u3'), file: 'marks.csv', line: 4, match: /malformed CSV: Quote Not Closed/ },
      // Blank lines are skipped but still counted, so the line stays the one the editor shows.
      { name: 'line after blank lines', marks: 'attempt_id,user_id,1,2,3\n\n\na1,u1,1,nope,1\n', file: 'marks.csv', line: 4, column: 4, match: /not a number/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const e = firstError(c.marks ?? MARKS, c.items ?? ITEMS);
        const expected: Record<string, unknown> = { file: c.file, line: c.line };
        if (c.column !== undefined) expected.column = c.column;
        expect(e.details, e.message).to.deep.equal(expected);
        expect(e.message).to.match(c.match);
      });
    }
  });

  it('collects every problem, not only the first', () => {
    const marks = ['attempt_id,user_id,1,2,3', 'a1,u1,x,2,1', 'a2,u2,1,9,1', 'a1,u3,1,1,y'].join('\n');
    const { errors } = validateItemAnalysisCsv({ marks, items: ITEMS });
    expect(errors.map(formatInputError)).to.deep.equal([
      'marks.csv:2:3: mark "x" for slot "1" is not a number',
      'marks.csv:3:4: mark 9 for slot "2" is above its maxmark 2',
      'marks.csv:4:1: duplicate attempt_id "a1" (first on line 2)',
      'marks.csv:4:5: mark "y" for slot "3" is not a number',
    ]);
  });

  it('accepts a full mark rounded up in the 7th decimal', () => {
    const input = parseItemAnalysisCsv({ marks: 'attempt_id,user_id,1,2,3\na1,u1,1.0000001,2,1.5\n', items: ITEMS });
    expect(input.attempts[0]!.marks[0]).to.equal(1.0000001);
  });
});
