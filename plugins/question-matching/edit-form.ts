/**
 * The trainer's form for matching: rows of sub-question and answer (a row with an answer but no
 * sub-question is a distractor), and whether sub-questions are shuffled. Pair ids and answer ids
 * travel in hidden fields; each distinct answer text keeps one answerId, and a new text gets a
 * fresh random one from `newMatchingAnswerId`, so ids never reveal the pairing.
 */
import { fieldRows, fieldValue, type EditFields } from '../../src/learning/question-edit-fields';
import { newMatchingAnswerId, type MatchingData } from './matching-type';

const PAIR_KEYS = ['id', 'question', 'answer', 'aid', 'qformat'] as const;

export const matchingEditForm = {
  fromFields(fields: EditFields): unknown {
    const idByText = new Map<string, string>();
    const usedIds = new Set<string>();
    const pairs = fieldRows(fields, 'pair', PAIR_KEYS)
      .filter((r) => r.question.trim() !== '' || r.answer.trim() !== '')
      .map((r) => {
        const answer = r.answer.trim();
        let answerId = idByText.get(answer);
        if (!answerId) {
          const given = r.aid.trim();
          answerId = given && !usedIds.has(given) ? given : newMatchingAnswerId();
          idByText.set(answer, answerId);
          usedIds.add(answerId);
        }
        return { id: r.id.trim() || `p${newMatchingAnswerId().slice(0, 8)}`, question: r.question.trim(), ...(r.qformat ? { questionFormat: r.qformat } : {}), answer, answerId };
      });
    return { shuffle: fieldValue(fields, 'match_shuffle') !== 'false', pairs };
  },
  toFields(data: MatchingData): Record<string, string | string[]> {
    return {
      match_shuffle: String(data.shuffle !== false),
      pair_id: data.pairs.map((p) => p.id),
      pair_question: data.pairs.map((p) => p.question),
      pair_answer: data.pairs.map((p) => p.answer),
      pair_aid: data.pairs.map((p) => p.answerId),
      pair_qformat: data.pairs.map((p) => p.questionFormat ?? ''),
    };
  },
};
