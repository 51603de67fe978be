/**
 * The core's events about certificates, whatever plugin issues them: a certificate plugin reports
 * through `ctx.certificates` and the core emits these, so listeners (the inbox, a future e-mail
 * channel) name no certificate plugin. After the fact and possibly repeated: listeners are idempotent.
 */
import { z } from 'zod';
import { objectId } from '../kernel/object-id';

/** A certificate was issued to a person. */
export const CERTIFICATE_ISSUED = 'learning.certificate.issued';
/** A certificate was revoked; `reason` says why. */
export const CERTIFICATE_REVOKED = 'learning.certificate.revoked';

export const certificateEventSchema = z.object({
  certificateId: objectId,
  userId: objectId,
  /** What it attests, as printed on it. */
  achievementName: z.string().min(1).max(500),
  /** Where its holder finds it: a path on this site. */
  href: z.string().regex(/^\/(?!\/)[^\s]{0,500}$/),
});
export type CertificateEvent = z.infer<typeof certificateEventSchema>;

export const certificateRevokedSchema = certificateEventSchema.extend({ reason: z.string().max(1000) });
export type CertificateRevoked = z.infer<typeof certificateRevokedSchema>;
