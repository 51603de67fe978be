/** Registers the numerical question type (pure logic in numerical-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { textResponseFromForm } from '../../src/learning/question-type-kit';
import { numericalType, parseNumericResponse } from './numerical-type';
import { numericalInterchange } from './interchange';
import { numericalEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...numericalType,
      interchange: numericalInterchange,
      editForm: numericalEditForm,
      fromForm: textResponseFromForm(100),
      // The number given (units aside), so 17 and 17.0 count as one response.
      classifyResponse: (response) => (response.text.trim() ? String(parseNumericResponse(response.text)?.value ?? 'answered') : null),
    });
  },
});
