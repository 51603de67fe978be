/** Tests for the ordering question type: both grading modes, id rules, and a view never in order. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { newOrderingItemId, orderingType, type OrderingData } from '../ordering-type';

const ids = ['kqpz', 'mwtr', 'bxle', 'ycfa', 'dnsh'];
const texts = ['Perencanaan', 'Pengorganisasian', 'Pelaksanaan', 'Pengawasan', 'Evaluasi'];

function question(grading?: 'all_or_nothing' | 'partial', count = 5): Question<OrderingData> {
  const items = ids.slice(0, count).map((id, i) => ({ id, text: texts[i] }));
  return { type: 'ordering', name: 'O', stem: 'Urutkan fungsi manajemen.', stemFormat: 'plain', defaultMark: 1, data: orderingType.dataSchema.parse({ items, grading }) };
}

const strict = question();
const partial = question('partial');
const [a, b, c, d, e] = ids as [string, string, string, string, string];

function shownIds(q: Question<OrderingData>, seed: number): string[] {
  return (orderingType.toLearnerView(q, seed).view.items as Array<{ id: string }>).map((i) => i.id);
}

describe('orderingType', () => {
  describe('grading all or nothing (the default)', () => {
    const table: Array<[string, string[] | undefined, number, string]> = [
      ['the correct order', [a, b, c, d, e], 4, 'graded'],
      ['one swap', [a, b, c, e, d], 0, 'graded'],
      ['the reverse', [e, d, c, b, a], 0, 'graded'],
      ['a missing item', [a, b, c, d], 0, 'graded'],
      ['an unknown item', [a, b, c, d, 'zzzz'], 0, 'graded'],
      ['nothing', [], 0, 'blank'],
      ['no response', undefined, 0, 'blank'],
    ];
    for (const [label, order, score, state] of table) {
      it(`scores ${label} as ${score} (${state})`, () => {
        expect(orderingType.grade(strict, order && { order }, 4)).to.include({ score, maxScore: 4, state });
      });
    }
  });

  describe('grading partially (adjacent pairs)', () => {
    const table: Array<[string, string[], number]> = [
      ['the correct order', [a, b, c, d, e], 4],
      ['the last item moved to the front', [e, a, b, c, d], 3],
      ['one swap in the middle', [a, c, b, d, e], 1],
      ['two correct blocks swapped', [d, e, a, b, c], 3],
      ['the reverse', [e, d, c, b, a], 0],
      ['a missing item', [a, b, c, d], 0],
    ];
    for (const [label, order, score] of table) {
      it(`scores ${label} as ${score} of 4`, () => {
        expect(orderingType.grade(partial, { order }, 4)).to.include({ score, state: 'graded' });
      });
    }

    it('reports which items are followed by their true successor', () => {
      expect(orderingType.grade(partial, { order: [a, c, b, d, e] }, 1).parts).to.deep.equal([
        { id: a, correct: false },
        { id: b, correct: false },
        { id: c, correct: false },
        { id: d, correct: true },
        { id: e, correct: null },
      ]);
    });

    it('has a correct response that scores full marks in both modes', () => {
      for (const q of [strict, partial]) expect(orderingType.grade(q, orderingType.correctResponse?.(q), 2).score).to.equal(2);
    });
  });

  describe('responseSchema', () => {
    for (const response of [null, {}, { order: a }, { order: [a, a, b] }, { order: [1, 2] }, { order: [a], extra: 1 }, { order: ['a.b'] }]) {
      it(`rejects ${JSON.stringify(response)}`, () => {
        expect(orderingType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
  });

  describe('dataSchema', () => {
    const items = (...list: Array<[string, string]>) => list.map(([id, text]) => ({ id, text }));
    const bad: Array<[string, unknown]> = [
      ['two items (the view would give the answer away)', { items: items(['kq', 'one'], ['mw', 'two']) }],
      ['duplicate ids', { items: items(['kq', 'one'], ['kq', 'two'], ['zx', 'three']) }],
      ['duplicate texts', { items: items(['kq', 'one'], ['mw', 'one'], ['zx', 'three']) }],
      ['ids counting up by number', { items: items(['i1', 'one'], ['i2', 'two'], ['i3', 'three']) }],
      ['ids counting up past ten', { items: items(['i9', 'one'], ['i10', 'two'], ['i11', 'three']) }],
      ['ids counting up by letter', { items: items(['a', 'one'], ['b', 'two'], ['c', 'three']) }],
      ['an unknown grading mode', { items: items(['kq', 'one'], ['mw', 'two'], ['zx', 'three']), grading: 'absolute' }],
      ['an empty text', { items: items(['kq', 'one'], ['mw', ''], ['zx', 'three']) }],
    ];
    for (const [label, data] of bad) {
      it(`rejects ${label}`, () => {
        expect(orderingType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }

    it('accepts ids made by newOrderingItemId', () => {
      for (let i = 0; i < 50; i++) {
        const data = { items: ['one', 'two', 'three', 'four'].map((text) => ({ id: newOrderingItemId(), text })) };
        expect(orderingType.dataSchema.safeParse(data).success).to.equal(true);
      }
    });
  });

  describe('toLearnerView', () => {
    it('never shows the correct order, whatever the seed', () => {
      for (const q of [strict, question(undefined, 3)]) {
        const correct = q.data.items.map((i) => i.id).join();
        for (let seed = 0; seed < 500; seed++) expect(shownIds(q, seed).join()).not.to.equal(correct);
      }
    });

    it('carries ids and texts only', () => {
      const view = orderingType.toLearnerView(partial, 5);
      const json = JSON.stringify(view);
      for (const word of ['correct', 'grading', 'partial', 'fraction', 'feedback']) expect(json).not.to.include(word);
      for (const item of view.view.items as Array<Record<string, unknown>>) expect(Object.keys(item).sort()).to.deep.equal(['id', 'text']);
      expect(shownIds(partial, 5).slice().sort()).to.deep.equal(ids.slice().sort());
    });

    it('gives the same order for the same seed and different orders for different seeds', () => {
      expect(orderingType.toLearnerView(strict, 31)).to.deep.equal(orderingType.toLearnerView(strict, 31));
      const orders = new Set(Array.from({ length: 20 }, (_, seed) => shownIds(strict, seed).join()));
      expect(orders.size).to.be.greaterThan(10);
    });
  });
});

describe('ordering random-guess score (Moodle qtype_ordering)', () => {
  it('is 0, the base question type\'s estimate', () => {
    expect(orderingType.randomGuessScore!(strict)).to.equal(0);
    expect(orderingType.randomGuessScore!(partial)).to.equal(0);
  });
});
