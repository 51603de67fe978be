/**
 * The A4 poster for a service counter: the unit's name, an invitation to take the survey, and a
 * QR code to the survey page, drawn as vector squares from the QR matrix (sharper in print and
 * far cheaper than a PNG, ARCHITECTURE.md cost notes). Deterministic: same unit, same bytes.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export function posterPdf(opts: { unitName: string; url: string; heading: string; invitation: string; scan: string }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: opts.heading, Producer: 'Bina', Creator: 'Bina', CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const width = doc.page.width - 112;
    doc.font('Helvetica-Bold').fontSize(30).text(opts.heading, { align: 'center', width });
    doc.moveDown(0.5).font('Helvetica').fontSize(20).text(opts.unitName, { align: 'center', width });
    doc.moveDown(1).fontSize(16).text(opts.invitation, { align: 'center', width });
    const qr = QRCode.create(opts.url, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const side = 300;
    const cell = side / n;
    const x0 = (doc.page.width - side) / 2;
    const y0 = doc.y + 30;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) doc.rect(x0 + c * cell, y0 + r * cell, cell, cell);
    doc.fill('#000000');
    doc.y = y0 + side + 24;
    doc.fontSize(14).text(opts.scan, 56, doc.y, { align: 'center', width });
    doc.moveDown(0.5).font('Courier').fontSize(12).text(opts.url, { align: 'center', width });
    doc.end();
  });
}
