/** Registers the essay question type (pure logic in essay-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { textResponseFromForm } from '../../src/learning/question-type-kit';
import { Errors } from '../../src/kernel/errors';
import { essayType, gradeEssayWithRubric, RubricSelectionError } from './essay-type';
import { essayInterchange } from './interchange';
import { essayEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...essayType,
      interchange: essayInterchange,
      editForm: essayEditForm,
      gradeWithRubric: (question, selections, maxScore) => {
        try {
          return gradeEssayWithRubric(question, selections, maxScore);
        } catch (e) {
          if (e instanceof RubricSelectionError) {
            throw Errors.validation('Invalid rubric selection', { details: e.details.map((d) => ({ path: `rubric${d.criterionId ? `.${d.criterionId}` : ''}`, message: d.problem })) });
          }
          throw e;
        }
      },
      fromForm: textResponseFromForm(200_000),
      rubricOf: (question) => question.data.rubric,
      classifyResponse: (response) => (response.text.trim() ? 'answered' : null),
    });
  },
});
