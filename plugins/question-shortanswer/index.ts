/** Registers the shortanswer question type (pure logic in shortanswer-type.ts). */
import { definePlugin } from '../../src/kernel/plugins/define-plugin';
import { formValues } from '../../src/learning/question-type';
import { shortanswerType } from './shortanswer-type';
import { shortanswerInterchange } from './interchange';
import { shortanswerEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...shortanswerType,
      interchange: shortanswerInterchange,
      editForm: shortanswerEditForm,
      fromForm: (fields, prefix) => ((({ first }) => (first?.trim() ? { text: first.slice(0, 1000) } : undefined)) as (v: ReturnType<typeof formValues>) => never)(formValues(fields, prefix)),
    });
  },
});
