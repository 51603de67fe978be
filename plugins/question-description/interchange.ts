/** Description ↔ neutral: text only. */
import type { NeutralQuestion } from '../../src/learning/interchange/neutral-question';
import type { Question } from '../../src/learning/question-type';
import type { DescriptionData } from './description-type';

export const descriptionInterchange = {
  neutralTypes: ['description'] as const,
  fromNeutral(item: NeutralQuestion): DescriptionData {
    if (item.type !== 'description') throw new Error(`not a description: ${item.type}`);
    return {} as DescriptionData;
  },
  toNeutral(q: Question<DescriptionData>): NeutralQuestion {
    return { type: 'description', title: q.name, stem: q.stem, stem_format: q.stemFormat, default_mark: 0 };
  },
};
