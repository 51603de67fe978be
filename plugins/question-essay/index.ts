/** Registers the essay question type (pure logic in essay-type.ts). */
import { definePlugin } from '../../src/kernel/plugins/define-plugin';
import { formValues } from '../../src/learning/question-type';
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
      fromForm: (fields, prefix) => ((({ first }) => (first?.trim() ? { text: first.slice(0, 200_000) } : undefined)) as (v: ReturnType<typeof formValues>) => never)(formValues(fields, prefix)),
    });
  },
});
