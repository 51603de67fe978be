/**
 * Smoke test of the benchmark helpers (the numbers themselves come from running bench-pdf.ts):
 * both run and report what they did. Speed is judged by `npm run bench` against its target, never
 * here: a timed assertion fails on a busy machine and proves nothing about the code.
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
  });
});
