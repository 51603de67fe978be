/** Short answer ↔ neutral: accepted answers with fractions, case sensitivity, `*` wildcard. */
import type { NeutralQuestion } from '../../src/learning/interchange/neutral-question';
import { optionalText } from '../../src/learning/interchange/random-id';
import type { Question } from '../../src/learning/question-type';
import type { ShortanswerData } from './shortanswer-type';

export const shortanswerInterchange = {
  neutralTypes: ['short_answer'] as const,
  fromNeutral(item: NeutralQuestion): ShortanswerData {
    if (item.type !== 'short_answer') throw new Error(`not a short answer question: ${item.type}`);
    return { caseSensitive: item.case_sensitive ?? false, answers: item.options.map((o) => ({ text: o.text, fraction: o.fraction, ...(optionalText(o.feedback) ? { feedback: o.feedback! } : {}) })) } as ShortanswerData;
  },
  toNeutral(q: Question<ShortanswerData>): NeutralQuestion {
    const d = q.data as { caseSensitive?: boolean; answers: Array<{ text: string; fraction: number; feedback?: string }> };
    return { type: 'short_answer', title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark, case_sensitive: d.caseSensitive ?? false, options: d.answers.map((a) => ({ text: a.text, fraction: a.fraction, feedback: a.feedback ?? null })) };
  },
};
