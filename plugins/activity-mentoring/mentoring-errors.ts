/** Coded errors a person can cause in mentoring; messages in lang/*.json under `errors.*`. */
import { defineError } from '../../src/kernel/errors';

export const MentoringErrors = {
  noSupervisor: defineError('BINA_ERR_MENTORING_NO_SUPERVISOR', 400, 'activity-mentoring:errors.noSupervisor'),
  selfMentor: defineError('BINA_ERR_MENTORING_SELF', 400, 'activity-mentoring:errors.selfMentor'),
  notSenior: defineError('BINA_ERR_MENTORING_NOT_SENIOR', 400, 'activity-mentoring:errors.notSenior'),
  notAsn: defineError('BINA_ERR_MENTORING_NOT_ASN', 400, 'activity-mentoring:errors.notAsn'),
  pairExists: defineError('BINA_ERR_MENTORING_PAIR_EXISTS', 409, 'activity-mentoring:errors.pairExists'),
  pairEnded: defineError('BINA_ERR_MENTORING_PAIR_ENDED', 409, 'activity-mentoring:errors.pairEnded'),
  ownSession: defineError('BINA_ERR_MENTORING_OWN_SESSION', 403, 'activity-mentoring:errors.ownSession'),
  alreadySigned: defineError('BINA_ERR_MENTORING_ALREADY_SIGNED', 409, 'activity-mentoring:errors.alreadySigned'),
  goalCompetency: defineError('BINA_ERR_MENTORING_GOAL_COMPETENCY', 400, 'activity-mentoring:errors.goalCompetency'),
  period: defineError('BINA_ERR_MENTORING_PERIOD', 400, 'activity-mentoring:errors.period'),
};
