/** Numerical ↔ neutral: ranges (min..max), catch-all answers, units. */
import type { NeutralQuestion, NumericalAnswer } from '../../src/learning/interchange/neutral-question';
import { optionalText } from '../../src/learning/interchange/random-id';
import type { Question } from '../../src/learning/question-type';
import type { NumericalData } from './numerical-type';

export const numericalInterchange = {
  neutralTypes: ['numerical'] as const,
  fromNeutral(item: NeutralQuestion): NumericalData {
    if (item.type !== 'numerical') throw new Error(`not a numerical question: ${item.type}`);
    const answers = item.answers.map((a) => {
      const fb = optionalText(a.feedback);
      // value ± tolerance in binary floating point gives 3.1500000000000004; authors wrote 3.15.
      const tidy = (x: number) => Number(x.toPrecision(12));
      return 'any' in a ? { any: true, fraction: a.fraction, ...(fb ? { feedback: fb } : {}) } : { min: tidy(a.min), max: tidy(a.max), fraction: a.fraction, ...(fb ? { feedback: fb } : {}) };
    });
    return { answers, ...(item.units?.length ? { units: item.units } : {}) } as NumericalData;
  },
  toNeutral(q: Question<NumericalData>): NeutralQuestion {
    const d = q.data as { answers: Array<{ any?: true; min?: number; max?: number; fraction: number; feedback?: string }>; units?: Array<{ unit: string; multiplier: number }> };
    const answers: NumericalAnswer[] = d.answers.map((a) =>
      a.any
        ? { any: true, fraction: a.fraction, feedback: a.feedback ?? null }
        : { value: (a.min! + a.max!) / 2, tolerance: (a.max! - a.min!) / 2, min: a.min!, max: a.max!, fraction: a.fraction, feedback: a.feedback ?? null, syntax: a.min === a.max ? 'exact' : 'min..max' },
    );
    return { type: 'numerical', title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark, answers, ...(d.units?.length ? { units: d.units } : {}) };
  },
};
