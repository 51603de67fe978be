/** True/false ↔ neutral. Both sides mean "feedback shown when the learner picks True/False". */
import type { NeutralQuestion } from '../../src/learning/interchange/neutral-question';
import { optionalText } from '../../src/learning/interchange/random-id';
import type { Question } from '../../src/learning/question-type';
import type { TruefalseData } from './truefalse-type';

export const truefalseInterchange = {
  neutralTypes: ['true_false'] as const,
  fromNeutral(item: NeutralQuestion): TruefalseData {
    if (item.type !== 'true_false') throw new Error(`not a true/false question: ${item.type}`);
    const ft = optionalText(item.feedback_true), ff = optionalText(item.feedback_false);
    return { correct: item.answer, ...(ft ? { feedbackTrue: ft } : {}), ...(ff ? { feedbackFalse: ff } : {}) } as TruefalseData;
  },
  toNeutral(q: Question<TruefalseData>): NeutralQuestion {
    const d = q.data as { correct: boolean; feedbackTrue?: string; feedbackFalse?: string };
    return { type: 'true_false', title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark, answer: d.correct, feedback_true: d.feedbackTrue ?? null, feedback_false: d.feedbackFalse ?? null };
  },
};
