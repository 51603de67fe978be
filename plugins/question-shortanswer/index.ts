/** Registers the shortanswer question type (pure logic in shortanswer-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { textResponseFromForm } from '../../src/learning/question-type-kit';
import { shortanswerType } from './shortanswer-type';
import { shortanswerInterchange } from './interchange';
import { shortanswerEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...shortanswerType,
      interchange: shortanswerInterchange,
      editForm: shortanswerEditForm,
      fromForm: textResponseFromForm(1000),
      // Free text stays out of reports: a typed answer may say who typed it.
      classifyResponse: (response) => (response.text.trim() ? 'answered' : null),
    });
  },
});
