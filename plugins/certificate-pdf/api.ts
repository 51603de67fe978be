/**
 * What other plugins may use of certificate-pdf (ADR 0039), and the only file of it they may
 * import: the types of the service they get with `ctx.use('certificate-pdf')` (render a
 * certificate, read the credential back, register an official-signature plugin), and reading the
 * embedded credential out of a PDF without a kernel (offline verification).
 */
export type { CertificatePdfService, RenderRequest, RenderedPdf } from './pdf-service';
export type { CertificateData } from './render-certificate';
export type { CertificateSigner } from './certificate-signer';
export type { TemplateRef } from './template-store';
export type { CertificateLocale } from './indonesian-date';
export { extractEmbeddedCredential } from './extract-credential';

/**
 * Filter hook run on the sample data of a template preview: the issuing plugin replaces the
 * samples with what it knows (the agency, its signatory, a register number in its format).
 */
export const PREVIEW_DATA_HOOK = 'certificate-pdf.preview-data';
