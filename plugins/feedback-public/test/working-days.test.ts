import { expect } from 'chai';
import { workingDaysBetween } from '../working-days';

describe('feedback-public: workingDaysBetween', () => {
  const tz = 'Asia/Makassar';
  it('skips weekends', () => {
    // Friday 4 Dec 2026 20:00 WITA → Monday 7 Dec 2026: 1 working day.
    expect(workingDaysBetween(new Date('2026-12-04T12:00:00Z'), new Date('2026-12-07T02:00:00Z'), tz)).to.equal(1);
    expect(workingDaysBetween(new Date('2026-12-07T02:00:00Z'), new Date('2026-12-07T08:00:00Z'), tz)).to.equal(0);
    expect(workingDaysBetween(new Date('2026-12-07T02:00:00Z'), new Date('2026-12-14T02:00:00Z'), tz)).to.equal(5);
  });
  it('skips the listed holidays and counts days in the site zone', () => {
    expect(workingDaysBetween(new Date('2026-12-23T02:00:00Z'), new Date('2026-12-28T02:00:00Z'), tz, new Set(['2026-12-25']))).to.equal(2);
    // 23:30 WITA on Monday is still Monday there (15:30 UTC).
    expect(workingDaysBetween(new Date('2026-12-07T15:30:00Z'), new Date('2026-12-08T01:00:00Z'), tz)).to.equal(1);
  });
});
