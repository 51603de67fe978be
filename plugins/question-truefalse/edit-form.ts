/** The trainer's form for true/false: which value is right, and the feedback for each pick. */
import { fieldValue, type EditFields } from '../../src/learning/question-edit-fields';
import type { TruefalseData } from './truefalse-type';

export const truefalseEditForm = {
  fromFields(fields: EditFields): unknown {
    const correct = fieldValue(fields, 'tf_correct');
    const feedbackTrue = fieldValue(fields, 'tf_feedback_true').trim();
    const feedbackFalse = fieldValue(fields, 'tf_feedback_false').trim();
    return {
      // Neither chosen: left out, so the schema says a choice is needed.
      ...(correct === 'true' ? { correct: true } : correct === 'false' ? { correct: false } : {}),
      ...(feedbackTrue ? { feedbackTrue } : {}),
      ...(feedbackFalse ? { feedbackFalse } : {}),
    };
  },
  toFields(data: TruefalseData): Record<string, string | string[]> {
    return { tf_correct: String(data.correct), tf_feedback_true: data.feedbackTrue ?? '', tf_feedback_false: data.feedbackFalse ?? '' };
  },
};
