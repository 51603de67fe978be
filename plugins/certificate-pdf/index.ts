/**
 * certificate-pdf: certificate templates (built-in and admin-written, as immutable versions), the
 * deterministic renderer, and the registry of official-signature plugins. It knows nothing about
 * who earned what: the issuing plugin (certificate-openbadges) calls the `certificate-pdf` service
 * from its worker jobs.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { Errors } from '../../src/kernel/errors';
import { certificateTemplateSchema } from './certificate-template';
import { createPdfService, type CertificatePdfService } from './pdf-service';
import { renderCertificatePdf } from './render-certificate';
import { BUILT_IN_TEMPLATES, TemplateStore, templateVersionSchema, type TemplateVersionDoc } from './template-store';
import type { CertificateLocale } from './indonesian-date';
import { objectId } from '../../src/kernel/object-id';

/** A stored template's id, or a built-in one's name (`default`, `default-en`, or another plugin's). */
const templateId = z.union([objectId, z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a template id')]);
const templateParams = z.strictObject({ templateId });
const templateBody = z.strictObject({ name: z.string().trim().min(1).max(120), template: certificateTemplateSchema });
const previewBody = z.strictObject({ template: certificateTemplateSchema, locale: z.enum(['id', 'en']).default('id') });
const CAP = 'certificate-pdf:manage-templates';

/** Sample data for previews: long enough names to show how the layout copes. */
function sampleData(publicUrl: string, locale: CertificateLocale) {
  return {
    name: 'Ni Luh Putu Ayu Kartika Saraswati, S.Kom.',
    achievement: locale === 'id' ? 'Pelayanan Publik Prima' : 'Excellent Public Service',
    competency: locale === 'id' ? 'Pelayanan Publik' : 'Public Service',
    level: '2',
    jp: 20,
    issuedOn: new Date(Date.UTC(2026, 0, 15, 2, 0, 0)),
    validUntil: new Date(Date.UTC(2029, 0, 15, 2, 0, 0)),
    verifyUrl: `${publicUrl}/verify/contohkodeverifikasi2345`,
    code: 'CONT-OHKO-DEVE-RIFI-KASI-2345',
    issuerName: 'Bina',
    place: 'Jakarta',
  };
}

export default definePlugin({
  register(ctx) {
    const Version = ctx.models.define<TemplateVersionDoc>('template_versions', templateVersionSchema);
    for (const t of BUILT_IN_TEMPLATES) ctx.certificateTemplates.register(t);
    const store = new TemplateStore(Version, ctx.certificateTemplates);
    const service: CertificatePdfService = createPdfService(store);
    ctx.provide<CertificatePdfService>(ctx.id, service);

    const view = (t: Awaited<ReturnType<TemplateStore['resolve']>>) => ({ id: t.ref.id, version: t.ref.version, name: t.name, builtIn: t.builtIn, template: t.template });
    const preview = async (template: unknown, locale: CertificateLocale) =>
      renderCertificatePdf({
        template: template as never,
        data: sampleData(ctx.site.publicUrl, locale),
        credentialJson: JSON.stringify({ preview: true }),
        timeZone: ctx.site.defaultTimeZone,
        locale,
      });

    // ---- API ----
    ctx.http.route({ method: 'get', path: '/templates', capability: CAP, summary: 'Certificate templates (latest version of each)' }, async () => ({
      templates: await store.list(),
    }));
    ctx.http.route({ method: 'post', path: '/templates', capability: CAP, status: 201, summary: 'Create a certificate template', body: templateBody }, async ({ body, user }) => {
      const t = await store.save({ name: body.name, template: body.template, actorId: user!.id, now: ctx.clock.now() });
      await ctx.audit.record({ action: 'certificate-pdf:audit.templateSaved', actorId: user!.id, subject: { type: 'certificate-template', id: t.ref.id }, after: { version: t.ref.version, name: t.name }, args: { name: t.name, version: t.ref.version } });
      return { template: view(t) };
    });
    ctx.http.route({ method: 'get', path: '/templates/:templateId', capability: CAP, summary: 'The latest version of a template', params: templateParams }, async ({ params }) => ({
      template: view(await store.resolve(params.templateId)),
    }));
    ctx.http.route({ method: 'put', path: '/templates/:templateId', capability: CAP, summary: 'Save a new version of a template (versions are immutable)', params: templateParams, body: templateBody }, async ({ params, body, user }) => {
      const before = await store.resolve(params.templateId);
      const t = await store.save({ templateId: params.templateId, name: body.name, template: body.template, actorId: user!.id, now: ctx.clock.now() });
      await ctx.audit.record({ action: 'certificate-pdf:audit.templateSaved', actorId: user!.id, subject: { type: 'certificate-template', id: t.ref.id }, before: { version: before.ref.version, name: before.name }, after: { version: t.ref.version, name: t.name }, args: { name: t.name, version: t.ref.version } });
      return { template: view(t) };
    });
    ctx.http.route({ method: 'post', path: '/preview', capability: CAP, summary: 'Render a template with sample data (application/pdf)', body: previewBody }, async ({ body, res }) => {
      const pdf = await preview(body.template, body.locale);
      res.status(200).type('application/pdf').setHeader('content-disposition', 'inline; filename="pratinjau-sertifikat.pdf"');
      res.send(pdf);
    });

    // ---- pages ----
    ctx.http.page({ method: 'get', path: '/templates', capability: CAP, summary: 'Certificate templates page' }, async ({ t }) => {
      const list = await store.list();
      const full = await Promise.all(list.map(async (x) => ({ ...x, source: JSON.stringify((await store.resolve(x.id, x.version)).template, null, 2) })));
      return { view: `${ctx.id}/templates`, title: t(`${ctx.id}:templates.title`), data: { templates: full } };
    });
    const templateForm = z.object({ templateId: z.union([objectId, z.literal('')]).default(''), name: z.string().max(120).default(''), json: z.string().max(600_000), _csrf: z.string().optional() });
    ctx.http.page({ method: 'post', path: '/templates', capability: CAP, summary: 'Save a template (form)', body: templateForm }, async ({ body, user, res }) => {
      const template = parseJsonField(body.json);
      const name = body.name.trim() || 'Templat';
      const t = await store.save({ templateId: body.templateId || undefined, name, template, actorId: user!.id, now: ctx.clock.now() });
      await ctx.audit.record({ action: 'certificate-pdf:audit.templateSaved', actorId: user!.id, subject: { type: 'certificate-template', id: t.ref.id }, after: { version: t.ref.version, name: t.name }, args: { name: t.name, version: t.ref.version } });
      res.redirect(`/${ctx.id}/templates#t-${t.ref.id}`);
    });
    const previewForm = z.object({ json: z.string().max(600_000), locale: z.enum(['id', 'en']).default('id'), _csrf: z.string().optional() });
    ctx.http.page({ method: 'post', path: '/preview', capability: CAP, summary: 'Preview a template (form, answers a PDF)', body: previewForm }, async ({ body, res }) => {
      const parsed = certificateTemplateSchema.safeParse(parseJsonField(body.json));
      if (!parsed.success) throw invalidTemplate(parsed.error.issues);
      const pdf = await preview(parsed.data, body.locale);
      res.status(200).type('application/pdf').setHeader('content-disposition', 'inline; filename="pratinjau-sertifikat.pdf"');
      res.send(pdf);
    });
  },
});

function invalidTemplate(issues: Array<{ path: PropertyKey[]; message: string }>) {
  return Errors.validation('Invalid certificate template', { details: issues.map((i) => ({ in: 'body', path: ['template', ...i.path.map(String)].join('.'), message: i.message })) });
}

function parseJsonField(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw Errors.validation('The template is not valid JSON', { details: [{ in: 'body', path: 'json', message: (e as Error).message }] });
  }
}

