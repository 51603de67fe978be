/** Tests for the matching question type: share-of-pairs scoring, id rules, and an unlinkable view. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { matchingType, newMatchingAnswerId, type MatchingData } from '../matching-type';

function question(data: unknown): Question<MatchingData> {
  return { type: 'matching', name: 'M', stem: 'Pasangkan provinsi dan ibu kotanya.', stemFormat: 'plain', defaultMark: 1, data: matchingType.dataSchema.parse(data) };
}

const capitals = question({
  pairs: [
    { id: 'p1', question: 'Jawa Barat', answer: 'Bandung', answerId: 'qzkvtr' },
    { id: 'p2', question: 'Jawa Timur', answer: 'Surabaya', answerId: 'bhmwex' },
    { id: 'p3', question: 'Bali', answer: 'Denpasar', answerId: 'lsoyna' },
    { id: 'p4', question: 'Papua', answer: 'Jayapura', answerId: 'fjcuid' },
    { id: 'p5', question: 'Aceh', answer: 'Banda Aceh', answerId: 'xwpeog' },
    { id: 'p6', question: '', answer: 'Jakarta', answerId: 'mtgrak' },
  ],
});

const shared = question({
  shuffle: false,
  pairs: [
    { id: 'p1', question: 'Kucing', answer: 'Mamalia', answerId: 'kqwmzd' },
    { id: 'p2', question: 'Anjing', answer: 'Mamalia', answerId: 'kqwmzd' },
    { id: 'p3', question: 'Ular', answer: 'Reptil', answerId: 'ahvnte' },
  ],
});

const all = (...choices: string[]) => ({ matches: ['p1', 'p2', 'p3', 'p4', 'p5'].map((questionId, i) => ({ questionId, choiceId: choices[i] ?? '' })).filter((m) => m.choiceId) });

function choicesOf(q: Question<MatchingData>, seed: number): Array<{ id: string; text: string }> {
  return matchingType.toLearnerView(q, seed).view.choices as Array<{ id: string; text: string }>;
}
function questionsOf(q: Question<MatchingData>, seed: number): Array<{ id: string; text: string }> {
  return matchingType.toLearnerView(q, seed).view.questions as Array<{ id: string; text: string }>;
}

describe('matchingType', () => {
  describe('grading', () => {
    const table: Array<[string, ReturnType<typeof all> | undefined, number, string]> = [
      ['all pairs right', all('qzkvtr', 'bhmwex', 'lsoyna', 'fjcuid', 'xwpeog'), 10, 'graded'],
      ['three of five right', all('qzkvtr', 'bhmwex', 'lsoyna', 'xwpeog', 'fjcuid'), 6, 'graded'],
      ['the distractor everywhere', all('mtgrak', 'mtgrak', 'mtgrak', 'mtgrak', 'mtgrak'), 0, 'graded'],
      ['two right, the rest unanswered', all('qzkvtr', 'bhmwex'), 4, 'graded'],
      ['unknown ids', { matches: [{ questionId: 'zz', choiceId: 'qzkvtr' }] }, 0, 'graded'],
      ['nothing', { matches: [] }, 0, 'blank'],
      ['no response', undefined, 0, 'blank'],
    ];
    for (const [label, response, score, state] of table) {
      it(`scores ${label} as ${score} (${state})`, () => {
        expect(matchingType.grade(capitals, response, 10)).to.include({ score, maxScore: 10, state });
      });
    }

    it('reports each sub-question as right, wrong or unanswered', () => {
      const parts = matchingType.grade(capitals, all('qzkvtr', 'lsoyna'), 1).parts;
      expect(parts).to.deep.equal([
        { id: 'p1', correct: true },
        { id: 'p2', correct: false },
        { id: 'p3', correct: null },
        { id: 'p4', correct: null },
        { id: 'p5', correct: null },
      ]);
    });

    it('accepts a shared answer for every sub-question that has it', () => {
      const response = { matches: [{ questionId: 'p1', choiceId: 'kqwmzd' }, { questionId: 'p2', choiceId: 'kqwmzd' }, { questionId: 'p3', choiceId: 'ahvnte' }] };
      expect(matchingType.grade(shared, response, 3).score).to.equal(3);
    });

    it('has a correct response that scores full marks', () => {
      expect(matchingType.grade(capitals, matchingType.correctResponse?.(capitals), 2).score).to.equal(2);
    });
  });

  describe('responseSchema', () => {
    const bad: unknown[] = [
      null,
      {},
      { matches: { p1: 'qzkvtr' } },
      { matches: [{ questionId: 'p1' }] },
      { matches: [{ questionId: 'p1', choiceId: 'a', extra: 1 }] },
      { matches: [{ questionId: 'p1', choiceId: 'a' }, { questionId: 'p1', choiceId: 'b' }] },
      { matches: [{ questionId: '$p1', choiceId: 'a' }] },
    ];
    for (const response of bad) {
      it(`rejects ${JSON.stringify(response)}`, () => {
        expect(matchingType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
  });

  describe('dataSchema', () => {
    const pair = (id: string, q: string, a: string, answerId: string) => ({ id, question: q, answer: a, answerId });
    const bad: Array<[string, unknown]> = [
      ['a single sub-question', { pairs: [pair('p1', 'A', 'x', 'kdje'), pair('p2', '', 'y', 'wqpz')] }],
      ['duplicate pair ids', { pairs: [pair('p1', 'A', 'x', 'kdje'), pair('p1', 'B', 'y', 'wqpz')] }],
      ['an answerId equal to a pair id', { pairs: [pair('p1', 'A', 'x', 'p2'), pair('p2', 'B', 'y', 'wqpz')] }],
      ['one answer text with two answerIds', { pairs: [pair('p1', 'A', 'x', 'kdje'), pair('p2', 'B', 'x', 'wqpz'), pair('p3', 'C', 'y', 'mnbv')] }],
      ['one answerId for two answer texts', { pairs: [pair('p1', 'A', 'x', 'kdje'), pair('p2', 'B', 'y', 'kdje')] }],
      ['answerIds counting up in pair order', { pairs: [pair('k', 'A', 'x', 'a1'), pair('m', 'B', 'y', 'a2'), pair('z', 'C', 'w', 'a3')] }],
      ['answerIds numbered like their pairs', { pairs: [pair('p3', 'A', 'x', 'a3'), pair('p1', 'B', 'y', 'a1'), pair('p2', 'C', 'w', 'a2')] }],
      ['an empty answer', { pairs: [pair('p1', 'A', '', 'kdje'), pair('p2', 'B', 'y', 'wqpz')] }],
      ['an unknown key', { pairs: [{ ...pair('p1', 'A', 'x', 'kdje'), correct: true }, pair('p2', 'B', 'y', 'wqpz')] }],
    ];
    for (const [label, data] of bad) {
      it(`rejects ${label}`, () => {
        expect(matchingType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }

    it('accepts ids made by newMatchingAnswerId', () => {
      for (let i = 0; i < 50; i++) {
        const pairs = ['A', 'B', 'C', 'D'].map((q, j) => pair(`p${j + 1}`, q, `ans ${q}`, newMatchingAnswerId()));
        expect(matchingType.dataSchema.safeParse({ pairs }).success).to.equal(true);
      }
    });
  });

  describe('toLearnerView', () => {
    it('carries no link between a sub-question and its answer', () => {
      for (const seed of [1, 2, 3, 77, 123456]) {
        const view = matchingType.toLearnerView(capitals, seed);
        const json = JSON.stringify(view);
        for (const word of ['answerId', 'answer"', 'correct', 'fraction', 'feedback', 'pairs', 'p6']) expect(json).not.to.include(word);
        for (const q of view.view.questions as Array<Record<string, unknown>>) expect(Object.keys(q).sort()).to.deep.equal(['id', 'text']);
        for (const c of view.view.choices as Array<Record<string, unknown>>) expect(Object.keys(c).sort()).to.deep.equal(['id', 'text']);
      }
    });

    it('lists every sub-question once and every distinct answer once, distractors included', () => {
      expect(questionsOf(capitals, 4).map((q) => q.text).sort()).to.deep.equal(['Aceh', 'Bali', 'Jawa Barat', 'Jawa Timur', 'Papua']);
      expect(choicesOf(capitals, 4).map((c) => c.text).sort()).to.deep.equal(['Banda Aceh', 'Bandung', 'Denpasar', 'Jakarta', 'Jayapura', 'Surabaya']);
      expect(choicesOf(shared, 4).map((c) => c.text).sort()).to.deep.equal(['Mamalia', 'Reptil']);
    });

    it('does not move the two lists in lockstep', () => {
      let aligned = 0;
      for (let seed = 0; seed < 50; seed++) {
        const qs = questionsOf(capitals, seed).map((q) => q.id);
        const cs = choicesOf(capitals, seed).filter((c) => c.id !== 'mtgrak').map((c) => c.id);
        const answerOf = new Map(capitals.data.pairs.map((p) => [p.id, p.answerId]));
        if (qs.every((id, i) => answerOf.get(id) === cs[i])) aligned++;
      }
      expect(aligned).to.be.lessThan(3);
    });

    it('gives the same view for the same seed and different orders for different seeds', () => {
      expect(matchingType.toLearnerView(capitals, 9)).to.deep.equal(matchingType.toLearnerView(capitals, 9));
      const orders = new Set(Array.from({ length: 20 }, (_, seed) => choicesOf(capitals, seed).map((c) => c.id).join()));
      expect(orders.size).to.be.greaterThan(10);
    });

    it('keeps the sub-questions in authored order when shuffle is off, but still shuffles choices', () => {
      expect(questionsOf(shared, 5).map((q) => q.id)).to.deep.equal(['p1', 'p2', 'p3']);
      const orders = new Set(Array.from({ length: 10 }, (_, seed) => choicesOf(shared, seed).map((c) => c.id).join()));
      expect(orders.size).to.equal(2);
    });
  });
});

describe('matching random-guess score (Moodle qtype_match)', () => {
  it('is one over the distinct choices, distractors included', () => {
    expect(matchingType.randomGuessScore!(capitals)).to.be.closeTo(1 / 6, 1e-12);
    // Two sub-questions share one answer: two distinct choices.
    expect(matchingType.randomGuessScore!(shared)).to.equal(0.5);
  });
});
