/**
 * The `certificate-pdf` service other plugins use (`ctx.use('certificate-pdf')`): render a
 * certificate from a template version, read the credential back out of a PDF, and the registry of
 * official-signature plugins.
 *
 * Invariant: `render` is a pure function of (template version, data, credential JSON, zone,
 * locale) and the renderer version it reports; the same inputs give the same bytes and hash, so
 * a certificate can be re-rendered from its stored credential and compared with the hash
 * recorded at issue.
 */
import { extractEmbeddedCredential } from './extract-credential';
import { RENDERER_VERSION, renderCertificatePdf, sha256Hex, type CertificateData } from './render-certificate';
import { SignerRegistry } from './certificate-signer';
import { defaultTemplateId, type TemplateRef, type TemplateStore } from './template-store';
import type { CertificateLocale } from './indonesian-date';

export interface RenderRequest {
  templateRef: TemplateRef;
  data: CertificateData;
  /** The signed credential exactly as stored; embedded byte-for-byte as `credential.json`. */
  credentialJson: string;
  timeZone: string;
  locale: CertificateLocale;
}

export interface RenderedPdf {
  pdf: Buffer;
  sha256: string;
  rendererVersion: string;
  templateRef: TemplateRef;
}

export interface CertificatePdfService {
  templates: TemplateStore;
  signers: SignerRegistry;
  rendererVersion: string;
  defaultTemplateId(locale: CertificateLocale): string;
  render(request: RenderRequest): Promise<RenderedPdf>;
  /** The embedded `credential.json` text, null when absent; throws a 422 coded error for a non-PDF. */
  extractCredential(pdf: Uint8Array): Promise<string | null>;
  sha256Hex(bytes: Uint8Array): string;
}

export function createPdfService(templates: TemplateStore): CertificatePdfService {
  return {
    templates,
    signers: new SignerRegistry(),
    rendererVersion: RENDERER_VERSION,
    defaultTemplateId,
    async render(request) {
      const t = await templates.resolve(request.templateRef.id, request.templateRef.version);
      const pdf = await renderCertificatePdf({
        template: t.template,
        data: request.data,
        credentialJson: request.credentialJson,
        timeZone: request.timeZone,
        locale: request.locale,
      });
      return { pdf, sha256: sha256Hex(pdf), rendererVersion: RENDERER_VERSION, templateRef: t.ref };
    },
    extractCredential: (pdf) => extractEmbeddedCredential(pdf),
    sha256Hex,
  };
}
