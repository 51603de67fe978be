/** Registers the shortanswer question type (pure logic in shortanswer-type.ts). */
import { definePlugin } from '../../src/kernel/plugins/define-plugin';
import { formValues } from '../../src/learning/question-type';
import { shortanswerType } from './shortanswer-type';
import { shortanswerInterchange } from './interchange';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...shortanswerType,
      interchange: shortanswerInterchange,
      fromForm: (fields, prefix) => ((({ first }) => (first?.trim() ? { text: first.slice(0, 1000) } : undefined)) as (v: ReturnType<typeof formValues>) => never)(formValues(fields, prefix)),
    });
  },
});
