/**
 * The template editor's form: a template shown as fields (texts with their positions, fonts and
 * colours, the palette, border, QR code, signature block and logo) and the same fields read back
 * into a template. Fields that the form does not show (rules, margins, minimum sizes…) are kept
 * from the template being edited; the raw JSON form edits everything.
 *
 * Field names: `name`, `size`, `orientation`, `color_<key>`, `border`, `pattern`, `showNip`,
 * `t<i>_<text|x|y|width|size|font|align|color>`, `qr_<x|y|size|caption>`, `sig_<x|y|width>`,
 * `logoData` (base64, put there by template-editor.js from the chosen file), `logo_<x|y|width|height>`,
 * `logoRemove`.
 */
import {
  certificateTemplateSchema, FONT_KEYS, PAGE_SIZES, PALETTE_KEYS,
  type CertificateTemplate, type CertificateTemplateInput,
} from './certificate-template';

export type FormBody = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '')).trim();

export const ALIGNS = ['left', 'center', 'right', 'justify'] as const;
export const BORDERS = ['none', 'single', 'double', 'ornate'] as const;
export const PATTERNS = ['none', 'rosette'] as const;
export const PAGE_SIZE_NAMES = Object.keys(PAGE_SIZES);
export { FONT_KEYS, PALETTE_KEYS };

/** The form's view of a template (numbers as typed text, so a refused value comes back as typed). */
export function formFromTemplate(t: CertificateTemplate, name: string): Record<string, string> {
  const f: Record<string, string> = {
    name, size: t.page.size, orientation: t.page.orientation, border: t.border.style, pattern: t.backgroundPattern, showNip: t.showNip ? '1' : '',
    qr_x: String(t.qr.x), qr_y: String(t.qr.y), qr_size: String(t.qr.size), qr_caption: t.qr.caption ?? '',
  };
  for (const k of ['background', ...PALETTE_KEYS] as const) f[`color_${k}`] = t.colors[k];
  t.texts.forEach((el, i) => {
    Object.assign(f, { [`t${i}_text`]: el.text, [`t${i}_x`]: String(el.x), [`t${i}_y`]: String(el.y), [`t${i}_width`]: String(el.width), [`t${i}_size`]: String(el.size), [`t${i}_font`]: el.font, [`t${i}_align`]: el.align, [`t${i}_color`]: el.color });
  });
  if (t.signatureArea) Object.assign(f, { sig_x: String(t.signatureArea.x), sig_y: String(t.signatureArea.y), sig_width: String(t.signatureArea.width) });
  if (t.logo) Object.assign(f, { logo_x: String(t.logo.x), logo_y: String(t.logo.y), logo_width: String(t.logo.width), logo_height: String(t.logo.height) });
  return f;
}

/** Why a field was refused: a key under `certificate-pdf:editor.err`. */
export type FieldProblem = 'number' | 'outside' | 'text' | 'color' | 'logo' | 'choice' | 'name' | 'template';

/**
 * Reads the form over `base` (the version being edited). Returns the template when it passes the
 * schema, else the problems by field name.
 */
export function templateFromForm(base: CertificateTemplate, body: FormBody): { template?: CertificateTemplateInput; errors: Record<string, FieldProblem> } {
  const errors: Record<string, FieldProblem> = {};
  const num = (field: string, fallback: number): number => {
    const raw = one(body[field]).replace(',', '.');
    if (raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n)) {
      errors[field] = 'number';
      return fallback;
    }
    return n;
  };
  const choice = <T extends string>(field: string, allowed: readonly T[], fallback: T): T => {
    const v = one(body[field]);
    if (v === '') return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    errors[field] = 'choice';
    return fallback;
  };
  const colors = { ...base.colors };
  for (const k of ['background', ...PALETTE_KEYS] as const) {
    const v = one(body[`color_${k}`]);
    if (v === '') continue;
    if (/^#[0-9A-Fa-f]{6}$/.test(v)) colors[k] = v.toUpperCase();
    else errors[`color_${k}`] = 'color';
  }
  const colorRefs = [...PALETTE_KEYS] as string[];
  const texts = base.texts.map((el, i) => {
    const color = one(body[`t${i}_color`]);
    if (color && !colorRefs.includes(color) && !/^#[0-9A-Fa-f]{6}$/.test(color)) errors[`t${i}_color`] = 'color';
    return {
      ...el,
      text: body[`t${i}_text`] === undefined ? el.text : one(body[`t${i}_text`]),
      x: num(`t${i}_x`, el.x), y: num(`t${i}_y`, el.y), width: num(`t${i}_width`, el.width), size: num(`t${i}_size`, el.size),
      font: choice(`t${i}_font`, FONT_KEYS, el.font), align: choice(`t${i}_align`, ALIGNS, el.align),
      color: color && !errors[`t${i}_color`] ? color : el.color,
      // A larger font than the shrink floor would be refused; keep the floor below it.
      ...(el.minSize !== undefined ? { minSize: Math.min(el.minSize, num(`t${i}_size`, el.size)) } : {}),
    };
  });
  let logo = base.logo;
  const logoData = one(body.logoData).replace(/^data:image\/(png|jpeg);base64,/, '');
  if (one(body.logoRemove)) logo = undefined;
  else if (logoData || logo) {
    logo = {
      data: logoData || logo!.data,
      x: num('logo_x', logo?.x ?? 60), y: num('logo_y', logo?.y ?? 40), width: num('logo_width', logo?.width ?? 80), height: num('logo_height', logo?.height ?? 80),
    };
  }
  const candidate = {
    ...base,
    name: one(body.name) || base.name,
    page: { size: choice('size', PAGE_SIZE_NAMES as Array<keyof typeof PAGE_SIZES>, base.page.size), orientation: choice('orientation', ['portrait', 'landscape'] as const, base.page.orientation) },
    colors,
    border: { ...base.border, style: choice('border', BORDERS, base.border.style) },
    backgroundPattern: choice('pattern', PATTERNS, base.backgroundPattern),
    showNip: Boolean(one(body.showNip)),
    texts,
    qr: { ...base.qr, x: num('qr_x', base.qr.x), y: num('qr_y', base.qr.y), size: num('qr_size', base.qr.size), ...(one(body.qr_caption) ? { caption: one(body.qr_caption) } : { caption: undefined }) },
    ...(base.signatureArea ? { signatureArea: { ...base.signatureArea, x: num('sig_x', base.signatureArea.x), y: num('sig_y', base.signatureArea.y), width: num('sig_width', base.signatureArea.width) } } : {}),
    logo,
  };
  if (!candidate.logo) delete (candidate as { logo?: unknown }).logo;
  if (candidate.qr.caption === undefined) delete (candidate.qr as { caption?: unknown }).caption;
  if (Object.keys(errors).length) return { errors };
  const parsed = certificateTemplateSchema.safeParse(candidate);
  if (parsed.success) return { template: parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const [head, index, key] = issue.path.map(String);
    const field = head === 'texts' ? `t${index}_${key && ['text', 'x', 'y', 'width', 'size'].includes(key) ? key : issue.message.includes('beyond') ? 'x' : 'text'}`
      : head === 'qr' ? `qr_${index && ['x', 'y', 'size', 'caption'].includes(index) ? index : 'x'}`
      : head === 'signatureArea' ? 'sig_x'
      : head === 'logo' ? (index === 'data' ? 'logoData' : 'logo_x')
      : head === 'name' ? 'name'
      : '_';
    errors[field] ??= issue.message.includes('beyond') ? 'outside' : field.endsWith('_text') || field === 'qr_caption' ? 'text' : field === 'logoData' ? 'logo' : field === '_' ? 'template' : field === 'name' ? 'name' : 'number';
  }
  return { errors };
}
