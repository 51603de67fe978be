/**
 * extractEmbeddedCredential: finds credential.json in our PDFs and in PDFs re-saved by other
 * tools, returns null for PDFs without it, and answers garbage only with the coded error.
 */
import { expect } from 'chai';
import { PDFDocument as PdfLibDocument } from 'pdf-lib';
import { CERT_PDF_UNREADABLE, CertificatePdfError, MAX_CREDENTIAL_BYTES, extractEmbeddedCredential } from '../extract-credential';
import { renderCertificatePdf } from '../render-certificate';
import { seededRandom } from '../../../src/learning/seeded-shuffle';
import { CREDENTIAL_JSON, sampleInput } from './fixtures';

/** Resolves to the result, or to the error if it is our coded one; rethrows anything else. */
async function outcome(bytes: unknown): Promise<string | null | CertificatePdfError> {
  try {
    return await extractEmbeddedCredential(bytes as Uint8Array);
  } catch (e) {
    if (e instanceof CertificatePdfError) return e;
    throw e;
  }
}

describe('certificate-pdf / extractEmbeddedCredential', function () {
  this.timeout(60_000);
  let pdf: Buffer;
  before(async () => {
    pdf = await renderCertificatePdf(sampleInput());
  });

  it('reads back the exact credential text', async () => {
    expect(await extractEmbeddedCredential(pdf)).to.equal(CREDENTIAL_JSON);
  });

  it('still finds it after another tool re-saves the PDF (object streams, Flate-compressed attachment)', async () => {
    const resaved = await (await PdfLibDocument.load(pdf)).save({ useObjectStreams: true });
    expect(await extractEmbeddedCredential(resaved)).to.equal(CREDENTIAL_JSON);

    const other = await PdfLibDocument.create();
    other.addPage();
    await other.attach(Buffer.from(CREDENTIAL_JSON, 'utf8'), 'credential.json', { mimeType: 'application/ld+json' });
    const bytes = await other.save();
    expect(Buffer.from(bytes).toString('latin1')).to.contain('/FlateDecode');
    expect(await extractEmbeddedCredential(bytes)).to.equal(CREDENTIAL_JSON);
  });

  it('returns null for a readable PDF without the attachment (or with other attachments only)', async () => {
    const plain = await PdfLibDocument.create();
    plain.addPage();
    expect(await extractEmbeddedCredential(await plain.save())).to.equal(null);
    await plain.attach(Buffer.from('{}'), 'other.json', { mimeType: 'application/json' });
    expect(await extractEmbeddedCredential(await plain.save())).to.equal(null);
  });

  it('answers garbage with BINA_ERR_CERT_PDF_UNREADABLE, never another error', async () => {
    const inputs: unknown[] = [
      Buffer.alloc(0),
      Buffer.from('hello world'),
      Buffer.from('%PDF-1.7\n%garbage\nnot really a pdf'),
      Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Names 5 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF'),
      pdf.subarray(0, Math.floor(pdf.length / 2)),
      'a string, not bytes',
      null,
    ];
    for (const input of inputs) {
      const r = await outcome(input);
      if (r !== null) {
        expect(r, String(input).slice(0, 40)).to.be.instanceOf(CertificatePdfError);
        expect((r as CertificatePdfError).code).to.equal(CERT_PDF_UNREADABLE);
      }
    }
    const e = await outcome(Buffer.from('hello world'));
    expect(e).to.be.instanceOf(CertificatePdfError);
    expect((e as CertificatePdfError).status).to.equal(422);
  });

  it('survives random corruption of a real certificate (100 seeded mutations)', async () => {
    // The assertion is inside `outcome`: any error other than the coded one fails the test. A
    // mutated credential may still come back as text; its signature check is the caller's job.
    const rand = seededRandom(20261123);
    for (let i = 0; i < 100; i++) {
      const bad = Buffer.from(pdf);
      for (let k = 0; k < 20; k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const r = await outcome(bad);
      expect(r === null || typeof r === 'string' || r instanceof CertificatePdfError).to.equal(true);
    }
  });

  it('refuses a decompression bomb in the attachment', async () => {
    const doc = await PdfLibDocument.create();
    doc.addPage();
    await doc.attach(Buffer.alloc(MAX_CREDENTIAL_BYTES + 1024, 0x20), 'credential.json', { mimeType: 'application/json' });
    const bytes = await doc.save();
    expect(bytes.length).to.be.lessThan(100_000);
    const r = await outcome(bytes);
    expect(r).to.be.instanceOf(CertificatePdfError);
  });
});
