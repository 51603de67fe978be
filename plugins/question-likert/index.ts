/** Registers the Likert question type (pure logic in likert-type.ts) for questionnaire layouts (ADR 0037). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { likertType } from './likert-type';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register(likertType);
  },
});
