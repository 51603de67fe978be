/**
 * Certificate templates over the JSON API (/api/v1/certificate-pdf/…): list, create, read, save a
 * new version (audited), and a preview rendered with sample data. The admin's pages are in
 * template-pages.ts; both render previews through `previewCertificate`.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import { certificateTemplateSchema, type CertificateTemplate, type CertificateTemplateInput } from './certificate-template';
import { renderCertificatePdf, type CertificateData } from './render-certificate';
import { PREVIEW_DATA_HOOK } from './api';
import type { TemplateStore } from './template-store';
import type { CertificateLocale } from './indonesian-date';

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
    nip: '199001152015031001',
    unit: locale === 'id' ? 'Bidang Pengembangan Kompetensi' : 'Competency Development Division',
    instansi: 'Pemerintah Kabupaten Contoh',
    registerNumber: '800/1/CONTOH/2026',
  };
}

/** A template rendered with sample data; another plugin (the issuer) fills in what it knows, e.g. the agency's signatory and register number. */
export function previewCertificate(ctx: PluginContext) {
  return async (template: CertificateTemplateInput | CertificateTemplate, locale: CertificateLocale) =>
    renderCertificatePdf({
      template,
      data: await ctx.hooks.run<CertificateData>(PREVIEW_DATA_HOOK, sampleData(ctx.site.publicUrl, locale)),
      credentialJson: JSON.stringify({ preview: true }),
      timeZone: ctx.site.defaultTimeZone,
      locale,
    });
}

export function registerTemplateApi(ctx: PluginContext, store: TemplateStore, preview: ReturnType<typeof previewCertificate>): void {
  const view = (t: Awaited<ReturnType<TemplateStore['resolve']>>) => ({ id: t.ref.id, version: t.ref.version, name: t.name, builtIn: t.builtIn, template: t.template });
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
  ctx.http.route({ method: 'post', path: '/preview', capability: CAP, produces: ['application/pdf'], summary: 'Render a template with sample data (application/pdf)', body: previewBody }, async ({ body, res }) => {
    const pdf = await preview(body.template, body.locale);
    res.status(200).type('application/pdf').setHeader('content-disposition', 'inline; filename="pratinjau-sertifikat.pdf"');
    res.send(pdf);
  });
}
