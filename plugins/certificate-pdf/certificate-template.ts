/**
 * The admin-editable certificate template: its zod schema, the sandboxed Handlebars engine that
 * fills its texts, and the default (Bahasa Indonesia) and English templates.
 *
 * Invariants:
 * - A template that passes `certificateTemplateSchema` renders without throwing: every element
 *   lies on the page, fonts are one of the four embedded faces, the logo is a size-limited PNG or
 *   JPEG, and every text compiles under the sandbox below.
 * - Template texts are code written by admins but executed for every learner, so they run in a
 *   private Handlebars instance that knows only `tanggal`, `upper`, `if` and `unless`, has no
 *   partials or decorators, and never reads prototype properties (`{{constructor.constructor}}`
 *   renders empty). Output is not escaped: PDF text is not HTML, and "&amp;" would be printed
 *   literally.
 * - All coordinates are PDF points (1/72 inch) from the top-left corner of the page.
 */
import Handlebars from 'handlebars';
import { z } from 'zod';
import { formatCertificateDate, type CertificateLocale } from './indonesian-date';

// ---------------------------------------------------------------------------------------------
// Page geometry

/** Paper sizes in points (portrait). F4/"folio" (215×330 mm) is common in Indonesian offices. */
export const PAGE_SIZES = {
  A4: [595.28, 841.89],
  A5: [419.53, 595.28],
  LETTER: [612, 792],
  LEGAL: [612, 1008],
  F4: [609.45, 935.43],
} as const satisfies Record<string, readonly [number, number]>;

export type PageSizeName = keyof typeof PAGE_SIZES;

/** [width, height] of the page in points, orientation applied. */
export function pageDimensions(page: { size: PageSizeName; orientation: 'portrait' | 'landscape' }): [number, number] {
  const [w, h] = PAGE_SIZES[page.size];
  return page.orientation === 'landscape' ? [h, w] : [w, h];
}

// ---------------------------------------------------------------------------------------------
// Sandboxed Handlebars

/** Helpers a template may call; anything else fails validation (knownHelpersOnly). */
export const ALLOWED_HELPERS = ['tanggal', 'upper', 'if', 'unless'] as const;

// A private instance: registering or removing helpers here never affects Handlebars used
// elsewhere in the app (e.g. for e-mail), and vice versa.
const hb = Handlebars.create();
for (const name of ['each', 'with', 'lookup', 'log']) hb.unregisterHelper(name);

hb.registerHelper('tanggal', function (this: unknown, ...args: unknown[]) {
  // Handlebars passes its `options` object last; the optional middle argument overrides locale.
  const options = args[args.length - 1] as { data?: { timeZone?: string; locale?: CertificateLocale } };
  const value = args.length > 1 ? args[0] : undefined;
  const localeArg = args.length > 2 ? args[1] : undefined;
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  const locale: CertificateLocale = localeArg === 'en' || localeArg === 'id' ? localeArg : (options.data?.locale ?? 'id');
  return formatCertificateDate(date, options.data?.timeZone ?? 'Asia/Jakarta', locale);
});

hb.registerHelper('upper', (...args: unknown[]) => {
  const value = args.length > 1 ? args[0] : '';
  // toUpperCase, not toLocaleUpperCase: locale-independent, so output never depends on ICU data.
  return value == null ? '' : String(value).toUpperCase();
});

const COMPILE_OPTIONS = {
  noEscape: true,
  strict: false,
  knownHelpersOnly: true,
  // Built-ins default to "known"; switch off the ones removed above so using them fails at
  // validation instead of at render time.
  knownHelpers: { tanggal: true, upper: true, if: true, unless: true, each: false, with: false, lookup: false, log: false },
} as const;

const RUNTIME_OPTIONS = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;

type HbNode = { type: string; [k: string]: unknown };

/** Finds partials and decorators anywhere in the AST; these are rejected outright. */
function forbiddenNode(node: unknown): string | null {
  if (!node || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const n of node) {
      const f = forbiddenNode(n);
      if (f) return f;
    }
    return null;
  }
  const n = node as HbNode;
  if (typeof n.type === 'string' && /Partial|Decorator/.test(n.type)) return n.type;
  for (const key of ['body', 'program', 'inverse', 'params', 'hash', 'pairs', 'value', 'path']) {
    const f = forbiddenNode(n[key]);
    if (f) return f;
  }
  return null;
}

const validationCache = new Map<string, string | null>();

/** null when `source` is an acceptable template text, else a human-readable reason. */
export function templateTextProblem(source: string): string | null {
  const cached = validationCache.get(source);
  if (cached !== undefined) return cached;
  let problem: string | null = null;
  try {
    const forbidden = forbiddenNode(hb.parse(source));
    if (forbidden) problem = `${forbidden} is not allowed in certificate templates`;
    // precompile runs the full compiler, which enforces knownHelpersOnly.
    else hb.precompile(source, COMPILE_OPTIONS);
  } catch (e) {
    problem = e instanceof Error ? e.message.split('\n')[0] ?? 'invalid template' : 'invalid template';
  }
  if (validationCache.size > 2000) validationCache.clear();
  validationCache.set(source, problem);
  return problem;
}

export interface TemplateRenderData {
  timeZone: string;
  locale: CertificateLocale;
}

type Compiled = (context: unknown, options?: Record<string, unknown>) => string;
const compiledCache = new Map<string, Compiled>();

/**
 * Fills one template text. `context` should be a null-prototype object (see `templateContext`)
 * so that even `{{constructor}}` finds nothing to deny. Throws only for texts that would fail
 * `templateTextProblem`.
 */
export function renderTemplateText(source: string, context: object, data: TemplateRenderData): string {
  let fn = compiledCache.get(source);
  if (!fn) {
    const problem = templateTextProblem(source);
    if (problem) throw new Error(`certificate template text rejected: ${problem}`);
    fn = hb.compile(source, COMPILE_OPTIONS) as Compiled;
    if (compiledCache.size > 2000) compiledCache.clear();
    compiledCache.set(source, fn);
  }
  return fn(context, { ...RUNTIME_OPTIONS, data: { timeZone: data.timeZone, locale: data.locale } });
}

// ---------------------------------------------------------------------------------------------
// Schema

export const FONT_KEYS = ['serif', 'sans', 'serif-bold', 'sans-bold'] as const;
export type FontKey = (typeof FONT_KEYS)[number];

export const PALETTE_KEYS = ['primary', 'accent', 'text', 'muted'] as const;

/** Decoded logo bytes; a crest or institution logo at print quality fits easily. */
export const MAX_LOGO_BYTES = 256 * 1024;

const hexColor = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'colour must be #RRGGBB');
/** A text colour is a palette key (so one palette edit recolours the certificate) or #RRGGBB. */
const colorRef = z.union([z.enum(PALETTE_KEYS), hexColor]);
const coord = z.number().finite().min(0).max(3000);
const extent = z.number().finite().positive().max(3000);
const templateText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = templateTextProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const textElementSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'id: lowercase letters, digits, dashes'),
  /** Handlebars source; variables listed in `TEMPLATE_VARIABLES`. */
  text: templateText(2000),
  x: coord,
  y: coord,
  width: extent,
  align: z.enum(['left', 'center', 'right', 'justify']).default('center'),
  font: z.enum(FONT_KEYS),
  size: z.number().finite().min(4).max(120),
  color: colorRef.default('text'),
  /**
   * Height of the text box. Text wraps within `width`; if the wrapped text is taller than
   * `height` the font shrinks in half-point steps down to `minSize`, and what still does not fit
   * is cut with an ellipsis. Without `height` the box reaches to the bottom of the page.
   */
  height: extent.optional(),
  minSize: z.number().finite().min(4).max(120).optional(),
  /**
   * Try to keep the text on one line by shrinking (down to `minSize`) before wrapping it; right
   * for headings and names, wrong for a long course title that reads better on two lines.
   */
  preferOneLine: z.boolean().default(false),
  /** Vertical placement within `height`: 'middle' keeps a shrunken name centred in its slot. */
  valign: z.enum(['top', 'middle', 'bottom']).default('top'),
  characterSpacing: z.number().finite().min(0).max(20).default(0),
  lineGap: z.number().finite().min(-10).max(40).default(0),
});

export const ruleElementSchema = z.strictObject({
  x1: coord,
  y1: coord,
  x2: coord,
  y2: coord,
  width: z.number().finite().positive().max(20).default(0.75),
  color: colorRef.default('accent'),
  /** A small diamond at the midpoint, the classic certificate divider. */
  ornament: z.boolean().default(false),
});

export const signatorySchema = z.strictObject({
  name: templateText(200).pipe(z.string().min(1)),
  title: templateText(300),
  /**
   * Nomor Induk Pegawai: 18 digits, usually printed grouped "19750101 200003 1 001", or
   * `{{signatoryNip}}` (from the agency's settings). Printed after "NIP." unless it comes out empty.
   */
  nip: templateText(60)
    .refine((s) => /^[0-9 ]{1,30}$/.test(s) || s.includes('{{'), 'NIP: digits and spaces, or a variable such as {{signatoryNip}}')
    .optional(),
});

const base64 = z
  .string()
  .max(Math.ceil(MAX_LOGO_BYTES / 3) * 4 + 4, `logo larger than ${MAX_LOGO_BYTES} bytes`)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'logo must be base64 (no data: prefix)');

export const logoSchema = z
  .strictObject({
    /** PNG or JPEG bytes, base64. */
    data: base64,
    x: coord,
    y: coord,
    width: extent,
    height: extent,
  })
  .superRefine((logo, ctx) => {
    const bytes = Buffer.from(logo.data, 'base64');
    if (bytes.length > MAX_LOGO_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: `logo larger than ${MAX_LOGO_BYTES} bytes` });
    } else if (logoKind(bytes) === null) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: 'logo must be a PNG or JPEG image' });
    }
  });

/** 'png' | 'jpeg' from magic bytes, null for anything else. */
export function logoKind(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

export const certificateTemplateSchema = z
  .strictObject({
    schemaVersion: z.literal(1).default(1),
    /** Admin-facing label, not printed. */
    name: z.string().min(1).max(120).default('Sertifikat'),
    page: z
      .strictObject({
        size: z.enum(Object.keys(PAGE_SIZES) as [PageSizeName, ...PageSizeName[]]).default('A4'),
        orientation: z.enum(['portrait', 'landscape']).default('landscape'),
      })
      .default({ size: 'A4', orientation: 'landscape' }),
    margins: z
      .strictObject({ top: coord, right: coord, bottom: coord, left: coord })
      .default({ top: 36, right: 36, bottom: 36, left: 36 }),
    colors: z
      .strictObject({
        background: hexColor.default('#FFFFFF'),
        primary: hexColor.default('#1B3A5C'),
        accent: hexColor.default('#A8842C'),
        text: hexColor.default('#222222'),
        muted: hexColor.default('#5F6670'),
      })
      .default({ background: '#FFFFFF', primary: '#1B3A5C', accent: '#A8842C', text: '#222222', muted: '#5F6670' }),
    border: z
      .strictObject({
        style: z.enum(['none', 'single', 'double', 'ornate']).default('ornate'),
        /** Distance of the outer line from the page edge. */
        inset: z.number().finite().min(0).max(200).default(18),
        width: z.number().finite().positive().max(20).default(2.5),
        color: colorRef.default('primary'),
        /** Colour of the inner line and ornaments of 'double'/'ornate'. */
        innerColor: colorRef.default('accent'),
      })
      .default({ style: 'ornate', inset: 18, width: 2.5, color: 'primary', innerColor: 'accent' }),
    /**
     * A faint guilloche-like rosette behind the text, as on security paper; purely decorative
     * (the QR code and the signed credential are what make a certificate verifiable).
     */
    backgroundPattern: z.enum(['none', 'rosette']).default('none'),
    /** Whether `{{nip}}` prints the holder's NIP (off: it is empty, for agencies that leave it off). */
    showNip: z.boolean().default(true),
    logo: logoSchema.optional(),
    texts: z.array(textElementSchema).max(40),
    rules: z.array(ruleElementSchema).max(20).default([]),
    qr: z.strictObject({
      x: coord,
      y: coord,
      /** Side including the quiet zone; below ~60 pt phones struggle with a long URL. */
      size: z.number().finite().min(48).max(400),
      caption: templateText(200).optional(),
    }),
    signatories: z.array(signatorySchema).max(4).default([]),
    /** Where the signatory columns go; the area is split evenly between signatories. */
    signatureArea: z
      .strictObject({
        x: coord,
        y: coord,
        width: extent,
        /** Blank space left for a wet or drawn signature between title and name. */
        gap: z.number().finite().min(0).max(200).default(52),
        size: z.number().finite().min(6).max(24).default(11),
      })
      .optional(),
    footer: z
      .strictObject({
        show: z.boolean().default(true),
        size: z.number().finite().min(5).max(12).default(7.5),
        color: colorRef.default('muted'),
      })
      .default({ show: true, size: 7.5, color: 'muted' }),
  })
  .superRefine((t, ctx) => {
    const [pw, ph] = pageDimensions(t.page);
    const outside = (path: (string | number)[], x: number, y: number, w: number, h: number) => {
      // Tolerance of half a point: coordinates are often computed with rounding by editors.
      if (x + w > pw + 0.5 || y + h > ph + 0.5) {
        ctx.addIssue({ code: 'custom', path, message: `element extends beyond the ${pw.toFixed(0)}×${ph.toFixed(0)} pt page` });
      }
    };
    const ids = new Set<string>();
    t.texts.forEach((el, i) => {
      outside(['texts', i], el.x, el.y, el.width, el.height ?? el.size);
      if (ids.has(el.id)) ctx.addIssue({ code: 'custom', path: ['texts', i, 'id'], message: `duplicate id ${el.id}` });
      ids.add(el.id);
      if (el.minSize !== undefined && el.minSize > el.size) {
        ctx.addIssue({ code: 'custom', path: ['texts', i, 'minSize'], message: 'minSize must not exceed size' });
      }
    });
    t.rules.forEach((r, i) => outside(['rules', i], Math.max(r.x1, r.x2), Math.max(r.y1, r.y2), 0, 0));
    outside(['qr'], t.qr.x, t.qr.y, t.qr.size, t.qr.size);
    if (t.logo) outside(['logo'], t.logo.x, t.logo.y, t.logo.width, t.logo.height);
    if (t.signatureArea) outside(['signatureArea'], t.signatureArea.x, t.signatureArea.y, t.signatureArea.width, t.signatureArea.gap);
    if (t.signatories.length > 0 && !t.signatureArea) {
      ctx.addIssue({ code: 'custom', path: ['signatureArea'], message: 'signatories need a signatureArea' });
    }
  });

/** A validated template, defaults applied. */
export type CertificateTemplate = z.output<typeof certificateTemplateSchema>;
/** What an admin (or the JSON in the DB) supplies. */
export type CertificateTemplateInput = z.input<typeof certificateTemplateSchema>;
export type TextElement = z.output<typeof textElementSchema>;

/** Variables available to template texts (documented for the admin editor). */
export const TEMPLATE_VARIABLES = [
  'name',
  'achievement',
  'competency',
  'level',
  'jp',
  'issuedOn',
  'validUntil',
  'verifyUrl',
  'code',
  'issuerName',
  'place',
  'nip',
  'unit',
  'instansi',
  'registerNumber',
  'signatoryName',
  'signatoryNip',
  'signatoryPosition',
] as const;

export function parseCertificateTemplate(input: unknown): CertificateTemplate {
  return certificateTemplateSchema.parse(input);
}

// ---------------------------------------------------------------------------------------------
// Default templates (A4 landscape: 841.89 × 595.28 pt)

const W = 841.89;
const CX = 90; // left edge of the centred text column
const CW = W - 2 * CX; // its width

function defaultTemplateFor(locale: CertificateLocale): CertificateTemplateInput {
  const id = locale === 'id';
  return {
    schemaVersion: 1,
    name: id ? 'Sertifikat Kompetensi (bawaan)' : 'Certificate of Competency (default)',
    page: { size: 'A4', orientation: 'landscape' },
    margins: { top: 40, right: 40, bottom: 40, left: 40 },
    colors: { background: '#FFFDF7', primary: '#1B3A5C', accent: '#A8842C', text: '#23272E', muted: '#5F6670' },
    border: { style: 'ornate', inset: 18, width: 2.5, color: 'primary', innerColor: 'accent' },
    backgroundPattern: 'rosette',
    texts: [
      { id: 'issuer', text: '{{upper issuerName}}', x: CX, y: 64, width: CW, align: 'center', font: 'sans-bold', size: 10.5, color: 'primary', characterSpacing: 1.6, height: 28, minSize: 8, preferOneLine: true },
      { id: 'title', text: id ? 'SERTIFIKAT KOMPETENSI' : 'CERTIFICATE OF COMPETENCY', x: CX, y: 96, width: CW, align: 'center', font: 'serif-bold', size: 32, color: 'primary', characterSpacing: 3, height: 42, minSize: 18, preferOneLine: true },
      { id: 'number', text: id ? 'Nomor: {{#if registerNumber}}{{registerNumber}}{{else}}{{code}}{{/if}}' : 'No. {{#if registerNumber}}{{registerNumber}}{{else}}{{code}}{{/if}}', x: CX, y: 142, width: CW, align: 'center', font: 'sans', size: 9.5, color: 'muted', characterSpacing: 0.5 },
      { id: 'presented', text: id ? 'diberikan kepada' : 'is presented to', x: CX, y: 182, width: CW, align: 'center', font: 'serif', size: 13, color: 'text' },
      { id: 'name', text: '{{name}}', x: CX, y: 203, width: CW, align: 'center', font: 'serif-bold', size: 30, color: 'primary', height: 46, minSize: 16, valign: 'middle', preferOneLine: true },
      {
        id: 'holder',
        text: '{{#if nip}}NIP {{nip}}{{/if}}{{#if unit}}{{#if nip}} · {{/if}}{{unit}}{{#if instansi}}, {{instansi}}{{/if}}{{/if}}',
        x: CX, y: 250, width: CW, align: 'center', font: 'sans', size: 9.5, color: 'muted', height: 14, minSize: 7, preferOneLine: true,
      },
      { id: 'for', text: id ? 'atas keberhasilannya mencapai' : 'for successfully achieving', x: CX, y: 276, width: CW, align: 'center', font: 'serif', size: 13, color: 'text' },
      { id: 'achievement', text: '{{achievement}}', x: CX, y: 296, width: CW, align: 'center', font: 'serif-bold', size: 18, color: 'text', height: 44, minSize: 12 },
      {
        id: 'competency',
        text: id
          ? '{{#if competency}}Kompetensi {{competency}}{{#if level}} — Tingkat {{level}}{{/if}}{{/if}}'
          : '{{#if competency}}Competency: {{competency}}{{#if level}} — Level {{level}}{{/if}}{{/if}}',
        x: CX, y: 341, width: CW, align: 'center', font: 'sans', size: 11, color: 'text', height: 18, minSize: 8, preferOneLine: true,
      },
      {
        id: 'jp',
        text: id
          ? '{{#if jp}}dengan beban belajar {{jp}} JP (Jam Pelajaran){{/if}}{{#if validUntil}}{{#if jp}} · {{/if}}berlaku sampai dengan {{tanggal validUntil}}{{/if}}'
          : '{{#if jp}}with a study load of {{jp}} JP (lesson hours){{/if}}{{#if validUntil}}{{#if jp}} · {{/if}}valid until {{tanggal validUntil}}{{/if}}',
        x: CX, y: 361, width: CW, align: 'center', font: 'sans', size: 9.5, color: 'muted', height: 28, minSize: 7.5,
      },
      { id: 'place-date', text: '{{#if place}}{{place}}, {{/if}}{{tanggal issuedOn}}', x: 530, y: 404, width: 250, align: 'center', font: 'serif', size: 11, color: 'text', height: 15, minSize: 8, preferOneLine: true },
    ],
    rules: [
      { x1: 300, y1: 167, x2: W - 300, y2: 167, width: 0.75, color: 'accent', ornament: true },
      { x1: 260, y1: 268, x2: W - 260, y2: 268, width: 0.6, color: 'accent', ornament: false },
    ],
    qr: { x: 72, y: 404, size: 104, caption: id ? 'Pindai untuk memverifikasi' : 'Scan to verify' },
    // From the agency's settings: with no signatory configured, none is printed.
    signatories: [{ name: '{{signatoryName}}', title: '{{signatoryPosition}}', nip: '{{signatoryNip}}' }],
    signatureArea: { x: 530, y: 420, width: 250, gap: 50, size: 11 },
    footer: { show: true, size: 7.5, color: 'muted' },
  };
}

/** The built-in template in Bahasa Indonesia ("SERTIFIKAT KOMPETENSI"). */
export const defaultTemplate: CertificateTemplateInput = defaultTemplateFor('id');
/** The same layout in English, for certificates issued with locale 'en'. */
export const defaultTemplateEn: CertificateTemplateInput = defaultTemplateFor('en');

export function defaultTemplateForLocale(locale: CertificateLocale): CertificateTemplateInput {
  return locale === 'en' ? defaultTemplateEn : defaultTemplate;
}

