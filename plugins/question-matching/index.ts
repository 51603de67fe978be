/** Registers the matching question type (pure logic in matching-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { formValues } from '../../src/learning/question-type';
import { matchingType } from './matching-type';
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
    });
  },
});
