/** The trainer's form for short answer: accepted answers (text with `*` wildcards, %, feedback) and case sensitivity. */
import { fieldRows, fieldValue, fractionToPercent, percentToFraction, type EditFields } from '../../src/learning/question-edit-fields';
import type { ShortanswerData } from './shortanswer-type';

export const shortanswerEditForm = {
  fromFields(fields: EditFields): unknown {
    const answers = fieldRows(fields, 'ans', ['text', 'value', 'feedback'] as const)
      .filter((r) => r.text.trim() !== '' || r.feedback.trim() !== '')
      .map((r) => ({ text: r.text.trim(), fraction: percentToFraction(r.value), ...(r.feedback.trim() ? { feedback: r.feedback.trim() } : {}) }));
    return { caseSensitive: fieldValue(fields, 'sa_case') === 'true', answers };
  },
  toFields(data: ShortanswerData): Record<string, string | string[]> {
    return {
      sa_case: String(data.caseSensitive === true),
      ans_text: data.answers.map((a) => a.text),
      ans_value: data.answers.map((a) => fractionToPercent(a.fraction)),
      ans_feedback: data.answers.map((a) => a.feedback ?? ''),
    };
  },
};
