/**
 * Tests for the multichoice question type: Moodle's single/multiple scoring, the schemas, and the
 * invariant that the learner view carries no key.
 */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { multichoiceType, type MultichoiceData } from '../multichoice-type';

function question(data: unknown): Question<MultichoiceData> {
  return { type: 'multichoice', name: 'Q', stem: 'Pick', stemFormat: 'plain', defaultMark: 1, data: multichoiceType.dataSchema.parse(data) };
}

const single = question({
  single: true,
  options: [
    { id: 'o1', text: 'Jakarta', fraction: 0, feedback: 'No, that is the old capital' },
    { id: 'o2', text: 'Surabaya', fraction: 0.5, feedback: 'Half right' },
    { id: 'o3', text: 'Nusantara', fraction: 1, feedback: 'Yes' },
    { id: 'o4', text: 'Medan', fraction: 0 },
    { id: 'o5', text: 'Bandung', fraction: -0.5, feedback: 'Penalised' },
  ],
});

const multiple = question({
  single: false,
  options: [
    { id: 'o1', text: 'Africa', fraction: 0.3333333 },
    { id: 'o2', text: 'Asia', fraction: 0.3333333 },
    { id: 'o3', text: 'China', fraction: -1, feedback: 'A country' },
    { id: 'o4', text: 'Antarctica', fraction: 0.3333333 },
    { id: 'o5', text: 'America', fraction: -1 },
  ],
});

/** Every key and every number anywhere in a value. */
function keysAndNumbers(value: unknown, keys = new Set<string>(), numbers: number[] = []): { keys: Set<string>; numbers: number[] } {
  if (typeof value === 'number') numbers.push(value);
  else if (Array.isArray(value)) value.forEach((v) => keysAndNumbers(v, keys, numbers));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      keys.add(k);
      keysAndNumbers(v, keys, numbers);
    }
  }
  return { keys, numbers };
}

function optionIds(q: Question<MultichoiceData>, seed: number): string[] {
  return (multichoiceType.toLearnerView(q, seed).view.options as Array<{ id: string }>).map((o) => o.id);
}

describe('multichoiceType', () => {
  describe('grading a single-answer question', () => {
    const table: Array<[string, string[] | undefined, number, string]> = [
      ['the right option', ['o3'], 2, 'graded'],
      ['a partly right option', ['o2'], 1, 'graded'],
      ['a wrong option', ['o1'], 0, 'graded'],
      ['a penalised option', ['o5'], -1, 'graded'],
      ['several options', ['o3', 'o2'], 0, 'graded'],
      ['an unknown option', ['o9'], 0, 'graded'],
      ['nothing (empty)', [], 0, 'blank'],
      ['nothing (undefined)', undefined, 0, 'blank'],
    ];
    for (const [label, selected, score, state] of table) {
      it(`scores ${label} as ${score} (${state})`, () => {
        const result = multichoiceType.grade(single, selected && { selected }, 2);
        expect(result.score).to.equal(score);
        expect(result.state).to.equal(state);
        expect(result.maxScore).to.equal(2);
      });
    }

    it('returns the feedback of the chosen option and marks it in parts', () => {
      const result = multichoiceType.grade(single, { selected: ['o1'] }, 1);
      expect(result.feedback).to.deep.equal(['No, that is the old capital']);
      expect(result.parts?.find((p) => p.id === 'o1')?.correct).to.equal(false);
      expect(result.parts?.find((p) => p.id === 'o3')?.correct).to.equal(null);
    });
  });

  describe('grading a multiple-answer question', () => {
    const table: Array<[string, string[], number]> = [
      ['all right options (3 × 33.33333 %)', ['o1', 'o2', 'o4'], 3],
      ['two right options', ['o1', 'o2'], 1.9999998],
      ['right and wrong options', ['o1', 'o2', 'o3'], 0],
      ['every option (never below 0)', ['o1', 'o2', 'o3', 'o4', 'o5'], 0],
      ['only wrong options (clamped to 0)', ['o3', 'o5'], 0],
    ];
    for (const [label, selected, score] of table) {
      it(`scores ${label} as ${score}`, () => {
        const result = multichoiceType.grade(multiple, { selected }, 3);
        expect(result.score).to.equal(score);
        expect(result.state).to.equal('graded');
      });
    }

    it('is blank when nothing is selected', () => {
      expect(multichoiceType.grade(multiple, { selected: [] }, 3)).to.include({ score: 0, state: 'blank' });
    });

    it('collects the feedback of every chosen option in authored order', () => {
      expect(multichoiceType.grade(multiple, { selected: ['o3', 'o1'] }, 1).feedback).to.deep.equal(['A country']);
    });
  });

  describe('correctResponse', () => {
    it('gives full marks in both modes', () => {
      expect(multichoiceType.grade(single, multichoiceType.correctResponse?.(single), 4).score).to.equal(4);
      expect(multichoiceType.grade(multiple, multichoiceType.correctResponse?.(multiple), 4).score).to.equal(4);
    });
  });

  describe('responseSchema', () => {
    const bad: unknown[] = [
      null,
      {},
      { selected: 'o1' },
      { selected: [1] },
      { selected: ['o1', 'o1'] },
      { selected: ['o.1'] },
      { selected: ['$where'] },
      { selected: ['o1'], extra: true },
      { selected: Array.from({ length: 51 }, (_, i) => `o${i}`) },
    ];
    for (const response of bad) {
      it(`rejects ${JSON.stringify(response)?.slice(0, 60)}`, () => {
        expect(multichoiceType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
    it('accepts a list of option ids', () => {
      expect(multichoiceType.responseSchema.safeParse({ selected: ['o1', 'o2'] }).success).to.equal(true);
    });
  });

  describe('dataSchema', () => {
    const option = (id: string, fraction: number) => ({ id, text: `Option ${id}`, fraction });
    const bad: Array<[string, unknown]> = [
      ['a single-answer question with no 100 % option', { single: true, options: [option('o1', 0.5), option('o2', 0)] }],
      ['a single-answer question with two 100 % options', { single: true, options: [option('o1', 1), option('o2', 1), option('o3', 0)] }],
      ['a single-answer question with no positive option', { single: true, options: [option('o1', 0), option('o2', -1)] }],
      ['a fraction above 1', { single: true, options: [option('o1', 1.5), option('o2', 0)] }],
      ['a fraction below -1', { single: true, options: [option('o1', 1), option('o2', -2)] }],
      ['duplicate option ids', { single: true, options: [option('o1', 1), option('o1', 0)] }],
      ['a single option', { single: true, options: [option('o1', 1)] }],
      ['multiple answers whose positives do not reach 100 %', { single: false, options: [option('o1', 0.5), option('o2', 0)] }],
      ['an empty option text', { single: true, options: [option('o1', 1), { id: 'o2', text: '  ', fraction: 0 }] }],
      ['an id with a dot', { single: true, options: [option('o.1', 1), option('o2', 0)] }],
      ['an unknown key', { single: true, options: [option('o1', 1), option('o2', 0)], answerNumbering: 'abc' }],
      ['an unknown option key', { single: true, options: [{ ...option('o1', 1), correct: true }, option('o2', 0)] }],
      ['points in fraction mode', { single: true, options: [{ ...option('o1', 1), points: 5 }, option('o2', 0)] }],
      ['a missing single flag', { options: [option('o1', 1), option('o2', 0)] }],
    ];
    for (const [label, data] of bad) {
      it(`rejects ${label}`, () => {
        expect(multichoiceType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }

    it('defaults mode to fraction and shuffle to true', () => {
      const data = multichoiceType.dataSchema.parse({ single: true, options: [option('o1', 1), option('o2', 0)] });
      expect(data).to.include({ mode: 'fraction', shuffle: true });
    });

    it("accepts GIFT's 33.33333 % weights for multiple answers", () => {
      expect(multichoiceType.dataSchema.safeParse({ single: false, options: [option('a', 0.3333333), option('b', 0.3333333), option('c', 0.3333333), option('d', -1)] }).success).to.equal(true);
    });
  });

  describe('toLearnerView', () => {
    for (const [label, q] of [['single', single], ['multiple', multiple]] as const) {
      it(`carries no key for a ${label}-answer question`, () => {
        for (const seed of [1, 2, 3, 42, 2 ** 31]) {
          const view = multichoiceType.toLearnerView(q, seed);
          const json = JSON.stringify(view).toLowerCase();
          for (const word of ['correct', 'fraction', 'feedback', 'points', 'penalised', '0.3333333']) expect(json).not.to.include(word);
          const { keys, numbers } = keysAndNumbers(view);
          expect([...keys].sort()).to.deep.equal(['id', 'name', 'options', 'single', 'stem', 'stemFormat', 'text', 'type', 'view'].sort());
          expect(numbers).to.deep.equal([]);
        }
      });
    }

    it('shows every option id and text exactly once', () => {
      const view = multichoiceType.toLearnerView(single, 7).view.options as Array<{ id: string; text: string }>;
      expect(view.map((o) => o.id).sort()).to.deep.equal(['o1', 'o2', 'o3', 'o4', 'o5']);
      expect(view.find((o) => o.id === 'o3')?.text).to.equal('Nusantara');
    });

    it('gives the same order for the same seed', () => {
      expect(multichoiceType.toLearnerView(single, 1234)).to.deep.equal(multichoiceType.toLearnerView(single, 1234));
    });

    it('gives different orders for different seeds', () => {
      const orders = new Set(Array.from({ length: 20 }, (_, seed) => optionIds(single, seed).join(',')));
      expect(orders.size).to.be.greaterThan(10);
    });

    it('keeps the authored order when shuffle is off', () => {
      const fixed = question({ ...single.data, shuffle: false });
      expect(optionIds(fixed, 99)).to.deep.equal(['o1', 'o2', 'o3', 'o4', 'o5']);
    });

    it('tells the page whether several options may be chosen', () => {
      expect(multichoiceType.toLearnerView(single, 1).view.single).to.equal(true);
      expect(multichoiceType.toLearnerView(multiple, 1).view.single).to.equal(false);
    });

    it('keeps an option format but nothing else', () => {
      const q = question({ single: true, options: [{ id: 'o1', text: '<b>x</b>', format: 'html', fraction: 1 }, { id: 'o2', text: 'y', fraction: 0 }] });
      const options = multichoiceType.toLearnerView(q, 3).view.options as unknown[];
      expect(options).to.deep.include({ id: 'o1', text: '<b>x</b>', format: 'html' });
    });
  });
});
