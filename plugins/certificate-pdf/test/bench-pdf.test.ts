/**
 * Smoke test of the benchmark helpers (the numbers themselves come from running bench-pdf.ts):
 * both run, report what they did, and a certificate is not absurdly slow on CI's 2 cores.
 */
import { expect } from 'chai';
import { benchBarePdfkit, benchPdf } from '../bench-pdf';

describe('certificate-pdf / bench', function () {
  this.timeout(60_000);
  it('benchPdf and benchBarePdfkit report n, ms, perSecond and peak RSS', async () => {
    const cert = await benchPdf(5);
    const bare = await benchBarePdfkit(5);
    for (const r of [cert, bare]) {
      expect(r.n).to.equal(5);
      expect(r.ms).to.be.at.least(0);
      expect(r.perSecond).to.be.greaterThan(0);
      expect(r.peakRssMb).to.be.greaterThan(10);
    }
    // Generous bound (measured ~120/s here): catches an accidental 10× regression, not noise.
    expect(cert.perSecond).to.be.greaterThan(5);
  });
});
