import { expect } from 'chai';
import { rubricResult, type Band, type Criterion } from '../latsar-result';

const rubric: Criterion[] = [
  { key: 'a', weight: 40, id: 'A', en: 'A' },
  { key: 'b', weight: 35, id: 'B', en: 'B' },
  { key: 'c', weight: 25, id: 'C', en: 'C' },
];
const bands: Band[] = [
  { min: 90.01, id: 'Sangat Memuaskan', en: 'Outstanding', passed: true },
  { min: 80.01, id: 'Memuaskan', en: 'Very good', passed: true },
  { min: 70.01, id: 'Cukup Memuaskan', en: 'Good', passed: true },
  { min: 60.01, id: 'Kurang Memuaskan', en: 'Insufficient', passed: false },
  { min: 0, id: 'Tidak Memuaskan', en: 'Unsatisfactory', passed: false },
];

describe('latsar rubric result', () => {
  it('does weigh the scores by the programme weights, to 2 decimals', () => {
    // (85×40 + 78×35 + 90×25) / 100 = 83.80
    const r = rubricResult(rubric, bands, { a: 85, b: 78, c: 90 });
    expect(r.score).to.equal(83.8);
    expect(r.band.id).to.equal('Memuaskan');
  });
  it('does read the band from the rounded result at the boundaries', () => {
    expect(rubricResult(rubric, bands, { a: 70, b: 70, c: 70 }).band.id).to.equal('Kurang Memuaskan'); // 70.00 < 70.01
    // (71×40 + 70×35 + 70×25)/100 = 70.40
    expect(rubricResult(rubric, bands, { a: 71, b: 70, c: 70 }).band).to.include({ id: 'Cukup Memuaskan', passed: true });
    expect(rubricResult([{ key: 'a', weight: 1, id: 'A', en: 'A' }, { key: 'b', weight: 2, id: 'B', en: 'B' }], bands, { a: 91, b: 90 }).score).to.equal(90.33);
    expect(rubricResult(rubric, bands, { a: 100, b: 100, c: 100 }).band.id).to.equal('Sangat Memuaskan');
    expect(rubricResult(rubric, bands, { a: 0, b: 0, c: 0 }).band.id).to.equal('Tidak Memuaskan');
  });
  it('does refuse a missing or out-of-range score', () => {
    expect(() => rubricResult(rubric, bands, { a: 85, b: 78 })).to.throw(RangeError);
    expect(() => rubricResult(rubric, bands, { a: 101, b: 78, c: 1 })).to.throw(RangeError);
  });
});
