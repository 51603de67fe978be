/**
 * Smoke test for the benchmark helpers: they run offline and report
 * consistent numbers (the real measurement is done by the bench script).
 */
import { expect } from 'chai';
import { benchSigning, benchVerification } from '../bench-credential';

describe('certificate-openbadges/bench-credential', () => {
  it('benchSigning reports n, elapsed ms and throughput', async () => {
    const r = await benchSigning(5);
    expect(r.n).to.equal(5);
    expect(r.ms).to.be.greaterThan(0);
    expect(r.perSecond).to.be.closeTo((5 / r.ms) * 1000, 1);
  });

  it('benchVerification verifies signed credentials', async () => {
    const r = await benchVerification(3);
    expect(r.n).to.equal(3);
    expect(r.perSecond).to.be.greaterThan(0);
  });

  it('rejects a non-positive n', async () => {
    try {
      await benchSigning(0);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).to.be.instanceOf(RangeError);
    }
  });
});
