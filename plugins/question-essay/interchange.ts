/** Essay ↔ neutral: the formats carry no essay settings; word limits and rubric stay in Bina. */
import type { NeutralQuestion } from '../../src/learning/interchange/neutral-question';
import type { Question } from '../../src/learning/question-type';
import type { EssayData } from './essay-type';

export const essayInterchange = {
  neutralTypes: ['essay'] as const,
  fromNeutral(item: NeutralQuestion): EssayData {
    if (item.type !== 'essay') throw new Error(`not an essay question: ${item.type}`);
    return {} as EssayData;
  },
  toNeutral(q: Question<EssayData>): NeutralQuestion {
    return { type: 'essay', title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark };
  },
};
