/**
 * Verification of what someone holds: a certificate PDF or its credential JSON (uploaded to
 * `/verify`), and the public status of a code (`/verify/<code>`).
 *
 * Invariants:
 * - A file passes only if every check passes: exactly one Data Integrity proof (eddsa-rdfc-2022)
 *   by one of our published keys over the whole credential, bundled contexts only, issued by our
 *   DID, on record here with the same proof, not revoked/superseded (read from the database,
 *   so a revocation counts at once), within its validity dates, and for a PDF, the file's
 *   SHA-256 equal to the one recorded at issue (or after an official signature). An edited PDF or a
 *   credential with one field changed is reported as `tampered`, naming the checks that failed.
 * - The public result carries only name, achievement, issuer, dates and status: never the NIP
 *   (not even its hash), a score, an e-mail or a unit.
 * - Nothing here signs; verification needs only public keys and never touches the network.
 */
import { ERASED_NAME } from '../../src/privacy/person-data';
import type { Model } from 'mongoose';
import { Errors } from '../../src/kernel/errors';
import type { CertificatePdfService } from '../certificate-pdf/api';
import type { CertificateDoc } from './certificate-models';
import type { DocumentLoader } from './document-loader';
import type { KeyStore } from './key-store';
import { verifyOpenBadgeCredential, type VerificationCheck } from './sign-credential';
import type { StatusListStore } from './status-list-store';
import { normalizeVerifyCode } from './verify-code';

export type PublicStatus = 'valid' | 'revoked' | 'expired' | 'superseded';
export type FileStatus = PublicStatus | 'tampered' | 'unknown';

/** What anyone may see about a certificate (DOMAIN.md "Personal data"). */
export interface PublicCertificate {
  status: PublicStatus;
  name: string;
  achievement: string;
  issuer: string;
  issuedAt: string;
  validUntil: string | null;
  revokedAt: string | null;
  verifyUrl: string;
}

export interface FileCheck {
  check: VerificationCheck['check'] | 'embedded_credential' | 'issuer' | 'record' | 'file_hash';
  ok: boolean;
  /** For tools and the API (English, technical); pages say it with `checkResult.<check>.<ok|failed>` and `args`. */
  message: string;
  args?: Record<string, string>;
}

export interface FileVerification {
  status: FileStatus;
  kind: 'pdf' | 'credential';
  checks: FileCheck[];
  failed: string[];
  certificate: PublicCertificate | null;
  /**
   * For a file that is not what we issued but names one of our certificates: that certificate's
   * public record ("this is what we issued"), no more than its public page shows to anyone
   * holding its code.
   */
  genuine?: PublicCertificate;
}

type Json = Record<string, any>;

/** Checks whose failure means the file is not what we issued. */
const INTEGRITY_CHECKS = new Set(['embedded_credential', 'context', 'single_proof', 'proof', 'issuer', 'record', 'file_hash', 'not_yet_valid']);

export class VerificationService {
  constructor(
    private Cert: Model<CertificateDoc>,
    private keys: KeyStore,
    private lists: StatusListStore,
    private loader: DocumentLoader,
    private pdf: () => CertificatePdfService,
    private publicUrl: string,
    private now: () => Date,
  ) {}

  /** Public status of a certificate row, with the minimum to show. */
  publicView(c: CertificateDoc): PublicCertificate {
    const credential = JSON.parse(c.credentialJson ?? '{}') as Json;
    const expired = c.validUntil !== undefined && c.validUntil.getTime() < this.now().getTime();
    const status: PublicStatus = c.state === 'superseded' ? 'superseded' : c.state === 'revoked' ? 'revoked' : expired ? 'expired' : 'valid';
    return {
      status,
      // A name erased on the holder's lawful request (ADR 0036) is no longer shown, though the signed credential still carries it.
      name: c.subject.name === ERASED_NAME ? ERASED_NAME : String(credential.credentialSubject?.name ?? c.subject.name),
      achievement: String(credential.credentialSubject?.achievement?.name ?? c.achievement.name),
      issuer: String(credential.issuer?.name ?? c.render.issuerName),
      issuedAt: c.issuedAt.toISOString(),
      validUntil: c.validUntil ? c.validUntil.toISOString() : null,
      revokedAt: c.state === 'revoked' && c.revokedAt ? c.revokedAt.toISOString() : null,
      verifyUrl: `${this.publicUrl}/verify/${c.code}`,
    };
  }

  /** The issued certificate with this code (printed or URL form), or undefined. */
  async byCode(input: string): Promise<CertificateDoc | undefined> {
    const code = normalizeVerifyCode(input);
    if (!code) return undefined;
    const c = await this.Cert.findOne({ code }).lean();
    return c && c.state !== 'pending' && c.credentialJson ? c : undefined;
  }

  /** Verifies an uploaded file: a PDF (by its magic bytes) or credential JSON. */
  async verifyUpload(bytes: Buffer): Promise<FileVerification> {
    if (bytes.length === 0) throw Errors.badRequest('Upload a certificate PDF or its credential JSON', { details: [{ in: 'body', path: 'file', message: 'empty' }] });
    const head = bytes.subarray(0, 1024).toString('latin1');
    if (head.includes('%PDF-')) return this.verifyPdf(bytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw Errors.badRequest('The file is neither a PDF nor JSON', { details: [{ in: 'body', path: 'file', message: 'not a PDF or JSON document' }] });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw Errors.badRequest('The JSON is not a credential', { details: [{ in: 'body', path: 'file', message: 'must be a JSON object' }] });
    }
    return this.verifyCredential(parsed, { kind: 'credential' });
  }

  async verifyPdf(bytes: Buffer): Promise<FileVerification> {
    const embedded = await this.pdf().extractCredential(bytes);
    if (embedded === null) {
      return this.result('pdf', [{ check: 'embedded_credential', ok: false, message: 'The PDF carries no credential.json attachment' }], null, 'unknown');
    }
    let credential: unknown;
    try {
      credential = JSON.parse(embedded);
    } catch {
      return this.result('pdf', [{ check: 'embedded_credential', ok: false, message: 'The embedded credential.json is not valid JSON' }], null, 'tampered');
    }
    return this.verifyCredential(credential, { kind: 'pdf', fileSha256: this.pdf().sha256Hex(bytes) });
  }

  /** All checks on a credential object; `fileSha256` adds the file check for a PDF. */
  async verifyCredential(credential: unknown, opts: { kind: 'pdf' | 'credential'; fileSha256?: string }): Promise<FileVerification> {
    const checks: FileCheck[] = [];
    if (opts.kind === 'pdf') checks.push({ check: 'embedded_credential', ok: true, message: 'The PDF carries a credential.json attachment' });
    const cred = (credential && typeof credential === 'object' ? credential : {}) as Json;
    const issuerId = typeof cred.issuer === 'string' ? cred.issuer : cred.issuer?.id;
    const ours = issuerId === this.keys.did;
    checks.push({ check: 'issuer', ok: ours, message: ours ? `Issued by ${this.keys.did}` : `Not issued by this site (${String(issuerId)})` });

    const lib = await verifyOpenBadgeCredential(credential, {
      loader: this.loader,
      now: this.now(),
      readStatusBit: async (listUrl, index) => {
        const n = this.lists.listNumber(listUrl);
        if (n === undefined) throw new Error(`Unknown status list ${listUrl}`);
        return this.lists.isSet(n, index);
      },
    });
    checks.push(...lib.checks);

    // On record: the credential id is one of our verify URLs and the stored proof is this proof.
    const code = typeof cred.id === 'string' && cred.id.startsWith(`${this.publicUrl}/verify/`) ? normalizeVerifyCode(cred.id.slice(this.publicUrl.length + 8)) : undefined;
    const row = code ? await this.Cert.findOne({ code }).lean() : null;
    const storedProof = row?.credentialJson ? (JSON.parse(row.credentialJson) as Json).proof?.proofValue : undefined;
    const recordOk = Boolean(row && storedProof && storedProof === cred.proof?.proofValue);
    checks.push({ check: 'record', ok: recordOk, message: recordOk ? 'Matches the credential on record' : row ? 'Differs from the credential on record' : 'No certificate on record for this credential' });

    if (opts.fileSha256 !== undefined) {
      const known = [row?.pdf?.sha256, row?.signed?.sha256].filter(Boolean);
      const ok = known.includes(opts.fileSha256);
      checks.push({
        check: 'file_hash',
        ok,
        args: { hash: opts.fileSha256 },
        message: ok
          ? `The file is the one issued (SHA-256 ${opts.fileSha256})`
          : `The file differs from the PDF issued (SHA-256 ${opts.fileSha256}${known.length ? `, issued ${known.join(' / ')}` : ''})`,
      });
    }
    const view = row && recordOk ? this.publicView(row) : null;
    const r = this.result(opts.kind, checks, view);
    if (r.status === 'tampered' && row?.credentialJson) r.genuine = this.publicView(row);
    return r;
  }

  private result(kind: 'pdf' | 'credential', checks: FileCheck[], view: PublicCertificate | null, forced?: FileStatus): FileVerification {
    const failed = checks.filter((c) => !c.ok).map((c) => c.check);
    let status: FileStatus;
    if (forced) status = forced;
    else if (failed.includes('issuer') && !failed.some((f) => f !== 'issuer' && f !== 'record' && f !== 'proof' && f !== 'status')) status = 'unknown';
    else if (failed.some((f) => INTEGRITY_CHECKS.has(f))) status = 'tampered';
    else if (view && view.status !== 'valid') status = view.status;
    else if (failed.includes('status')) status = 'revoked';
    else if (failed.includes('expiry')) status = 'expired';
    else status = view ? 'valid' : 'unknown';
    return { status, kind, checks, failed, certificate: status === 'tampered' || status === 'unknown' ? null : view };
  }
}
