/** Registers the matching question type (pure logic in matching-type.ts). */
import { definePlugin } from '../../src/kernel/plugins/define-plugin';
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
      fromForm: (fields, prefix) => ((({ sub }) => { const matches = Object.entries(sub).map(([questionId, choiceId]) => ({ questionId, choiceId })); return matches.length ? { matches } : undefined; }) as (v: ReturnType<typeof formValues>) => never)(formValues(fields, prefix)),
    });
  },
});
