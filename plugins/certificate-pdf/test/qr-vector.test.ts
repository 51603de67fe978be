/**
 * The vector QR: merged runs cover exactly the dark modules, and the drawn symbol decodes
 * (pdfkit page → pdftoppm → jsQR, independent of the zbar check in the render test).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import jsQR from 'jsqr';
import PDFDocument from 'pdfkit';
import { PNG } from 'pngjs';
import { darkRuns, drawQrVector, qrMatrix } from '../qr-vector';
import { runTool } from './fixtures';

describe('certificate-pdf / qr-vector', () => {
  it('merges horizontal runs that cover exactly the dark modules', () => {
    const m = qrMatrix('https://bina.example.go.id/verify/ABCD-1234', 'M');
    const covered = new Uint8Array(m.size * m.size);
    const runs = darkRuns(m);
    for (const [r, c, len] of runs) {
      for (let k = 0; k < len; k++) {
        expect(covered[r * m.size + c + k], 'each module once').to.equal(0);
        covered[r * m.size + c + k] = 1;
      }
    }
    expect(Buffer.from(covered).equals(Buffer.from(m.data))).to.equal(true);
    const dark = m.data.reduce((a, b) => a + b, 0);
    expect(runs.length).to.be.lessThan(dark * 0.7);
  });

  it('is deterministic and decodes after rasterising (jsQR)', async function () {
    this.timeout(30_000);
    const url = 'https://bina.example.go.id/verify/ABCD-1234';
    const m = qrMatrix(url, 'M');
    expect(qrMatrix(url, 'M').data).to.deep.equal(m.data);
    const doc = new PDFDocument({ size: [200, 200], margin: 0, compress: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((r) => doc.on('end', () => r()));
    drawQrVector(doc, m, { x: 20, y: 20, size: 160 });
    doc.end();
    await done;
    const dir = mkdtempSync(join(tmpdir(), 'bina-qr-'));
    try {
      writeFileSync(join(dir, 'qr.pdf'), Buffer.concat(chunks));
      runTool('pdftoppm', ['-r', '144', '-png', '-singlefile', join(dir, 'qr.pdf'), join(dir, 'qr')]);
      const png = PNG.sync.read(readFileSync(join(dir, 'qr.png')));
      const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
      expect(found?.data).to.equal(url);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
