/**
 * Throughput of certificate rendering, against a bare one-page pdfkit document as the floor, so
 * the cost of our layout (fonts, QR, shrink-to-fit, attachment) is visible as a ratio.
 *
 * Invariant: renders run sequentially in this process (one worker = one core), each to a
 * complete Buffer; the first render (font parsing, template compilation) is a warm-up and is not
 * timed. Run: `node --import tsx plugins/certificate-pdf/bench-pdf.ts [n]`.
 */
import PDFDocument from 'pdfkit';
import { defaultTemplate } from './certificate-template';
import { renderCertificatePdf, type RenderCertificateInput } from './render-certificate';

export interface BenchResult {
  n: number;
  ms: number;
  perSecond: number;
  peakRssMb: number;
}

function input(i: number): RenderCertificateInput {
  const code = `BINA-${String(i).padStart(4, '0')}-9XW2`;
  return {
    template: defaultTemplate,
    data: {
      // Vary the name so glyph sets and line breaks differ as in a real batch.
      name: i % 7 === 0 ? `Prof. Dr. Andi Muhammad Nur Fadhilah Wiranatakusumah ${i}, S.T., M.Eng.` : `Ni Luh Putu Ayu Kartika ${i}, S.Kom.`,
      achievement: 'Pelatihan Dasar Calon Pegawai Negeri Sipil Golongan III Angkatan XII',
      competency: 'Manajemen ASN dan Pelayanan Publik',
      level: 'Madya',
      jp: 32,
      issuedOn: new Date(Date.UTC(2026, 10, 23, 3, 0, i % 60)),
      verifyUrl: `https://bina.sulbarprov.go.id/verify/${code}`,
      code,
      issuerName: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Provinsi Sulawesi Barat',
      place: 'Mamuju',
    },
    credentialJson: JSON.stringify({ id: `urn:uuid:${i}`, type: ['VerifiableCredential', 'OpenBadgeCredential'], proof: { proofValue: 'z'.padEnd(88, 'x') } }),
    timeZone: 'Asia/Makassar',
    locale: 'id',
  };
}

async function measure(n: number, once: (i: number) => Promise<Buffer>): Promise<BenchResult> {
  await once(-1);
  let peak = process.memoryUsage().rss;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await once(i);
    if (i % 10 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  return { n, ms: Math.round(ms), perSecond: Math.round((n / ms) * 1000 * 10) / 10, peakRssMb: Math.round(peak / 1024 / 1024) };
}

/** Renders n full certificates (default template, vector QR, credential attached). */
export async function benchPdf(n: number): Promise<BenchResult> {
  return measure(n, (i) => renderCertificatePdf(input(Math.max(i, 0))));
}

/** A bare one-page pdfkit document with one line of standard-font text: the floor. */
export async function benchBarePdfkit(n: number): Promise<BenchResult> {
  return measure(
    n,
    (i) =>
      new Promise<Buffer>((resolve, reject) => {
        const doc = new PDFDocument({ size: 'A4', layout: 'landscape' });
        const chunks: Buffer[] = [];
        doc.on('data', (c: Buffer) => chunks.push(c));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.on('error', reject);
        doc.text(`Sertifikat ${i}`, 100, 100);
        doc.end();
      }),
  );
}

// Run directly: print both and the ratio.
if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 200);
  const bare = await benchBarePdfkit(n);
  const cert = await benchPdf(n);
  console.log(JSON.stringify({ bare, cert, ratio: Math.round((bare.perSecond / cert.perSecond) * 10) / 10 }, null, 2));
}
