/**
 * The pluggable official-signature interface: a `certificate-signer-*` plugin adds a PAdES (or
 * other) signature to an issued certificate PDF, e.g. through BSrE's signing service under
 * PP 71/2019. Bina works without any signer; the Ed25519 credential inside the PDF is what makes a
 * certificate verifiable, and an official signature is an extra layer on top.
 *
 * Invariants:
 * - Signer credentials (a BSrE NIK + passphrase) are parsed with the signer's own schema, passed to
 *   `sign` and dropped: nothing here stores or logs them. A signer must not either.
 * - A signer may only append to the PDF (an incremental update, as PAdES does): the caller checks
 *   that the signed file still carries the very same embedded credential before keeping it.
 * - One registration per id; ids are plugin ids of kind `certificate-signer-*`.
 */
import type { z } from 'zod';
import { Errors } from '../../src/kernel/errors';

export interface SignRequest {
  /** The issued PDF, exactly as recorded at issue. */
  pdf: Buffer;
  /** Whatever the signer's `credentialsSchema` accepted (e.g. `{ nik, passphrase }`). */
  credentials: unknown;
  /** Why the document is signed (shown by PDF readers in the signature panel). */
  reason: string;
  /** The certificate's public code, for the signer's own logs (never the credentials). */
  code: string;
}

export interface CertificateSigner {
  /** The signer plugin's id, `certificate-signer-<name>`. */
  id: string;
  /** Shown to admins, e.g. "BSrE (BSSN)". */
  label: string;
  /** Validates what the admin types in for one signing (never stored). */
  credentialsSchema: z.ZodType;
  /** Returns the signed PDF. Throws a coded BinaError (4xx for the admin's mistakes). */
  sign(request: SignRequest): Promise<Buffer>;
}

const SIGNER_ID = /^certificate-signer-[a-z0-9]+(-[a-z0-9]+)*$/;

/** The registry of signers, held by the certificate-pdf service. */
export class SignerRegistry {
  private signers = new Map<string, CertificateSigner>();

  register(signer: CertificateSigner): void {
    if (!SIGNER_ID.test(signer.id)) throw Errors.pluginScope(`Signer id ${signer.id} must look like certificate-signer-<name>`);
    if (this.signers.has(signer.id)) throw Errors.pluginClash(`Certificate signer ${signer.id} is registered twice`);
    this.signers.set(signer.id, signer);
  }

  get(id: string): CertificateSigner | undefined {
    return this.signers.get(id);
  }

  list(): Array<{ id: string; label: string }> {
    return [...this.signers.values()].map((s) => ({ id: s.id, label: s.label }));
  }
}
