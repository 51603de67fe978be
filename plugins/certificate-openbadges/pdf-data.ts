/**
 * What the PDF prints, read from the signed credential itself (plus the place of issue, which is
 * not part of an OB3 credential). Printing from the credential, never from live database rows,
 * is what makes a re-render from the stored credential reproduce the issued file exactly, and
 * guarantees the paper never says anything the signed data does not.
 */
import type { CertificateData } from '../certificate-pdf/api';
import { displayVerifyCode } from './verify-code';

type Json = Record<string, any>;

/** "group: Manajerial; level: 2" → "2" (the fixed format build-credential.ts writes). */
function levelOf(description: unknown): string | undefined {
  const m = typeof description === 'string' ? /(?:^|;\s*)level:\s*([^;]+)/.exec(description) : null;
  return m?.[1]?.trim();
}

/**
 * `extra` is what the row fixed at issue beside the credential: the place, the holder's NIP (the
 * credential carries only its salted hash, which the printed NIP can be checked against), unit and
 * instansi, the register number and the signatory.
 */
export function certificateDataFromCredential(
  credential: Json,
  extra: { place?: string; nip?: string; unit?: string; instansi?: string; registerNumber?: string; signatory?: { name: string; nip?: string; position?: string } },
): CertificateData {
  const subject = credential.credentialSubject as Json;
  const achievement = subject.achievement as Json;
  const alignment = Array.isArray(achievement.alignment) ? (achievement.alignment[0] as Json | undefined) : undefined;
  const id = String(credential.id);
  const code = id.slice(id.lastIndexOf('/') + 1);
  return {
    name: String(subject.name),
    achievement: String(achievement.name),
    competency: alignment?.targetName ? String(alignment.targetName) : undefined,
    level: levelOf(alignment?.targetDescription),
    jp: typeof achievement.creditsAvailable === 'number' ? achievement.creditsAvailable : undefined,
    issuedOn: new Date(String(credential.validFrom)),
    validUntil: credential.validUntil ? new Date(String(credential.validUntil)) : undefined,
    verifyUrl: id,
    code: displayVerifyCode(code),
    issuerName: String((credential.issuer as Json).name),
    ...(extra.place ? { place: extra.place } : {}),
    ...(extra.nip && /^\d{18}$/.test(extra.nip) ? { nip: extra.nip } : {}),
    ...(extra.unit ? { unit: extra.unit } : {}),
    ...(extra.instansi ? { instansi: extra.instansi } : {}),
    ...(extra.registerNumber ? { registerNumber: extra.registerNumber } : {}),
    ...(extra.signatory?.name ? { signatoryName: extra.signatory.name } : {}),
    ...(extra.signatory?.nip ? { signatoryNip: extra.signatory.nip } : {}),
    ...(extra.signatory?.position ? { signatoryPosition: extra.signatory.position } : {}),
  };
}
