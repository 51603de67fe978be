/** Registers the truefalse question type (pure logic in truefalse-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { formValues } from '../../src/learning/attempts/answer-log';
import { truefalseType } from './truefalse-type';
import { truefalseInterchange } from './interchange';
import { truefalseEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...truefalseType,
      interchange: truefalseInterchange,
      editForm: truefalseEditForm,
      fromForm: (fields, prefix) => {
        const { first } = formValues(fields, prefix);
        return first === 'true' ? { value: true } : first === 'false' ? { value: false } : undefined;
      },
      classifyResponse: (response) => String(response.value),
    });
  },
});
