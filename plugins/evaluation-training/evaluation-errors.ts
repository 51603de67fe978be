/** Coded errors a person can cause in training evaluation; messages in lang/*.json under `errors.*`. */
import { defineError } from '../../src/kernel/errors';

export const EvaluationErrors = {
  notOffered: defineError('BINA_ERR_EVALUATION_NOT_OFFERED', 404, 'evaluation-training:errors.notOffered'),
  answered: defineError('BINA_ERR_EVALUATION_ANSWERED', 409, 'evaluation-training:errors.answered'),
  incomplete: defineError('BINA_ERR_EVALUATION_INCOMPLETE', 400, 'evaluation-training:errors.incomplete'),
  notYourTask: defineError('BINA_ERR_EVALUATION_NOT_YOUR_TASK', 403, 'evaluation-training:errors.notYourTask'),
  rated: defineError('BINA_ERR_EVALUATION_RATED', 409, 'evaluation-training:errors.rated'),
  notActivity: defineError('BINA_ERR_EVALUATION_NOT_ACTIVITY', 400, 'evaluation-training:errors.notActivity'),
  items: defineError('BINA_ERR_EVALUATION_ITEMS', 400, 'evaluation-training:errors.items'),
  formChanged: defineError('BINA_ERR_EVALUATION_FORM_CHANGED', 409, 'evaluation-training:errors.formChanged'),
  notOrganiser: defineError('BINA_ERR_EVALUATION_NOT_ORGANISER', 403, 'evaluation-training:errors.notOrganiser'),
  skpFile: defineError('BINA_ERR_EVALUATION_SKP_FILE', 400, 'evaluation-training:errors.skpFile'),
};
