/** Ordering ↔ neutral: items in the correct order; grading policy kept. */
import type { NeutralQuestion } from '../../src/learning/interchange/neutral-question';
import type { Question } from '../../src/learning/question-type';
import { newOrderingItemId, type OrderingData } from './ordering-type';

export const orderingInterchange = {
  neutralTypes: ['ordering'] as const,
  fromNeutral(item: NeutralQuestion): OrderingData {
    if (item.type !== 'ordering') throw new Error(`not an ordering question: ${item.type}`);
    return { items: item.items.map((i) => ({ id: newOrderingItemId(), text: i.text, ...(i.format ? { format: i.format } : {}) })), grading: item.grading ?? 'all_or_nothing' } as OrderingData;
  },
  toNeutral(q: Question<OrderingData>): NeutralQuestion {
    const d = q.data;
    return { type: 'ordering', title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark, items: d.items.map((i) => ({ text: i.text, ...(i.format ? { format: i.format } : {}) })), grading: d.grading ?? 'all_or_nothing' };
  },
};
