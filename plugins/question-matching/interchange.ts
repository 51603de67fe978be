/** Matching ↔ neutral: pairs share a random answerId per distinct answer text; '' question = distractor. */
import type { NeutralQuestion } from '../../src/learning/interchange/neutral-question';
import { randomItemId } from '../../src/learning/interchange/random-id';
import type { Question } from '../../src/learning/question-type';
import { newMatchingAnswerId, type MatchingData } from './matching-type';

export const matchingInterchange = {
  neutralTypes: ['matching'] as const,
  fromNeutral(item: NeutralQuestion): MatchingData {
    if (item.type !== 'matching') throw new Error(`not a matching question: ${item.type}`);
    const answerIds = new Map<string, string>();
    const pairs = item.pairs.map((p) => {
      if (!answerIds.has(p.answer)) answerIds.set(p.answer, newMatchingAnswerId());
      return { id: randomItemId('p'), question: p.question, ...(p.question_format ? { questionFormat: p.question_format } : {}), answer: p.answer, answerId: answerIds.get(p.answer)! };
    });
    return { shuffle: true, pairs } as MatchingData;
  },
  toNeutral(q: Question<MatchingData>): NeutralQuestion {
    const d = q.data;
    return { type: 'matching', title: q.name, stem: q.stem, stem_format: q.stemFormat, general_feedback: q.generalFeedback ?? null, default_mark: q.defaultMark, pairs: d.pairs.map((p) => ({ question: p.question, answer: p.answer, ...(p.questionFormat ? { question_format: p.questionFormat } : {}) })) };
  },
};
