/**
 * Tests of the per-slot response frequency count.
 */
import { expect } from 'chai';
import { optionFrequencies } from '../option-frequencies';

describe('report-item-analysis: option-frequencies', () => {
  it('counts listed options in order (zero counts kept), then other responses by count', () => {
    const [q1, q2] = optionFrequencies({
      slots: [
        { slot: 1, options: [{ response: 'A', fraction: 1 }, { response: 'B', fraction: 0 }, 'C'] },
        { slot: 2 },
      ],
      attempts: [
        { responses: ['A', 'x'] },
        { responses: ['B', { response: 'y', fraction: 0.5 }] },
        { responses: ['A', 'y'] },
        { responses: [null, 'x'] },
        { responses: ['D', undefined] },
        { responses: ['A', 'z'] },
      ],
    });
    expect(q1).to.deep.equal({
      slot: 1,
      attempts: 6,
      noResponse: 1,
      noResponseShare: 1 / 6,
      responses: [
        { response: 'A', count: 3, share: 0.5, fraction: 1 },
        { response: 'B', count: 1, share: 1 / 6, fraction: 0 },
        { response: 'C', count: 0, share: 0 },
        { response: 'D', count: 1, share: 1 / 6 },
      ],
    });
    expect(q2!.noResponse).to.equal(1);
    expect(q2!.responses).to.deep.equal([
      { response: 'x', count: 2, share: 2 / 6 },
      { response: 'y', count: 2, share: 2 / 6, fraction: 0.5 },
      { response: 'z', count: 1, share: 1 / 6 },
    ]);
    const total = q2!.responses.reduce((a, r) => a + r.share, q2!.noResponseShare);
    expect(total).to.be.closeTo(1, 1e-12);
  });

  it('handles no attempts', () => {
    const [q] = optionFrequencies({ slots: [{ slot: 'a', options: ['A'] }], attempts: [] });
    expect(q).to.deep.equal({
      slot: 'a',
      attempts: 0,
      noResponse: 0,
      noResponseShare: 0,
      responses: [{ response: 'A', count: 0, share: 0 }],
    });
  });
});
