/**
 * A client for a BSrE (BSSN) signing service: sends a PDF with the signing official's NIK and
 * passphrase as `multipart/form-data` to the service's PDF endpoint (the Esign Client Service
 * shape: fields `file`, `nik`, `passphrase`, `tampilan`, `reason`, `location`; basic auth for the
 * service account) and returns the PAdES-signed PDF.
 *
 * Invariants:
 * - The passphrase lives only in this call's memory: it is never logged, stored, put in an
 *   error message or details, or retried (a retry could lock the official's certificate).
 * - Anything that is not a PDF in a 2xx answer is an error; the service's own error text is
 *   passed on (trimmed, and with the passphrase and NIK masked should a service echo them).
 */
import { defineError } from '../../src/kernel/errors';

export const BsreErrors = {
  /** The service refused: wrong NIK/passphrase, expired or unregistered certificate. */
  rejected: defineError('BINA_ERR_BSRE_REJECTED', 422, 'certificate-signer-bsre:errors.rejected'),
  unavailable: defineError('BINA_ERR_BSRE_UNAVAILABLE', 502, 'certificate-signer-bsre:errors.unavailable'),
  timeout: defineError('BINA_ERR_BSRE_TIMEOUT', 504, 'certificate-signer-bsre:errors.timeout'),
  notConfigured: defineError('BINA_ERR_BSRE_NOT_CONFIGURED', 409, 'certificate-signer-bsre:errors.notConfigured'),
};

export interface BsreClientOptions {
  url: string;
  /** @default '/api/sign/pdf' */
  path?: string;
  username?: string;
  password?: string;
  /** @default 'invisible' */
  appearance?: 'invisible' | 'visible';
  location?: string;
  /** @default 60000 */
  timeoutMs?: number;
}

export interface BsreSignInput {
  pdf: Buffer;
  nik: string;
  passphrase: string;
  reason: string;
  fileName?: string;
}

function mask(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out.slice(0, 300);
}

/** Signs `pdf`; resolves with the signed PDF bytes. */
export async function signWithBsre(opts: BsreClientOptions, input: BsreSignInput): Promise<Buffer> {
  if (!opts.url) throw BsreErrors.notConfigured('The BSrE signing service URL is not configured');
  const endpoint = new URL((opts.path ?? '/api/sign/pdf').replace(/^\/?/, ''), opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
  const form = new FormData();
  form.set('file', new Blob([input.pdf], { type: 'application/pdf' }), input.fileName ?? 'sertifikat.pdf');
  form.set('nik', input.nik);
  form.set('passphrase', input.passphrase);
  form.set('tampilan', opts.appearance ?? 'invisible');
  form.set('reason', input.reason);
  if (opts.location) form.set('location', opts.location);
  const headers: Record<string, string> = { accept: 'application/pdf, application/json' };
  if (opts.username) headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;

  let res: Response;
  try {
    res = await fetch(endpoint, { method: 'POST', body: form, headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000), redirect: 'error' });
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') throw BsreErrors.timeout('The BSrE signing service did not answer in time', { details: { endpoint: endpoint.origin } });
    throw BsreErrors.unavailable('The BSrE signing service cannot be reached', { details: { endpoint: endpoint.origin } });
  }
  const body = Buffer.from(await res.arrayBuffer());
  const secrets = [input.passphrase, input.nik];
  if (res.ok) {
    if (body.subarray(0, 1024).toString('latin1').includes('%PDF-')) return body;
    throw BsreErrors.unavailable('The BSrE signing service answered without a PDF', { details: { status: res.status } });
  }
  let serviceError = '';
  let serviceCode: unknown;
  try {
    const j = JSON.parse(body.toString('utf8')) as { error?: unknown; message?: unknown; status_code?: unknown };
    serviceError = String(j.error ?? j.message ?? '');
    serviceCode = j.status_code;
  } catch {
    serviceError = body.toString('utf8');
  }
  const details = { status: res.status, serviceCode: serviceCode ?? null, serviceMessage: mask(serviceError, secrets) };
  if (res.status >= 400 && res.status < 500) throw BsreErrors.rejected('The BSrE signing service refused to sign', { details });
  throw BsreErrors.unavailable('The BSrE signing service failed', { details });
}
