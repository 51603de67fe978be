/**
 * certificate-pdf: certificate templates (built-in and admin-written, as immutable versions), the
 * deterministic renderer, and the registry of official-signature plugins. It knows nothing about
 * who earned what: the issuing plugin (certificate-openbadges) calls the `certificate-pdf` service
 * from its worker jobs.
 */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { createPdfService, type CertificatePdfService } from './pdf-service';
import { registerTemplatePages } from './template-pages';
import { previewCertificate, registerTemplateApi } from './template-api-routes';
import { BUILT_IN_TEMPLATES, TemplateStore, templateVersionSchema, type TemplateVersionDoc } from './template-store';

export default definePlugin({
  register(ctx) {
    const Version = ctx.models.define<TemplateVersionDoc>('template_versions', templateVersionSchema);
    for (const t of BUILT_IN_TEMPLATES) ctx.certificateTemplates.register(t);
    const store = new TemplateStore(Version, ctx.certificateTemplates);
    const service: CertificatePdfService = createPdfService(store);
    ctx.provide<CertificatePdfService>(ctx.id, service);

    const preview = previewCertificate(ctx);
    registerTemplateApi(ctx, store, preview);
    registerTemplatePages(ctx, store, preview);
  },
});
