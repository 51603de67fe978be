/**
 * Smoke test for benchBulkIssue: it runs offline (credential + PDF + hash per certificate) and
 * reports consistent numbers; the real measurement (n = 1000) is the bench harness's job.
 */
import { expect } from 'chai';
import { benchBulkIssue } from '../../bench/certificate-bulk-issue';

describe('bench/certificate-bulk-issue', () => {
  it('does report certificates per second next to bare pdfkit, the ratio and peak memory', async () => {
    const r = await benchBulkIssue(3);
    expect(r.n).to.equal(3);
    expect(r.certificatesPerSecond).to.be.closeTo((3 / r.ms) * 1000, 1);
    // Which is faster is measured by npm run bench; a 3-certificate run on a busy machine proves nothing.
    expect(r.barePdfkitPerSecond).to.be.greaterThan(0);
    expect(r.ratio).to.be.closeTo(r.barePdfkitPerSecond / r.certificatesPerSecond, 0.06);
    expect(r.peakRssMb).to.be.greaterThan(0);
    expect(r.signShare).to.be.within(0, 1);
  });

  it('does refuse a non-positive n', async () => {
    let error: unknown;
    try {
      await benchBulkIssue(0);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RangeError);
  });
});
