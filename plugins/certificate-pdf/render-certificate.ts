/**
 * Renders a certificate PDF with pdfkit: border, logo, template texts, signatories, a vector QR
 * code for `/verify/<code>`, a footer with the verify URL and code, and the signed credential
 * JSON attached as `credential.json` (listed by PDF readers as an attachment).
 *
 * Invariant — determinism: the same input gives a byte-identical PDF, in this process, in another
 * process, and on another machine with the same package versions. That is what lets the worker
 * record the PDF's SHA-256 at issue and anyone re-render it later from the stored credential.
 * How (each point is load-bearing):
 * - No wall clock: the info dictionary's CreationDate/ModDate and the attachment dates are the
 *   issue date; the trailer /ID is derived from the credential, not from time or randomness.
 * - No zlib: streams are written uncompressed (`compress: false`), because deflate output
 *   differs between zlib builds (Node bundles Chromium's zlib, which changes between releases).
 *   The only remaining zlib use is pdfkit splitting the alpha channel of a transparent PNG logo;
 *   use an opaque PNG or a JPEG logo where cross-version reproducibility matters.
 * - Fonts come from the repo (templates/certificates/fonts), never from the OS, and month names
 *   from a fixed table (indonesian-date.ts), never from ICU data.
 * - The QR code is vector rectangles from the `qrcode` matrix (deterministic mask choice); the
 *   rosette's trigonometry is rounded to 0.01 pt so last-bit libm differences cannot show.
 * - Package versions (pdfkit, fontkit, qrcode) are part of the contract: an upgrade that changes
 *   output must bump RENDERER_VERSION (the cross-process test pins the current bytes' behaviour).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { z } from 'zod';
import {
  certificateTemplateSchema,
  pageDimensions,
  renderTemplateText,
  type CertificateTemplate,
  type CertificateTemplateInput,
  type FontKey,
  type TextElement,
} from './certificate-template';
import type { CertificateLocale } from './indonesian-date';
import { drawQrVector, qrMatrix } from './qr-vector';

/**
 * Bump when a change here alters the bytes of the PDF for the same input; store it next to the
 * SHA-256 at issue, so a re-render with another version is known not to reproduce the hash.
 */
export const RENDERER_VERSION = 'bina-certificate-pdf/1';

/** Name of the attachment that carries the signed credential. */
export const CREDENTIAL_ATTACHMENT_NAME = 'credential.json';

// ---------------------------------------------------------------------------------------------
// Input

const line = (max: number) => z.string().max(max);

export const certificateDataSchema = z.object({
  name: line(300).min(1),
  achievement: line(600).min(1),
  competency: line(300).optional(),
  level: line(100).optional(),
  /** Jam Pelajaran (lesson hours, 45 min each in ASN training). */
  jp: z.number().finite().min(0).max(100000).optional(),
  issuedOn: z.date(),
  validUntil: z.date().optional(),
  // http(s) only: the URL goes into the QR code, and a javascript: or file: URL must never do.
  verifyUrl: z.url({ protocol: /^https?$/ }).max(500),
  code: line(100).min(1),
  issuerName: line(300).min(1),
  place: line(100).optional(),
  /** The holder's NIP (18 digits), printed grouped when the template's `showNip` is on. */
  nip: z.string().regex(/^\d{18}$/).optional(),
  unit: line(300).optional(),
  instansi: line(300).optional(),
  /** The agency's register number (nomor register), e.g. 800/17/BKPSDM/2026. */
  registerNumber: line(120).optional(),
  /** The signatory from the agency's settings; none configured, none printed. */
  signatoryName: line(200).optional(),
  signatoryNip: line(30).optional(),
  signatoryPosition: line(300).optional(),
});

export type CertificateData = z.infer<typeof certificateDataSchema>;

export interface RenderCertificateInput {
  template: CertificateTemplateInput | CertificateTemplate;
  data: CertificateData;
  /** The signed credential exactly as stored; attached byte-for-byte (UTF-8). */
  credentialJson: string;
  /** IANA zone for printed dates, e.g. Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT). */
  timeZone: string;
  locale: CertificateLocale;
}

// ---------------------------------------------------------------------------------------------
// Fonts

const FONT_FILES: Record<FontKey, string> = {
  serif: 'DejaVuSerif.ttf',
  'serif-bold': 'DejaVuSerif-Bold.ttf',
  sans: 'DejaVuSans.ttf',
  'sans-bold': 'DejaVuSans-Bold.ttf',
};

const FONT_DIR = fileURLToPath(new URL('../../templates/certificates/fonts/', import.meta.url));

type FontSource = Buffer | object;

/** pdfkit reads `font: null` as "load no default font". Cast kept: its declarations allow only a string. */
const NO_DEFAULT_FONT = null as unknown as string;

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/**
 * A field of pdfkit's internals that its declarations leave out (the current font, the document
 * /ID), read as `unknown` and checked by the caller; undefined when this pdfkit no longer has it.
 */
function pdfkitInternal(from: unknown, field: string): unknown {
  return isObject(from) ? Reflect.get(from, field) : undefined;
}
let fontSources: Record<FontKey, FontSource> | null = null;

/**
 * Parsed fonts, loaded once per process. pdfkit accepts an already-parsed fontkit font (anything
 * with `layout()`); reusing one across documents skips re-parsing ~2 MB of TrueType per
 * certificate. Each document still builds its own subset, so sharing does not leak glyphs between
 * PDFs. We get the fontkit object through pdfkit itself so it is always pdfkit's fontkit version.
 */
function fonts(): Record<FontKey, FontSource> {
  if (fontSources) return fontSources;
  const loaded = {} as Record<FontKey, FontSource>;
  // font: null skips loading pdfkit's default Helvetica metrics, which certificates never use.
  const probe = new PDFDocument({ autoFirstPage: false, font: NO_DEFAULT_FONT });
  for (const key of Object.keys(FONT_FILES) as FontKey[]) {
    const bytes = readFileSync(FONT_DIR + FONT_FILES[key]);
    probe.font(bytes);
    const parsed = pdfkitInternal(pdfkitInternal(probe, '_font'), 'font');
    loaded[key] = isObject(parsed) && typeof Reflect.get(parsed, 'layout') === 'function' ? parsed : bytes;
  }
  fontSources = loaded;
  return loaded;
}

/**
 * pdfkit caches text shaping per word, but per document; most words of a certificate ("diberikan",
 * "kepada", the issuer's name…) are the same in every one, and shaping is the largest cost of a
 * render. So each document gets the process-wide cache of its font. Sharing is safe: a cached run
 * holds glyph ids and scaled positions, which depend only on the font, and each document still
 * records the glyphs it uses in its own subset. Reset every 200 renders to bound memory, since
 * names, NIPs and codes keep adding new words: measured after a full GC, the cache kept ~30 KB per
 * certificate, so a 1,000-render period grew live memory by ~30 MB before each reset; with 200 the
 * bulk run's live memory stays within ~6 MB of flat (ADR 0067), at no measurable cost in speed.
 */
const LAYOUT_CACHE_RENDERS = 200;
let layoutCaches: Record<FontKey, Record<string, unknown>> | null = null;
let rendersOnLayoutCaches = 0;

function shareLayoutCaches(doc: PDFKit.PDFDocument): void {
  if (!layoutCaches || ++rendersOnLayoutCaches > LAYOUT_CACHE_RENDERS) {
    layoutCaches = { serif: Object.create(null), 'serif-bold': Object.create(null), sans: Object.create(null), 'sans-bold': Object.create(null) };
    rendersOnLayoutCaches = 1;
  }
  for (const key of Object.keys(layoutCaches) as FontKey[]) {
    doc.font(key);
    const font = pdfkitInternal(doc, '_font');
    // Only if this pdfkit still has the per-font cache; otherwise rendering is just slower.
    if (isObject(font) && isObject(pdfkitInternal(font, 'layoutCache'))) Reflect.set(font, 'layoutCache', layoutCaches[key]);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** NFC, no control characters (a newline in a name must not break the layout), single spaces. */
function clean(value: string | undefined): string {
  if (value === undefined) return '';
  return value
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "32", "1,5" (id) / "1.5" (en); no ICU, for the same reason as the month names. */
function formatJp(jp: number | undefined, locale: CertificateLocale): string {
  if (jp === undefined) return '';
  const s = Number.isInteger(jp) ? String(jp) : String(Math.round(jp * 100) / 100);
  return locale === 'id' ? s.replace('.', ',') : s;
}

/** An 18-digit NIP as printed: birth date, appointment month, sex, number ("19900115 201503 1 001"). */
export function groupNip(nip: string): string {
  return `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`;
}

export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

type Doc = PDFKit.PDFDocument;

interface Ctx {
  doc: Doc;
  t: CertificateTemplate;
  pageW: number;
  pageH: number;
  color: (ref: string) => string;
  vars: object;
  render: (source: string) => string;
}

type TextOpts = PDFKit.Mixins.TextOptions;

/**
 * Draws `text` in its box: wrap within width, shrink to fit `height` down to `minSize`, then clip
 * with an ellipsis. Always passes a height to pdfkit so overflowing text can never start a page.
 * Returns the font size used and the drawn height (for tests and for stacking).
 */
export function drawTextBox(
  doc: Doc,
  text: string,
  box: {
    x: number;
    y: number;
    width: number;
    height: number;
    size: number;
    minSize?: number;
    valign?: 'top' | 'middle' | 'bottom';
    preferOneLine?: boolean;
  },
  opts: TextOpts,
): { size: number; height: number } {
  const min = Math.min(box.minSize ?? box.size, box.size);
  const measure = (s: number) => {
    doc.fontSize(s);
    return doc.heightOfString(text, { ...opts, width: box.width });
  };
  // Half-point steps keep sizes on a fixed grid, so layouts never depend on float noise.
  const shrinkWhile = (tooBig: (h: number, s: number) => boolean): [number, number] => {
    let s = box.size;
    let h = measure(s);
    while (tooBig(h, s) && s > min) {
      s = Math.max(min, s - 0.5);
      h = measure(s);
    }
    return [s, h];
  };
  let size: number;
  let h: number;
  [size, h] = box.preferOneLine
    ? shrinkWhile((hh, s) => doc.fontSize(s).widthOfString(text, opts) > box.width || hh > box.height + 0.01)
    : [box.size, Number.POSITIVE_INFINITY];
  if (!box.preferOneLine || h > box.height + 0.01 || doc.fontSize(size).widthOfString(text, opts) > box.width) {
    [size, h] = shrinkWhile((hh) => hh > box.height + 0.01);
  }
  doc.fontSize(size);
  const drawnH = Math.min(h, box.height);
  const dy = box.valign === 'middle' ? (box.height - drawnH) / 2 : box.valign === 'bottom' ? box.height - drawnH : 0;
  doc.text(text, box.x, box.y + dy, { ...opts, width: box.width, height: box.height + 0.01, ellipsis: '…' });
  return { size, height: drawnH };
}

function drawTextElement(c: Ctx, el: TextElement): void {
  const text = c.render(el.text).replace(/[ \t]+/g, ' ').trim();
  if (!text) return;
  c.doc.font(el.font).fillColor(c.color(el.color));
  drawTextBox(
    c.doc,
    text,
    { x: el.x, y: el.y, width: el.width, height: el.height ?? c.pageH - el.y, size: el.size, minSize: el.minSize, valign: el.valign, preferOneLine: el.preferOneLine },
    { align: el.align, characterSpacing: el.characterSpacing, lineGap: el.lineGap },
  );
}

function drawDiamond(doc: Doc, cx: number, cy: number, r: number): Doc {
  return doc.moveTo(cx, cy - r).lineTo(cx + r, cy).lineTo(cx, cy + r).lineTo(cx - r, cy).closePath();
}

function drawBorder(c: Ctx): void {
  const { doc, t, pageW: W, pageH: H } = c;
  const b = t.border;
  if (b.style === 'none') return;
  const outer = c.color(b.color);
  const inner = c.color(b.innerColor);
  const i0 = b.inset + b.width / 2;
  doc.save();
  doc.lineWidth(b.width).strokeColor(outer).rect(i0, i0, W - 2 * i0, H - 2 * i0).stroke();
  if (b.style === 'single') {
    doc.restore();
    return;
  }
  const i1 = b.inset + b.width + 4;
  doc.lineWidth(0.9).strokeColor(inner).rect(i1, i1, W - 2 * i1, H - 2 * i1).stroke();
  if (b.style === 'double') {
    doc.restore();
    return;
  }
  // 'ornate': a second fine line and corner ornaments — restrained, as on official certificates.
  const i2 = i1 + 3;
  doc.lineWidth(0.4).strokeColor(inner).rect(i2, i2, W - 2 * i2, H - 2 * i2).stroke();
  const arm = 34;
  const o = i2 + 6;
  const corners: Array<[number, number, number, number]> = [
    [o, o, 1, 1],
    [W - o, o, -1, 1],
    [o, H - o, 1, -1],
    [W - o, H - o, -1, -1],
  ];
  doc.lineWidth(1.1).strokeColor(outer);
  for (const [x, y, sx, sy] of corners) {
    // An L-bracket hugging each corner with a diamond at its knee.
    doc.moveTo(x + sx * arm, y).lineTo(x, y).lineTo(x, y + sy * arm).stroke();
    doc.moveTo(x + sx * (arm - 12), y + sy * 5).lineTo(x + sx * 5, y + sy * 5).lineTo(x + sx * 5, y + sy * (arm - 12)).stroke();
  }
  // Colours are always set before a path is built: colour operators inside a path object are
  // invalid PDF that lenient viewers merely tolerate.
  doc.fillColor(inner);
  for (const [x, y, sx, sy] of corners) drawDiamond(doc, x + sx * 10.5, y + sy * 10.5, 3.2);
  doc.fill();
  // Small diamonds at the middle of the top and bottom edges, on the fine double line.
  const mid = (i1 + i2) / 2;
  drawDiamond(doc, W / 2, mid, 3);
  drawDiamond(doc, W / 2, H - mid, 3);
  doc.fill();
  doc.restore();
}

/** Mixes `hex` towards the background: the rosette must stay well behind the text. */
function tint(hex: string, background: string, amount: number): string {
  const a = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const b = [1, 3, 5].map((i) => parseInt(background.slice(i, i + 2), 16));
  return `#${a.map((v, i) => Math.round(v * amount + b[i]! * (1 - amount)).toString(16).padStart(2, '0')).join('')}`;
}

/** Two decimals: plenty for print, and keeps the uncompressed content stream short. */
const r2 = (v: number) => Math.round(v * 100) / 100;

function drawRosette(c: Ctx): void {
  if (c.t.backgroundPattern !== 'rosette') return;
  const { doc, pageW: W, pageH: H } = c;
  const cx = W / 2;
  const cy = H / 2 + 10;
  const r = Math.min(W, H) * 0.36;
  const k = 0.5522847498; // cubic Bézier approximation of a quarter ellipse
  // Ellipses rotated about the centre; two families with different eccentricity interleave into
  // the classic guilloche lattice. Built as one path with the rotation applied to the points (no
  // per-ellipse transform operators) and stroked once.
  const ellipse = (a: number, b: number, angle: number) => {
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const p = (x: number, y: number): [number, number] => [r2(cx + x * cos - y * sin), r2(cy + x * sin + y * cos)];
    const pts: Array<[number, number]> = [
      p(a, 0), p(a, k * b), p(k * a, b), p(0, b), p(-k * a, b), p(-a, k * b), p(-a, 0),
      p(-a, -k * b), p(-k * a, -b), p(0, -b), p(k * a, -b), p(a, -k * b), p(a, 0),
    ];
    doc.moveTo(...pts[0]!);
    for (let i = 1; i < pts.length; i += 3) doc.bezierCurveTo(...pts[i]!, ...pts[i + 1]!, ...pts[i + 2]!);
  };
  const N = 40;
  // Graphics state first: q/w/RG are not allowed between path-construction operators.
  doc.save().lineWidth(0.35).strokeColor(tint(c.color('accent'), c.t.colors.background, 0.22));
  for (let i = 0; i < N; i++) ellipse(r, r * 0.38, (i * Math.PI) / N);
  for (let i = 0; i < N; i++) ellipse(r * 0.62, r * 0.2, ((i + 0.5) * Math.PI) / N);
  doc.stroke().restore();
}

function drawRules(c: Ctx): void {
  const { doc } = c;
  for (const r of c.t.rules) {
    doc.save().lineWidth(r.width).strokeColor(c.color(r.color));
    if (r.ornament) {
      // Leave a gap around the midpoint for a diamond flanked by two dots.
      const mx = (r.x1 + r.x2) / 2;
      const my = (r.y1 + r.y2) / 2;
      const len = Math.hypot(r.x2 - r.x1, r.y2 - r.y1) || 1;
      const ux = (r.x2 - r.x1) / len;
      const uy = (r.y2 - r.y1) / len;
      const gap = 16;
      doc.moveTo(r.x1, r.y1).lineTo(mx - ux * gap, my - uy * gap).stroke();
      doc.moveTo(mx + ux * gap, my + uy * gap).lineTo(r.x2, r.y2).stroke();
      doc.fillColor(c.color(r.color));
      drawDiamond(doc, mx, my, 4.2).fill();
      doc.circle(mx - ux * 10, my - uy * 10, 1.3).circle(mx + ux * 10, my + uy * 10, 1.3).fill();
    } else {
      doc.moveTo(r.x1, r.y1).lineTo(r.x2, r.y2).stroke();
    }
    doc.restore();
  }
}

function drawLogo(c: Ctx): void {
  const logo = c.t.logo;
  if (!logo) return;
  const bytes = Buffer.from(logo.data, 'base64');
  c.doc.image(bytes, logo.x, logo.y, { fit: [logo.width, logo.height], align: 'center', valign: 'center' });
}

function drawSignatories(c: Ctx): void {
  const area = c.t.signatureArea;
  // A signatory whose name comes out empty (none configured in the settings) prints nothing: no
  // title, no blank line, no invented official.
  const list = c.t.signatories.filter((s) => c.render(s.name).trim() !== '');
  if (!area || list.length === 0) return;
  const { doc } = c;
  const colW = area.width / list.length;
  list.forEach((s, i) => {
    const x = area.x + i * colW;
    const w = colW - (list.length > 1 ? 12 : 0);
    let y = area.y;
    const title = c
      .render(s.title)
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .filter(Boolean)
      .join('\n');
    doc.font('serif').fillColor(c.color('text'));
    if (title) {
      y += drawTextBox(doc, title, { x, y, width: w, height: area.size * 4.2, size: area.size, minSize: 7 }, { align: 'center' }).height;
    }
    y += area.gap;
    const name = c.render(s.name).replace(/\s+/g, ' ').trim();
    doc.font('serif-bold').fillColor(c.color('text'));
    y += drawTextBox(doc, name, { x, y, width: w, height: area.size * 2.6, size: area.size, minSize: 7 }, { align: 'center', underline: true }).height;
    const nip = s.nip ? c.render(s.nip).replace(/\s+/g, ' ').trim() : '';
    if (nip) {
      doc.font('serif').fillColor(c.color('text'));
      drawTextBox(doc, `NIP. ${nip}`, { x, y: y + 1, width: w, height: area.size * 1.5, size: area.size - 1.5, minSize: 6 }, { align: 'center' });
    }
  });
}

function drawQr(c: Ctx, verifyUrl: string): void {
  const q = c.t.qr;
  drawQrVector(c.doc, qrMatrix(verifyUrl, 'M'), { x: q.x, y: q.y, size: q.size, quietZone: 3, color: '#000000', background: '#FFFFFF' });
  if (q.caption) {
    const caption = c.render(q.caption).replace(/\s+/g, ' ').trim();
    if (caption) {
      c.doc.font('sans').fillColor(c.color('muted'));
      drawTextBox(c.doc, caption, { x: q.x - 30, y: q.y + q.size + 3, width: q.size + 60, height: 20, size: 7.5, minSize: 6 }, { align: 'center' });
    }
  }
}

function drawFooter(c: Ctx, locale: CertificateLocale, verifyUrl: string, code: string): void {
  const f = c.t.footer;
  if (!f.show) return;
  const text =
    locale === 'id'
      ? `Keaslian sertifikat ini dapat diverifikasi di ${verifyUrl}  ·  Kode verifikasi: ${code}`
      : `Verify the authenticity of this certificate at ${verifyUrl}  ·  Verification code: ${code}`;
  const inner = c.t.border.style === 'none' ? c.t.margins.bottom : Math.max(c.t.margins.bottom, c.t.border.inset + c.t.border.width + 12);
  const y = c.pageH - inner - f.size * 1.6;
  c.doc.font('sans').fillColor(c.color(f.color));
  drawTextBox(
    c.doc,
    text,
    { x: c.t.margins.left, y, width: c.pageW - c.t.margins.left - c.t.margins.right, height: f.size * 1.4, size: f.size, minSize: 5 },
    { align: 'center' },
  );
}

// ---------------------------------------------------------------------------------------------
// Render

/** Trailer /ID: stable per credential, so re-renders match and different certificates differ. */
function documentId(code: string, credentialJson: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`${RENDERER_VERSION}\n${code}\n${credentialJson}`).digest().subarray(0, 16));
}

/** Renders the certificate; resolves with the complete PDF. Same input → same bytes. */
export async function renderCertificatePdf(input: RenderCertificateInput): Promise<Buffer> {
  const t = certificateTemplateSchema.parse(input.template);
  const data = certificateDataSchema.parse(input.data);
  const { locale, timeZone } = input;
  const issuedOn = new Date(data.issuedOn.getTime());
  // Seconds precision: PDF dates have no milliseconds, and the /ID must not depend on them either.
  issuedOn.setUTCMilliseconds(0);

  const vars = Object.assign(Object.create(null) as Record<string, unknown>, {
    name: clean(data.name),
    achievement: clean(data.achievement),
    competency: clean(data.competency),
    level: clean(data.level),
    jp: formatJp(data.jp, locale),
    issuedOn,
    validUntil: data.validUntil,
    verifyUrl: data.verifyUrl,
    code: clean(data.code),
    issuerName: clean(data.issuerName),
    place: clean(data.place),
    nip: t.showNip && data.nip ? groupNip(data.nip) : '',
    unit: clean(data.unit),
    instansi: clean(data.instansi),
    registerNumber: clean(data.registerNumber),
    signatoryName: clean(data.signatoryName),
    signatoryNip: data.signatoryNip && /^\d{18}$/.test(data.signatoryNip.replace(/\s+/g, '')) ? groupNip(data.signatoryNip.replace(/\s+/g, '')) : clean(data.signatoryNip),
    signatoryPosition: clean(data.signatoryPosition),
  });
  const [pageW, pageH] = pageDimensions(t.page);
  const palette: Record<string, string> = { ...t.colors };

  const doc = new PDFDocument({
    autoFirstPage: false,
    font: NO_DEFAULT_FONT,
    compress: false,
    pdfVersion: '1.7',
    lang: locale === 'id' ? 'id-ID' : 'en',
    displayTitle: true,
    info: {
      Title: `${locale === 'id' ? 'Sertifikat' : 'Certificate'} — ${vars.name as string}`,
      Author: vars.issuerName as string,
      Subject: vars.achievement as string,
      Keywords: vars.code as string,
      Creator: 'Bina',
      Producer: RENDERER_VERSION,
      CreationDate: issuedOn,
      ModDate: issuedOn,
    },
  });
  // pdfkit derives /ID from the info dictionary (md5); replace it with one bound to the credential.
  if (!(pdfkitInternal(doc, '_id') instanceof Uint8Array)) throw new Error('pdfkit internals changed: document _id not found');
  Reflect.set(doc, '_id', documentId(vars.code as string, input.credentialJson));

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Everything below is synchronous up to doc.end(), so the shared fontkit fonts are never used by
  // two documents at once.
  const src = fonts();
  for (const key of Object.keys(src) as FontKey[]) doc.registerFont(key, src[key] as Buffer);
  shareLayoutCaches(doc);
  doc.addPage({ size: [pageW, pageH], margin: 0 });

  const c: Ctx = {
    doc,
    t,
    pageW,
    pageH,
    color: (ref) => palette[ref] ?? ref,
    vars,
    render: (source) => renderTemplateText(source, vars, { timeZone, locale }),
  };

  doc.fillColor(t.colors.background).rect(0, 0, pageW, pageH).fill();
  drawRosette(c);
  drawBorder(c);
  drawLogo(c);
  drawRules(c);
  for (const el of t.texts) drawTextElement(c, el);
  drawSignatories(c);
  drawQr(c, data.verifyUrl);
  drawFooter(c, locale, data.verifyUrl, vars.code as string);

  // `relationship` (PDF/A-3's AFRelationship) is read by pdfkit but missing from its declarations.
  const attachment: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
    name: CREDENTIAL_ATTACHMENT_NAME,
    type: 'application/ld+json',
    description: locale === 'id' ? 'Kredensial terverifikasi (Verifiable Credential) bertanda tangan' : 'Signed verifiable credential',
    // "Data": the information the visible certificate was produced from (PDF 2.0 / PDF/A-3 term).
    relationship: 'Data',
    creationDate: issuedOn,
    modifiedDate: issuedOn,
  };
  doc.file(Buffer.from(input.credentialJson, 'utf8'), attachment);

  doc.end();
  return done;
}
