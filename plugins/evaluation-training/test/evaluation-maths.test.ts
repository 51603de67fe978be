/** Level 2 gains, the SKP rating matrix, the SKP CSV import's errors, and the level 4 comparison. */
import { expect } from 'chai';
import { cohortGain, learnerGains, normalisedGain } from '../normalised-gain';
import { compareResults } from '../results-comparison';
import { readSkpCsv } from '../skp-csv';
import { skpRating, type Expectation } from '../skp-rating';

describe('evaluation-training: level 2 normalised gain', () => {
  it('is (post − pre) / (max − pre) per learner, undefined at a full pre-test', () => {
    expect(normalisedGain(40, 70, 100)).to.equal(0.5);
    expect(normalisedGain(60, 50, 100)).to.equal(-0.25);
    expect(normalisedGain(100, 100, 100)).to.equal(undefined);
    expect(() => normalisedGain(10, 11, 10)).to.throw(RangeError);
    expect(learnerGains([{ learnerId: 'a', pre: 2, post: 9 }, { learnerId: 'b', pre: 5 }], 10).map((g) => g.gain)).to.deep.equal([0.88, undefined]); // 7/8
  });
  it('summarises a cohort both ways, over learners with both tests', () => {
    const c = cohortGain([
      { learnerId: 'a', pre: 40, post: 70 }, // 0.5
      { learnerId: 'b', pre: 80, post: 90 }, // 0.5
      { learnerId: 'c', pre: 100, post: 100 }, // no room: not in the mean of gains
      { learnerId: 'd', pre: 50 }, // no post-test
    ], 100);
    // Hake: (86.67 − 73.33) / (100 − 73.33) = 0.5.
    expect(c).to.deep.equal({ paired: 3, meanOfGains: 0.5, classGain: 0.5, meanPre: 73.33, meanPost: 86.67 });
    expect(cohortGain([], 10)).to.deep.equal({ paired: 0 });
  });
});

describe('evaluation-training: SKP rating (PermenPANRB 6/2022)', () => {
  it('combines work results and behaviour as DOMAIN.md says', () => {
    const table: Array<[Expectation, Expectation, string]> = [
      ['above', 'above', 'sangat-baik'],
      ['above', 'meets', 'baik'],
      ['meets', 'above', 'baik'],
      ['meets', 'meets', 'baik'],
      ['below', 'above', 'butuh-perbaikan'],
      ['below', 'meets', 'butuh-perbaikan'],
      ['below', 'below', 'sangat-kurang'],
      ['above', 'below', 'kurang'],
      ['meets', 'below', 'kurang'],
    ];
    for (const [r, b, want] of table) expect(skpRating(r, b), `${r}+${b}`).to.equal(want);
  });
});

describe('evaluation-training: SKP CSV import', () => {
  it('reads ratings in English or Indonesian', () => {
    const r = readSkpCsv('nip,period,results,behaviour\n199001152015031001,2025,meets,meets\n199001152015031001,2026-S1,Diatas Ekspektasi,sesuai ekspektasi\n');
    expect(r.rows!.map((x) => x.rating)).to.deep.equal(['baik', 'baik']);
    expect(r.rows![1]).to.include({ results: 'above', behaviour: 'meets', line: 3 });
  });
  it('reports every bad row with its line number and imports nothing', () => {
    const r = readSkpCsv([
      'nip,period,results,behaviour',
      '199001152015031001,2025,meets,meets',
      '199001152015031001,2025,above,above',
      '123,2025,meets,meets',
      '199203102019032005,25,great,meets',
      '199203102019032005,2025,meets',
    ].join('\n'));
    expect(r.rows).to.equal(undefined);
    expect(r.problems.map((p) => p.line)).to.deep.equal([3, 4, 5, 5, 6]);
    expect(r.problems[0]!.message).to.equal('199001152015031001 is rated twice for 2025 (first on line 2)');
    expect(r.problems[2]!.message).to.contain('period must be');
    expect(r.problems[3]!.message).to.equal('results must be above, meets or below (found "great")');
    expect(r.problems[4]!.message).to.equal('expected 4 fields, found 3');
  });
  it('refuses a wrong header and an empty file', () => {
    expect(readSkpCsv('nip,rating\n1,2\n').problems[0]).to.include({ line: 1 });
    expect(readSkpCsv('').problems[0]!.message).to.contain('empty file');
  });
});

describe('evaluation-training: level 4 comparison', () => {
  it('gives each group\'s change and their difference, labelled an association', () => {
    const r = compareResults(
      [{ before: 'baik', after: 'sangat-baik' }, { before: 'butuh-perbaikan', after: 'baik' }, { before: 'baik' }],
      [{ before: 'baik', after: 'baik' }, { before: 'butuh-perbaikan', after: 'baik' }],
    );
    expect(r).to.deep.equal({
      trained: { n: 2, meanBefore: 3.5, meanAfter: 4.5, change: 1 },
      comparison: { n: 2, meanBefore: 3.5, meanAfter: 4, change: 0.5 },
      difference: 0.5,
      kind: 'association',
    });
    expect(compareResults([], [])).to.deep.equal({ trained: { n: 0 }, comparison: { n: 0 }, difference: undefined, kind: 'association' });
  });
});
