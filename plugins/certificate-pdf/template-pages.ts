/**
 * The certificate template pages: the list (each template with its editor link, and its raw JSON
 * as the advanced option), and the editor: a form of fields with a live PDF preview beside it.
 * The preview posts the form into a frame (template-editor.js posts it again as one types), so it
 * also works without JavaScript by pressing "Pratinjau".
 */
import { z } from 'zod';
import type { Response } from 'express';
import type { PluginContext } from '../../src/host/plugins/context';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import type { Locale } from '../../src/views/i18n';
import type { PageResult } from '../../src/http/route-table';
import { certificateTemplateSchema, FONT_KEYS, PALETTE_KEYS, type CertificateTemplate, type CertificateTemplateInput } from './certificate-template';
import type { CertificateLocale } from './indonesian-date';
import { ALIGNS, BORDERS, PAGE_SIZE_NAMES, PATTERNS, formFromTemplate, templateFromForm, type FormBody } from './template-form';
import type { TemplateStore } from './template-store';

const CAP = 'certificate-pdf:manage-templates';
const templateId = z.union([objectId, z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a template id')]);
const loose = z.record(z.string().max(60), z.union([z.string().max(600_000), z.array(z.string().max(2000)).max(10)]));

export function registerTemplatePages(ctx: PluginContext, store: TemplateStore, preview: (template: CertificateTemplateInput | CertificateTemplate, locale: CertificateLocale) => Promise<Buffer>): void {
  const id = ctx.id;
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => ctx.i18n.t(locale, `${id}:${key}`, args);
  const label = (locale: Locale, x: { name: string; labelKey?: string }) => (x.labelKey ? ctx.i18n.t(locale, x.labelKey) : x.name);
  const audit = (actorId: string, t: { ref: { id: string; version: number }; name: string }) =>
    ctx.audit.record({ action: `${id}:audit.templateSaved`, actorId, subject: { type: 'certificate-template', id: t.ref.id }, after: { version: t.ref.version, name: t.name }, args: { name: t.name, version: t.ref.version } });

  const sendPdf = (res: Response, pdf: Buffer) => {
    // The editor shows the preview in a frame of its own page: allow framing by this site only.
    res.status(200).type('application/pdf').setHeader('content-disposition', 'inline; filename="pratinjau-sertifikat.pdf"');
    res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'self'");
    res.send(pdf);
  };

  // ---- the list ----
  ctx.http.page({ method: 'get', path: '/templates', capability: CAP, summary: 'Certificate templates page' }, async ({ locale }) => {
    const list = await store.list();
    const full = await Promise.all(list.map(async (x) => ({ ...x, name: label(locale, x), source: JSON.stringify((await store.resolve(x.id, x.version)).template, null, 2) })));
    return { view: `${id}/templates`, title: tr(locale)('templates.title'), data: { templates: full } };
  });
  const templateForm = z.object({ templateId: z.union([objectId, z.literal('')]).default(''), name: z.string().max(120).default(''), json: z.string().max(600_000), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/templates', capability: CAP, summary: 'Save a template from its JSON (the advanced form)', body: templateForm }, async ({ body, user, res, locale }) => {
    const template = parseJsonField(body.json);
    const t = await store.save({ templateId: body.templateId || undefined, name: body.name.trim() || tr(locale)('editor.untitled'), template, actorId: user!.id, now: ctx.clock.now() });
    await audit(user!.id, t);
    res.redirect(`/${id}/templates#t-${t.ref.id}`);
  });
  const previewForm = z.object({ json: z.string().max(600_000), locale: z.enum(['id', 'en']).default('id'), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/preview', capability: CAP, summary: 'Preview a template from its JSON (form, answers a PDF)', body: previewForm }, async ({ body, res }) => {
    const parsed = certificateTemplateSchema.safeParse(parseJsonField(body.json));
    if (!parsed.success) throw Errors.validation('Invalid certificate template', { details: parsed.error.issues.map((i) => ({ in: 'body', path: ['template', ...i.path.map(String)].join('.'), message: i.message })) });
    sendPdf(res, await preview(parsed.data, body.locale));
  });

  // ---- the editor ----
  const params = z.strictObject({ templateId });
  async function editorPage(locale: Locale, tid: string, extra: { form?: Record<string, string>; errors?: Record<string, string>; saved?: boolean } = {}): Promise<PageResult> {
    const current = await store.resolve(tid);
    const template = certificateTemplateSchema.parse(current.template);
    const name = current.builtIn ? tr(locale)('editor.copyOf', { name: label(locale, { name: current.name, labelKey: store.labelKey(tid) }) }) : current.name;
    const form = extra.form ?? formFromTemplate(template, name);
    const t = tr(locale);
    const opts = (values: readonly string[], chosen: string, labels: (v: string) => string) => values.map((v) => ({ value: v, label: labels(v), selected: v === chosen }));
    const colorChoices = (chosen: string) => [...opts(PALETTE_KEYS, chosen, (v) => t(`editor.palette.${v}`)), ...(chosen.startsWith('#') ? [{ value: chosen, label: chosen, selected: true }] : [])];
    return {
      view: `${id}/template-edit`,
      title: t('editor.title'),
      status: extra.errors ? 400 : undefined,
      data: {
        templateId: tid, builtIn: current.builtIn, version: current.ref.version, saved: extra.saved,
        form, errors: extra.errors ?? {}, hasErrors: Boolean(extra.errors && Object.keys(extra.errors).length),
        sizes: opts(PAGE_SIZE_NAMES, form.size ?? '', (v) => v),
        orientations: opts(['landscape', 'portrait'], form.orientation ?? '', (v) => t(`editor.orientation.${v}`)),
        borders: opts(BORDERS, form.border ?? '', (v) => t(`editor.border.${v}`)),
        patterns: opts(PATTERNS, form.pattern ?? '', (v) => t(`editor.pattern.${v}`)),
        palette: ['background', ...PALETTE_KEYS].map((k) => ({ key: k, label: t(`editor.palette.${k}`), value: form[`color_${k}`] ?? '#000000', error: extra.errors?.[`color_${k}`] })),
        texts: template.texts.map((el, i) => {
          const errs = Object.fromEntries(['text', 'x', 'y', 'width', 'size', 'color'].map((k) => [k, extra.errors?.[`t${i}_${k}`]]).filter(([, v]) => v));
          return {
          i, id: el.id, label: t(`editor.element.${el.id}`) === `${id}:editor.element.${el.id}` ? el.id : t(`editor.element.${el.id}`),
          text: form[`t${i}_text`] ?? '', x: form[`t${i}_x`], y: form[`t${i}_y`], width: form[`t${i}_width`], size: form[`t${i}_size`],
          fonts: opts(FONT_KEYS, form[`t${i}_font`] ?? '', (v) => t(`editor.font.${v}`)),
          aligns: opts(ALIGNS, form[`t${i}_align`] ?? '', (v) => t(`editor.align.${v}`)),
          colors: colorChoices(form[`t${i}_color`] ?? ''),
          errors: errs, open: Object.keys(errs).length > 0,
          };
        }),
        hasSignature: Boolean(template.signatureArea), hasLogo: Boolean(template.logo || form.logoData),
        variables: 'name, nip, unit, instansi, achievement, competency, level, jp, issuedOn, validUntil, place, registerNumber, code, verifyUrl, issuerName, signatoryName, signatoryNip, signatoryPosition',
        previewLocales: opts(['id', 'en'], (await store.localeOf(tid)) ?? locale, (v) => t(`editor.lang.${v}`)),
      },
    };
  }
  const problems = (locale: Locale, errors: Record<string, string>) => Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, ctx.i18n.t(locale, `${id}:editor.err.${v}`)]));

  ctx.http.page({ method: 'get', path: '/templates/:templateId/edit', capability: CAP, summary: 'Edit a template as a form, with a live PDF preview', params, query: z.object({ saved: z.literal('1').optional() }) }, async ({ params: p, query, locale }) =>
    editorPage(locale, p.templateId, { saved: query.saved === '1' }));

  ctx.http.page({ method: 'post', path: '/templates/:templateId/edit', capability: CAP, summary: 'Save the edited template as a new version (a built-in one as a new template); a refused form comes back as typed', params, body: loose }, async ({ params: p, body, user, res, locale }) => {
    const current = await store.resolve(p.templateId);
    const read = templateFromForm(certificateTemplateSchema.parse(current.template), body as FormBody);
    const form = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] ?? '' : v]));
    const name = String(form.name ?? '').trim();
    if (name.length < 1 || name.length > 120) read.errors.name = 'name';
    if (!read.template || Object.keys(read.errors).length) return editorPage(locale, p.templateId, { form, errors: problems(locale, read.errors) });
    const saved = await store.save({ templateId: current.builtIn ? undefined : p.templateId, name, template: read.template, actorId: user!.id, now: ctx.clock.now() });
    await audit(user!.id, saved);
    res.redirect(303, `/${id}/templates/${saved.ref.id}/edit?saved=1`);
  });

  ctx.http.page({ method: 'post', path: '/templates/:templateId/preview', capability: CAP, summary: 'Preview the editor form as a PDF (shown in the editor\'s frame)', params, body: loose }, async ({ params: p, body, res, locale }) => {
    const current = await store.resolve(p.templateId);
    const read = templateFromForm(certificateTemplateSchema.parse(current.template), body as FormBody);
    if (!read.template) {
      // Shown inside the preview frame: the reasons in the reader's language, as plain text.
      const reasons = Object.entries(problems(locale, read.errors)).map(([field, why]) => `• ${why} (${field})`).join('\n');
      res.status(400).type('text/plain; charset=utf-8').setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'self'");
      return void res.send(`${tr(locale)('editor.previewRefused')}\n\n${reasons}`);
    }
    const asked = body.previewLocale;
    const lang: CertificateLocale = asked === 'en' || asked === 'id' ? asked : (await store.localeOf(p.templateId)) ?? (locale === 'en' ? 'en' : 'id');
    sendPdf(res, await preview(read.template, lang));
  });
}

function parseJsonField(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw Errors.validation('The template is not valid JSON', { details: [{ in: 'body', path: 'json', message: (e as Error).message }] });
  }
}

export type { CertificateTemplate };
