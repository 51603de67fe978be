/** The IKM of PermenPANRB 14/2017, exact on the worked example and at every grade boundary, with both weights. */
import { expect } from 'chai';
import { ikmFromTotals, ikmGrade, ikmJson, ikmOfResponses, totalsOf } from '../ikm';
import { readResponsesCsv } from '../responses-csv';
import { BOUNDARY_CASES, WORKED, WORKED_AVERAGES, WORKED_ROWS, rowsWithTotal } from './ikm-cases';

describe('survey-skm: IKM', () => {
  describe('the worked example', () => {
    it('gives the element averages and the IKM with 1/9 by default', () => {
      const r = ikmOfResponses(WORKED_ROWS);
      expect(r.elementAverages).to.deep.equal(WORKED_AVERAGES);
      expect(r).to.include({ ikm: WORKED['one-ninth'], grade: 'B', label: 'Baik', respondents: 10, weight: 'one-ninth' });
    });
    it('gives 78.65 with the weight 0.11', () => {
      expect(ikmOfResponses(WORKED_ROWS, '0.11')).to.include({ ikm: WORKED['0.11'], grade: 'B' });
    });
  });

  describe('grade boundaries', () => {
    for (const c of BOUNDARY_CASES) {
      it(`${c.what} with weight ${c.weight}: ${c.ikm.toFixed(2)} ${c.grade}`, () => {
        const r = ikmOfResponses(rowsWithTotal(c.n, c.total), c.weight);
        expect(r.ikm).to.equal(c.ikm);
        expect(r.grade).to.equal(c.grade);
      });
    }
    it('reads the grade from the shown value', () => {
      expect([88.31, 88.3, 76.61, 76.6, 65, 64.99, 25].map(ikmGrade)).to.deep.equal(['A', 'B', 'B', 'C', 'C', 'D', 'D']);
    });
  });

  describe('element counts', () => {
    it('averages each element over those who scored it', () => {
      const totals = totalsOf(WORKED_ROWS);
      totals[8] = { sum: 3, count: 1 }; // one respondent scored u9
      const r = ikmFromTotals(totals);
      expect(r.elementAverages[8]).to.equal(3);
    });
    it('refuses impossible totals', () => {
      expect(() => ikmFromTotals(totalsOf(WORKED_ROWS).slice(0, 8))).to.throw(RangeError);
      expect(() => ikmFromTotals(totalsOf(WORKED_ROWS).map(() => ({ sum: 0, count: 0 })))).to.throw(RangeError);
      expect(() => ikmFromTotals(totalsOf(WORKED_ROWS).map(() => ({ sum: 5, count: 1 })))).to.throw(RangeError);
      expect(() => ikmOfResponses([])).to.throw(RangeError);
    });
  });

  describe('ikmJson', () => {
    it('writes 2 decimals in a fixed key order', () => {
      expect(ikmJson(ikmOfResponses(rowsWithTotal(1, 36)))).to.equal(
        '{"element_averages":[4.00,4.00,4.00,4.00,4.00,4.00,4.00,4.00,4.00],"ikm":100.00,"grade":"A","label":"Sangat Baik"}',
      );
    });
  });

  describe('responses.csv', () => {
    it('reads rows and reports every bad line with its number', () => {
      expect(readResponsesCsv('u1,u2,u3,u4,u5,u6,u7,u8,u9\n1,2,3,4,1,2,3,4,1\n').rows).to.deep.equal([[1, 2, 3, 4, 1, 2, 3, 4, 1]]);
      const bad = readResponsesCsv('u1,u2,u3,u4,u5,u6,u7,u8,u9\n1,2,3,4,1,2,3,4,1\n1,2,3,4,5,2,3,4,1\n\n1,2,3\n4,4,4,4,4,4,4,4,x\n');
      expect(bad.rows).to.equal(undefined);
      expect(bad.problems).to.deep.equal([
        { line: 3, message: 'u5 must be a whole number from 1 to 4 (found "5")' },
        { line: 5, message: 'expected 9 values u1…u9, found 3' },
        { line: 6, message: 'u9 must be a whole number from 1 to 4 (found "x")' },
      ]);
    });
    it('refuses a wrong header and a file without rows', () => {
      expect(readResponsesCsv('a,b\n1,2\n').problems[0]).to.include({ line: 1 });
      expect(readResponsesCsv('u1,u2,u3,u4,u5,u6,u7,u8,u9\n').problems[0]!.message).to.contain('no responses');
      expect(readResponsesCsv('').problems[0]!.message).to.contain('empty file');
    });
  });
});
