/**
 * Multichoice ↔ neutral items. `multiple_choice` with `points` on every option is a weighted
 * (TKP) question; otherwise fractions. `multiple_response` is the multiple-answer form.
 */
import type { NeutralQuestion, ChoiceOption, MultipleChoiceItem, MultipleResponseItem } from '../../src/learning/interchange/neutral-question';
import { optionalText, randomItemId } from '../../src/learning/interchange/random-id';
import type { Question } from '../../src/learning/question-type';
import type { MultichoiceData } from './multichoice-type';

/**
 * GIFT and Moodle XML have no weighted type: a weighted question travels as single-answer partial
 * credit (fraction = points / max), which Moodle grades the same, plus the tag
 * `bina-weighted-<max>` so Bina reads the points back exactly.
 */
export const WEIGHTED_TAG = /^bina-weighted-(\d{1,4})$/;

function weightedMax(item: NeutralQuestion): number | undefined {
  const tag = item.tags?.find((t) => WEIGHTED_TAG.test(t));
  return tag ? Number(WEIGHTED_TAG.exec(tag)![1]) : undefined;
}

export const multichoiceInterchange = {
  neutralTypes: ['multiple_choice', 'multiple_response'] as const,
  fromNeutral(item: NeutralQuestion): MultichoiceData {
    if (item.type !== 'multiple_choice' && item.type !== 'multiple_response') throw new Error(`not a choice question: ${item.type}`);
    const options = item.options as ChoiceOption[];
    const max = weightedMax(item);
    const hasPoints = options.length > 0 && options.every((o) => typeof o.points === 'number');
    if (item.type === 'multiple_choice' && (hasPoints || max !== undefined)) {
      const points = (o: ChoiceOption) => (hasPoints ? o.points! : Math.round(o.fraction * max! * 1e6) / 1e6);
      return { mode: 'weighted', shuffle: true, options: options.map((o) => ({ id: randomItemId('o'), text: o.text, ...(o.format ? { format: o.format } : {}), points: points(o), ...(optionalText(o.feedback) ? { feedback: o.feedback! } : {}) })) } as MultichoiceData;
    }
    return {
      mode: 'fraction', single: item.type === 'multiple_choice', shuffle: true,
      options: options.map((o) => ({ id: randomItemId('o'), text: o.text, ...(o.format ? { format: o.format } : {}), fraction: o.fraction, ...(optionalText(o.feedback) ? { feedback: o.feedback! } : {}) })),
    } as MultichoiceData;
  },
  toNeutral(q: Question<MultichoiceData>): NeutralQuestion {
    const d = q.data;
    const base = { title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark };
    if (d.mode === 'weighted') {
      const max = Math.max(...d.options.map((o) => o.points ?? 0), 0) || 1;
      const item: MultipleChoiceItem = { ...base, type: 'multiple_choice', tags: [`bina-weighted-${max}`], options: d.options.map((o) => ({ text: o.text, fraction: (o.points ?? 0) / max, points: o.points, feedback: o.feedback ?? null, ...(o.format ? { format: o.format } : {}) })) };
      return item;
    }
    const options = d.options.map((o) => ({ text: o.text, fraction: o.fraction ?? 0, feedback: o.feedback ?? null, ...(o.format ? { format: o.format } : {}) }));
    return d.single ? ({ ...base, type: 'multiple_choice', options } as MultipleChoiceItem) : ({ ...base, type: 'multiple_response', options } as MultipleResponseItem);
  },
};
