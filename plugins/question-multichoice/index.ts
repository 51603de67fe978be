/** Registers the multichoice question type (pure logic in multichoice-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { formValues } from '../../src/learning/attempts/answer-log';
import { multichoiceType } from './multichoice-type';
import { multichoiceInterchange } from './interchange';
import { multichoiceEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...multichoiceType,
      interchange: multichoiceInterchange,
      editForm: multichoiceEditForm,
      fromForm: (fields, prefix) => {
        const { list } = formValues(fields, prefix);
        return list.length ? { selected: [...new Set(list)] } : undefined;
      },
      classifyResponse: (response) => (response.selected.length ? [...response.selected].sort().join('+') : null),
    });
  },
});
