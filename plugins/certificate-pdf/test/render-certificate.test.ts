/**
 * End-to-end checks of the certificate PDF: valid, deterministic (in-process and across
 * processes), the credential travels as an attachment, the QR code scans to the verify URL, and
 * Indonesian text and long names render inside their boxes. Uses poppler (pdftoppm, pdftotext,
 * pdfdetach) and zbarimg; a missing binary fails the test with an install hint.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { PDFDocument as PdfLibDocument, PDFDict, PDFName, PDFArray } from 'pdf-lib';
import { PNG } from 'pngjs';
import PDFDocument from 'pdfkit';
import { defaultTemplate, defaultTemplateEn, type CertificateTemplateInput } from '../certificate-template';
import { extractEmbeddedCredential } from '../extract-credential';
import { RENDERER_VERSION, drawTextBox, renderCertificatePdf, sha256Hex } from '../render-certificate';
import { CREDENTIAL_JSON, runTool, sampleInput } from './fixtures';

const LONG_NAME =
  'Prof. Dr. Ir. Hj. Andi Muhammad Nur Fadhilah Çağlar Syahrul Ramadhan Wiranatakusumah Sastrowardoyo Pangeran Diponegoro Mangkubumi, S.T., M.Eng., Ph.D.';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bina-cert-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, pdf: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, pdf);
  return p;
}

/** Rasterises page 1 and returns the PNG path. */
function rasterise(pdfPath: string, dpi: number): string {
  const base = pdfPath.replace(/\.pdf$/, `-${dpi}`);
  runTool('pdftoppm', ['-r', String(dpi), '-png', '-f', '1', '-l', '1', '-singlefile', pdfPath, base]);
  return `${base}.png`;
}

describe('certificate-pdf / renderCertificatePdf', function () {
  this.timeout(60_000);

  it('produces a valid one-page A4 landscape PDF that pdf-lib loads', async () => {
    const pdf = await renderCertificatePdf(sampleInput());
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).to.match(/%%EOF\s*$/);
    const doc = await PdfLibDocument.load(pdf);
    expect(doc.getPageCount()).to.equal(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).to.be.closeTo(841.89, 0.01);
    expect(height).to.be.closeTo(595.28, 0.01);
    expect(doc.getTitle()).to.contain('Ni Luh Putu Ayu Kartika Saraswati');
    expect(doc.getCreationDate()?.toISOString()).to.equal('2026-11-23T03:00:00.000Z');
  });

  it('embeds the four DejaVu faces as subsets (no reliance on system or standard fonts)', async () => {
    const text = (await renderCertificatePdf(sampleInput())).toString('latin1');
    const fonts = [...text.matchAll(/\/BaseFont \/([A-Z]{6}\+[\w-]+)/g)].map((m) => m[1]);
    expect([...new Set(fonts.map((f) => f!.split('+')[1]))].sort()).to.deep.equal(['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSerif', 'DejaVuSerif-Bold']);
    expect(text).to.not.match(/Helvetica|Times-Roman/);
    expect(text.match(/\/FontFile2/g)?.length).to.equal(4);
  });

  it('ships fonts that cover the letters of Indonesian and other names (no .notdef boxes)', () => {
    const chars =
      'ABCXYZabcxyz0123456789 ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĒēĪīŌōŪūĞğŞşİıŁłŻżĆćŃńŚśŹźŽžŠšČčŘřĐđƠơƯưẠạẢảẾếỆệỌọỘộỤụ–—‘’“”…·•№ə';
    for (const file of ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
      const doc = new PDFDocument({ autoFirstPage: false });
      doc.font(fileURLToPath(new URL(`../../../templates/certificates/fonts/${file}`, import.meta.url)));
      const font = (doc as unknown as { _font: { font: { hasGlyphForCodePoint(cp: number): boolean } } })._font.font;
      const missing = [...chars].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
      expect(missing, file).to.deep.equal([]);
    }
  });

  it('writes well-formed content: no state or colour operators inside a path object', async () => {
    const pdf = (await renderCertificatePdf(sampleInput())).toString('latin1');
    const pathOps = new Set(['m', 'l', 'c', 'v', 'y', 're', 'h']);
    const paintOps = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'n', 'W', 'W*']);
    let checked = 0;
    for (const m of pdf.matchAll(/stream\n([\s\S]*?)\nendstream/g)) {
      const body = m[1]!;
      if (!/ re\n| m\n/.test(body)) continue; // only content streams
      checked++;
      // Drop string and hex operands so their bytes are not read as operators.
      const tokens = body.replace(/\((?:[^()\\]|\\.)*\)/g, '()').replace(/<[0-9a-fA-F\s]*>/g, '<>').split(/\s+/);
      let inPath = false;
      for (const tok of tokens) {
        if (pathOps.has(tok)) inPath = true;
        else if (paintOps.has(tok)) inPath = tok === 'W' || tok === 'W*' ? inPath : false;
        else if (/^[A-Za-z'"*]+$/.test(tok)) expect(inPath, `operator ${tok} inside a path`).to.equal(false);
      }
    }
    expect(checked).to.be.greaterThan(0);
  });

  it('is deterministic: same input → byte-identical PDF and hash', async () => {
    const a = await renderCertificatePdf(sampleInput());
    // Render something else in between, so warm caches (glyphs, compiled texts) are exercised.
    await renderCertificatePdf(sampleInput({ name: 'Yohanes Wenda', code: 'BINA-0000-0001' }));
    const b = await renderCertificatePdf(sampleInput());
    expect(a.equals(b)).to.equal(true);
    expect(sha256Hex(a)).to.equal(sha256Hex(b));
  });

  it('is deterministic across processes (cold caches)', async () => {
    const here = await renderCertificatePdf(sampleInput());
    const cli = fileURLToPath(new URL('./render-fixture-cli.ts', import.meta.url));
    const there = execFileSync(process.execPath, ['--import', 'tsx', cli], { encoding: 'utf8', timeout: 60_000 }).trim();
    expect(there).to.equal(sha256Hex(here));
  });

  it('fixes dates and the document ID: no wall clock, ID bound to the credential', async () => {
    const a = await renderCertificatePdf(sampleInput());
    const text = a.toString('latin1');
    expect(text).to.contain('/CreationDate (D:20261123030000Z)');
    expect(text).to.contain('/ModDate (D:20261123030000Z)');
    const { createHash } = await import('node:crypto');
    const id = createHash('sha256').update(`${RENDERER_VERSION}\nBINA-7K3Q-9XW2\n${CREDENTIAL_JSON}`).digest().subarray(0, 16).toString('hex');
    expect(text).to.contain(`/ID [<${id}> <${id}>]`);
    const other = await renderCertificatePdf({ ...sampleInput(), credentialJson: CREDENTIAL_JSON.replace('z3FX', 'z4FX') });
    expect(other.toString('latin1')).to.not.contain(`<${id}>`);
  });

  it('changes the hash when any byte changes', async () => {
    const pdf = await renderCertificatePdf(sampleInput());
    const tampered = Buffer.from(pdf);
    const i = tampered.indexOf('BINA-7K3Q-9XW2');
    tampered[i] = 'X'.charCodeAt(0);
    expect(sha256Hex(tampered)).to.not.equal(sha256Hex(pdf));
    expect(sha256Hex(pdf)).to.match(/^[0-9a-f]{64}$/);
  });

  it('attaches credential.json so readers list it, and it extracts back byte-identical', async () => {
    const pdf = await renderCertificatePdf(sampleInput());
    const extracted = await extractEmbeddedCredential(pdf);
    expect(extracted).to.be.a('string');
    expect(Buffer.from(extracted!, 'utf8').equals(Buffer.from(CREDENTIAL_JSON, 'utf8'))).to.equal(true);

    const doc = await PdfLibDocument.load(pdf);
    const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict);
    const ef = names.lookup(PDFName.of('EmbeddedFiles'), PDFDict);
    const arr = ef.lookup(PDFName.of('Names'), PDFArray);
    const spec = arr.lookup(1, PDFDict);
    const stream = spec.lookup(PDFName.of('EF'), PDFDict).lookup(PDFName.of('F'));
    expect(String((stream as unknown as { dict: PDFDict }).dict.get(PDFName.of('Subtype')))).to.equal('/application#2Fld+json');
    expect(String(spec.get(PDFName.of('AFRelationship')))).to.equal('/Data');

    const listed = runTool('pdfdetach', ['-list', save('attach.pdf', pdf)]);
    expect(listed).to.match(/1 embedded files?/);
    expect(listed).to.contain('credential.json');
  });

  it('draws a QR code that scans (pdftoppm 150 dpi + zbarimg) to the verify URL', async () => {
    const input = sampleInput();
    const png = rasterise(save('qr.pdf', await renderCertificatePdf(input)), 150);
    const decoded = runTool('zbarimg', ['--quiet', '--raw', png]).trim();
    expect(decoded).to.equal(input.data.verifyUrl);
  });

  it('prints Indonesian text, the Indonesian date, the footer, register number, NIP, unit and signatory (pdftotext)', async () => {
    const pdf = await renderCertificatePdf(sampleInput({
      name: 'Made Çağlar Wirawan Şükrü Ñuñez Ēlia', jp: 1.5, validUntil: new Date('2029-11-22T16:00:00Z'),
      nip: '199001152015031001', unit: 'Bidang Pengembangan Kompetensi', instansi: 'Pemerintah Provinsi Sulawesi Barat', registerNumber: '800/17/BKPSDM/2026',
      signatoryName: 'Dr. Andi Rahman, S.Sos., M.Si.', signatoryNip: '197501012000031001', signatoryPosition: 'Kepala BKPSDM',
    }));
    const text = runTool('pdftotext', ['-layout', save('text.pdf', pdf), '-']);
    expect(text).to.contain('SERTIFIKAT KOMPETENSI');
    expect(text).to.contain('Made Çağlar Wirawan Şükrü Ñuñez Ēlia');
    expect(text).to.contain('Mamuju, 23 November 2026');
    expect(text).to.contain('1,5 JP');
    // 16:00 UTC on 22 Nov is 00:00 WITA on 23 Nov.
    expect(text).to.contain('berlaku sampai dengan 23 November 2029');
    expect(text).to.contain('Kompetensi Manajemen ASN dan Pelayanan Publik — Tingkat Madya');
    expect(text).to.contain('NIP. 19750101 200003 1 001');
    expect(text).to.contain('Dr. Andi Rahman, S.Sos., M.Si.');
    expect(text).to.contain('Kepala BKPSDM');
    expect(text).to.contain('Nomor: 800/17/BKPSDM/2026');
    expect(text).to.contain('NIP 19900115 201503 1 001 · Bidang Pengembangan Kompetensi, Pemerintah Provinsi Sulawesi Barat');
    expect(text).to.contain('https://bina.sulbarprov.go.id/verify/BINA-7K3Q-9XW2');
  });

  it('prints no signatory and no NIP when none is given or the template leaves the NIP off', async () => {
    const bare = runTool('pdftotext', ['-layout', save('bare.pdf', await renderCertificatePdf(sampleInput({ nip: '199001152015031001' }, { ...defaultTemplate, showNip: false }))), '-']);
    expect(bare).not.to.contain('NIP');
    expect(bare).to.contain('Nomor: BINA-7K3Q-9XW2');
  });

  it('renders English with the English template and date', async () => {
    const pdf = await renderCertificatePdf({ ...sampleInput({}, defaultTemplateEn), locale: 'en', timeZone: 'Asia/Jakarta' });
    const text = runTool('pdftotext', ['-layout', save('en.pdf', pdf), '-']);
    expect(text).to.contain('CERTIFICATE OF COMPETENCY');
    expect(text).to.contain('Mamuju, 23 November 2026');
    expect(text).to.contain('Verification code: BINA-7K3Q-9XW2');
  });

  it('renders a very long name on one page without throwing, shrunk and wrapped', async () => {
    const pdf = await renderCertificatePdf(sampleInput({ name: LONG_NAME }));
    const doc = await PdfLibDocument.load(pdf);
    expect(doc.getPageCount()).to.equal(1);
    const text = runTool('pdftotext', [save('long.pdf', pdf), '-']).replace(/\s+/g, ' ');
    expect(text).to.contain('Wiranatakusumah');
    // Absurd input: still one page, no throw (the excess is cut with an ellipsis).
    const absurd = await renderCertificatePdf(sampleInput({ name: `${LONG_NAME} `.repeat(2).slice(0, 300), achievement: 'Sangat panjang '.repeat(40).trim() }));
    expect((await PdfLibDocument.load(absurd)).getPageCount()).to.equal(1);
  });

  it('keeps wrapped text inside its box (raster check at 72 dpi)', async () => {
    const box = { x: 200, y: 100, width: 300, height: 80 };
    const template: CertificateTemplateInput = {
      colors: { background: '#FFFFFF', primary: '#000000', accent: '#000000', text: '#000000', muted: '#000000' },
      border: { style: 'none' },
      footer: { show: false },
      texts: [{ id: 'name', text: '{{name}}', ...box, font: 'serif-bold', size: 30, minSize: 9, align: 'center' }],
      qr: { x: 700, y: 450, size: 100 },
    };
    for (const name of [LONG_NAME, 'Wiranatakusumahsastrowardoyomangkubumipangerandiponegoro'.repeat(2)]) {
      const png = PNG.sync.read(readFileSync(rasterise(save('box.pdf', await renderCertificatePdf(sampleInput({ name }, template))), 72)));
      let inside = 0;
      const outside: string[] = [];
      for (let py = 0; py < png.height; py++) {
        for (let px = 0; px < png.width; px++) {
          const o = (py * png.width + px) * 4;
          if ((png.data[o]! + png.data[o + 1]! + png.data[o + 2]!) / 3 > 160) continue;
          const inBox = px >= box.x - 2 && px <= box.x + box.width + 2 && py >= box.y - 2 && py <= box.y + box.height + 2;
          const inQr = px >= 698 && py >= 448;
          if (inBox) inside++;
          else if (!inQr) outside.push(`${px},${py}`);
        }
      }
      expect(inside, 'text drawn in the box').to.be.greaterThan(200);
      expect(outside.slice(0, 10), 'dark pixels outside the box').to.deep.equal([]);
    }
  });

  it('drawTextBox shrinks to fit and never reports more than the box height', () => {
    const doc = new PDFDocument({ autoFirstPage: true });
    doc.registerFont('serif', fileURLToPath(new URL('../../../templates/certificates/fonts/DejaVuSerif.ttf', import.meta.url)));
    doc.font('serif');
    const fitted = drawTextBox(doc, LONG_NAME, { x: 50, y: 50, width: 300, height: 60, size: 30, minSize: 8 }, { align: 'center' });
    expect(fitted.size).to.be.lessThan(30).and.at.least(8);
    expect(fitted.height).to.be.at.most(60);
    const oneLine = drawTextBox(doc, 'Siti Aminah', { x: 50, y: 200, width: 300, height: 60, size: 30, minSize: 8, preferOneLine: true }, { align: 'center' });
    expect(oneLine.size).to.equal(30);
    doc.end();
  });

  it('renders a PNG logo deterministically', async () => {
    const png = new PNG({ width: 64, height: 64, colorType: 2 });
    for (let i = 0; i < 64 * 64; i++) png.data.set([27, 58, 92, 255], i * 4);
    const logo = PNG.sync.write(png, { colorType: 2 }).toString('base64');
    const template = structuredClone(defaultTemplate);
    template.logo = { data: logo, x: 390.9, y: 30, width: 60, height: 30 };
    const a = await renderCertificatePdf(sampleInput({}, template));
    const b = await renderCertificatePdf(sampleInput({}, template));
    expect(a.equals(b)).to.equal(true);
    expect(a.toString('latin1')).to.contain('/Subtype /Image');
  });

  it('template texts cannot reach prototypes inside a real render', async () => {
    const template = structuredClone(defaultTemplate);
    template.texts!.push({ id: 'probe', text: 'X{{constructor.constructor}}{{name.constructor}}Y', x: 100, y: 520, width: 200, font: 'sans', size: 8 });
    const text = runTool('pdftotext', [save('probe.pdf', await renderCertificatePdf(sampleInput({}, template))), '-']);
    expect(text).to.contain('XY');
    expect(text).to.not.contain('function');
  });

  it('rejects invalid data (bad or non-http verify URL) with a zod error instead of drawing nonsense', async () => {
    for (const verifyUrl of ['not a url', 'javascript:alert(1)', 'file:///etc/passwd']) {
      let err: unknown;
      try {
        await renderCertificatePdf(sampleInput({ verifyUrl }));
      } catch (e) {
        err = e;
      }
      expect(err, verifyUrl).to.be.instanceOf(Error);
      expect(String(err)).to.match(/verifyUrl|url/i);
    }
  });
});
