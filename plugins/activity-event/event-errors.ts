/** Coded errors a person can cause with events; messages in lang/*.json under `errors.*`. */
import { defineError } from '../../src/kernel/errors';

export const EventErrors = {
  notOpen: defineError('BINA_ERR_EVENT_NOT_OPEN', 409, 'activity-event:errors.notOpen'),
  restricted: defineError('BINA_ERR_EVENT_RESTRICTED', 403, 'activity-event:errors.restricted'),
  notRegistered: defineError('BINA_ERR_EVENT_NOT_REGISTERED', 403, 'activity-event:errors.notRegistered'),
  codeExpired: defineError('BINA_ERR_EVENT_CODE_EXPIRED', 410, 'activity-event:errors.codeExpired'),
  codeReplayed: defineError('BINA_ERR_EVENT_CODE_REPLAYED', 409, 'activity-event:errors.codeReplayed'),
  codeOtherSession: defineError('BINA_ERR_EVENT_CODE_OTHER_SESSION', 400, 'activity-event:errors.codeOtherSession'),
  codeInvalid: defineError('BINA_ERR_EVENT_CODE_INVALID', 400, 'activity-event:errors.codeInvalid'),
  notProviderStaff: defineError('BINA_ERR_EVENT_NOT_ORGANISER', 403, 'activity-event:errors.notProviderStaff'),
  sessions: defineError('BINA_ERR_EVENT_SESSIONS', 400, 'activity-event:errors.sessions'),
  sessionAttended: defineError('BINA_ERR_EVENT_SESSION_ATTENDED', 409, 'activity-event:errors.sessionAttended'),
};
