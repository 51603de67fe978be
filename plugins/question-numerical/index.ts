/** Registers the numerical question type (pure logic in numerical-type.ts). */
import { definePlugin } from '../../src/kernel/plugins/define-plugin';
import { formValues } from '../../src/learning/question-type';
import { numericalType } from './numerical-type';
import { numericalInterchange } from './interchange';
import { numericalEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...numericalType,
      interchange: numericalInterchange,
      editForm: numericalEditForm,
      fromForm: (fields, prefix) => ((({ first }) => (first?.trim() ? { text: first.slice(0, 100) } : undefined)) as (v: ReturnType<typeof formValues>) => never)(formValues(fields, prefix)),
    });
  },
});
