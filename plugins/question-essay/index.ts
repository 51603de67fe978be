/** Registers the essay question type (pure logic in essay-type.ts). */
import { definePlugin } from '../../src/kernel/plugins/define-plugin';
import { formValues } from '../../src/learning/question-type';
import { essayType } from './essay-type';
import { essayInterchange } from './interchange';
import { essayEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...essayType,
      interchange: essayInterchange,
      editForm: essayEditForm,
      fromForm: (fields, prefix) => ((({ first }) => (first?.trim() ? { text: first.slice(0, 200_000) } : undefined)) as (v: ReturnType<typeof formValues>) => never)(formValues(fields, prefix)),
    });
  },
});
