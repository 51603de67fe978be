import { expect } from 'chai';
import { currentLevels, type EvidenceLike } from './current-level';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const ev = (source: EvidenceLike['source'], level: number, d: number, competency = 'MNJ-KOM'): EvidenceLike => ({ competency, level, source, at: day(d) });

describe('current level from evidence (ADR 0045)', () => {
  it('does take the latest rating, which may lower the level', () => {
    expect(currentLevels([ev('supervisor', 4, 1), ev('assessor', 2, 5)]).get('MNJ-KOM')).to.include({ level: 2, basis: 'assessor', selfAssessed: false });
  });
  it('does let a later certificate or exam raise a rating, never lower it', () => {
    expect(currentLevels([ev('assessor', 2, 1), ev('certificate', 3, 2)]).get('MNJ-KOM')!.level).to.equal(3);
    expect(currentLevels([ev('assessor', 3, 1), ev('exam', 2, 2)]).get('MNJ-KOM')!.level).to.equal(3);
  });
  it('does ignore proofs older than the latest rating', () => {
    expect(currentLevels([ev('certificate', 4, 1), ev('supervisor', 2, 3)]).get('MNJ-KOM')!.level).to.equal(2);
  });
  it('does take the highest proof without a rating', () => {
    expect(currentLevels([ev('exam', 3, 1), ev('certificate', 2, 2)]).get('MNJ-KOM')).to.include({ level: 3, basis: 'exam' });
  });
  it('does count a self-assessment only without other evidence, marked as such', () => {
    expect(currentLevels([ev('self', 4, 1), ev('self', 3, 2)]).get('MNJ-KOM')).to.include({ level: 3, selfAssessed: true });
    expect(currentLevels([ev('self', 5, 3), ev('certificate', 2, 1)]).get('MNJ-KOM')).to.include({ level: 2, selfAssessed: false });
  });
  it('does keep competencies apart', () => {
    const m = currentLevels([ev('self', 2, 1, 'A'), ev('exam', 4, 1, 'B')]);
    expect(m.get('A')!.level).to.equal(2);
    expect(m.get('B')!.level).to.equal(4);
  });
});
