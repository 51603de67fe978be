/** Registers the description question type (pure logic in description-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { descriptionType } from './description-type';
import { descriptionInterchange } from './interchange';
import { descriptionEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...descriptionType,
      interchange: descriptionInterchange,
      editForm: descriptionEditForm,
      fromForm: () => undefined,
      classifyResponse: () => null,
    });
  },
});
