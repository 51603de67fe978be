import { expect } from 'chai';
import { jobPersonMatch, type StandardEntry } from './job-person-match';
import { readJpmCsv } from './jpm-csv';

/** A standard of n competencies each requiring `required`, and a profile reaching `total` levels over them. */
function caseOf(required: number[], current: number[]) {
  const standard: StandardEntry[] = required.map((r, i) => ({ competency: `K${i + 1}`, required: r }));
  const levels = new Map(current.map((c, i) => [`K${i + 1}`, c]));
  return { standard, levels };
}

describe('job–person match', () => {
  describe('bands at each boundary (default rules: uncapped, 90 / 78)', () => {
    const cases: Array<[number[], number[], number, string]> = [
      [[5, 5], [5, 4], 90, 'optimal'], // 9/10 = 90.00 %
      [[5, 5, 5, 5, 5, 4], [5, 5, 5, 5, 4, 2], 89.66, 'cukup-optimal'], // 26/29
      [[5, 5, 5, 5, 5, 5, 5, 5, 5, 5], [4, 4, 4, 4, 4, 4, 4, 4, 4, 3], 78, 'cukup-optimal'], // 39/50
      [[3, 3, 3], [3, 2, 2], 77.78, 'kurang-optimal'], // 7/9
    ];
    for (const [required, current, jpm, band] of cases) {
      it(`gives ${jpm.toFixed(2)} % as ${band}`, () => {
        const { standard, levels } = caseOf(required, current);
        const r = jobPersonMatch(standard, levels);
        expect(r.jpm).to.equal(jpm);
        expect(r.band).to.equal(band);
      });
    }
  });

  describe('capped and uncapped', () => {
    const { standard, levels } = caseOf([3, 3, 3], [5, 2, 2]);
    it('lets a level above the requirement make up for a gap when uncapped', () => {
      const r = jobPersonMatch(standard, levels, { capped: false, optimalFrom: 90, cukupFrom: 78 });
      expect(r.jpm).to.equal(100);
      expect(r.band).to.equal('optimal');
    });
    it('counts each competency at most at its requirement when capped', () => {
      const r = jobPersonMatch(standard, levels, { capped: true, optimalFrom: 90, cukupFrom: 78 });
      expect(r.jpm).to.equal(77.78); // (3 + 2 + 2) / 9
      expect(r.band).to.equal('kurang-optimal');
    });
    it('reports the gaps either way, largest first, and a missing competency as level 0', () => {
      const r = jobPersonMatch([...standard, { competency: 'A0', required: 2 }], levels);
      expect(r.gaps).to.deep.equal([
        { competency: 'A0', required: 2, current: 0, gap: 2 },
        { competency: 'K2', required: 3, current: 2, gap: 1 },
        { competency: 'K3', required: 3, current: 2, gap: 1 },
      ]);
    });
    it('follows the agency\'s own bands (selection: 80 / 68)', () => {
      const { standard: s, levels: l } = caseOf([5, 5, 5, 5, 5], [4, 4, 4, 4, 4]);
      expect(jobPersonMatch(s, l, { capped: false, optimalFrom: 80, cukupFrom: 68 }).band).to.equal('optimal');
      expect(jobPersonMatch(s, l, { capped: false, optimalFrom: 80.01, cukupFrom: 68 }).band).to.equal('cukup-optimal');
    });
  });

  describe('reading the CSV files', () => {
    it('collects every bad row with its file and line', () => {
      const { input, problems } = readJpmCsv({
        standard: 'competency,required\nINT,3\nKS,7\nINT,2\n',
        profile: 'competency,level\nINT,x\nKS,3,9\n',
      });
      expect(input).to.equal(undefined);
      expect(problems.map((p) => `${p.file}:${p.line}`)).to.deep.equal(['standard.csv:3', 'standard.csv:4', 'profile.csv:2', 'profile.csv:3']);
      expect(problems[1]!.message).to.match(/listed twice \(first on line 2\)/);
    });
    it('refuses a wrong header', () => {
      const { problems } = readJpmCsv({ standard: 'code,level\nINT,3\n', profile: 'competency,level\n' });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ file: 'standard.csv', line: 1 });
    });
  });
});
