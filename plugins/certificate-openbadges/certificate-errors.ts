/** Coded errors of certificate-openbadges (STYLE.md: `BINA_ERR_<AREA>_<NAME>` + i18n key). */
import { defineError } from '../../src/kernel/errors';

export const CertErrors = {
  /** The certificate is not in a state that allows the action (e.g. revoking a revoked one). */
  state: defineError('BINA_ERR_CERT_STATE', 409, 'certificate-openbadges:errors.state'),
  alreadyIssued: defineError('BINA_ERR_CERT_ALREADY_ISSUED', 409, 'certificate-openbadges:errors.alreadyIssued'),
  /** Still being signed and rendered on the worker. */
  notReady: defineError('BINA_ERR_CERT_NOT_READY', 409, 'certificate-openbadges:errors.notReady'),
  unknownSigner: defineError('BINA_ERR_CERT_UNKNOWN_SIGNER', 404, 'certificate-openbadges:errors.unknownSigner'),
  /** A signer returned a file that no longer carries the issued credential. */
  signerAltered: defineError('BINA_ERR_CERT_SIGNER_ALTERED', 502, 'certificate-openbadges:errors.signerAltered'),
  statusListFull: defineError('BINA_ERR_CERT_STATUS_LIST_FULL', 503, 'certificate-openbadges:errors.statusListFull'),
  archived: defineError('BINA_ERR_CERT_ACHIEVEMENT_ARCHIVED', 409, 'certificate-openbadges:errors.archived'),
  /** Only a bulk issue that failed for good can be retried (a running one is still trying). */
  bulkNotFailed: defineError('BINA_ERR_CERT_BULK_NOT_FAILED', 409, 'certificate-openbadges:errors.bulkNotFailed'),
};
