/** Registers the matching question type (pure logic in matching-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { formValues } from '../../src/learning/attempts/answer-log';
import { matchingType, type MatchingResponse } from './matching-type';
import { matchingInterchange } from './interchange';
import { matchingEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...matchingType,
      interchange: matchingInterchange,
      editForm: matchingEditForm,
      fromForm: (fields, prefix) => {
        const matches = Object.entries(formValues(fields, prefix).sub).map(([questionId, choiceId]) => ({ questionId, choiceId }));
        return matches.length ? { matches } : undefined;
      },
      // The partial selects, per sub-question, the choice saved for it.
      toFormView: (response: MatchingResponse | null) => ({ matchMap: Object.fromEntries((response?.matches ?? []).map((m) => [m.questionId, m.choiceId])) }),
      classifyResponse: (response: MatchingResponse) => (response.matches.length ? response.matches.map((m) => `${m.questionId}=${m.choiceId}`).sort().join('+') : null),
    });
  },
});
