/** Tests for the true/false question type: grading, feedback by chosen value, schemas, key-free view. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { truefalseType, type TruefalseData } from '../truefalse-type';

function question(data: unknown): Question<TruefalseData> {
  return { type: 'truefalse', name: 'TF', stem: 'Pancasila has five principles.', stemFormat: 'plain', defaultMark: 1, data: truefalseType.dataSchema.parse(data) };
}

const isTrue = question({ correct: true, feedbackTrue: 'Right: five sila', feedbackFalse: 'Wrong: count again' });
const isFalse = question({ correct: false });

describe('truefalseType', () => {
  describe('grading', () => {
    const table: Array<[string, Question<TruefalseData>, boolean | undefined, number, string]> = [
      ['True when true', isTrue, true, 2, 'graded'],
      ['False when true', isTrue, false, 0, 'graded'],
      ['False when false', isFalse, false, 2, 'graded'],
      ['True when false', isFalse, true, 0, 'graded'],
      ['no answer', isTrue, undefined, 0, 'blank'],
    ];
    for (const [label, q, value, score, state] of table) {
      it(`scores ${label} as ${score} (${state})`, () => {
        const result = truefalseType.grade(q, value === undefined ? undefined : { value }, 2);
        expect(result).to.include({ score, maxScore: 2, state });
      });
    }

    it('shows the feedback of the value the learner picked', () => {
      expect(truefalseType.grade(isTrue, { value: true }, 1).feedback).to.deep.equal(['Right: five sila']);
      expect(truefalseType.grade(isTrue, { value: false }, 1).feedback).to.deep.equal(['Wrong: count again']);
      expect(truefalseType.grade(isFalse, { value: true }, 1).feedback).to.deep.equal([]);
    });

    it('has a correct response that scores full marks', () => {
      expect(truefalseType.grade(isFalse, truefalseType.correctResponse?.(isFalse), 3).score).to.equal(3);
    });
  });

  describe('responseSchema', () => {
    for (const response of [null, {}, { value: 'true' }, { value: 1 }, { value: true, extra: 1 }, true]) {
      it(`rejects ${JSON.stringify(response)}`, () => {
        expect(truefalseType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
  });

  describe('dataSchema', () => {
    for (const data of [{}, { correct: 'true' }, { correct: true, feedback: 'x' }, { correct: true, feedbackTrue: 5 }]) {
      it(`rejects ${JSON.stringify(data)}`, () => {
        expect(truefalseType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }
  });

  describe('toLearnerView', () => {
    it('carries the stem only', () => {
      const view = truefalseType.toLearnerView(isTrue, 1);
      expect(view).to.deep.equal({ type: 'truefalse', name: 'TF', stem: 'Pancasila has five principles.', stemFormat: 'plain', view: {} });
      const json = JSON.stringify(view).toLowerCase();
      for (const word of ['correct', 'feedback', 'right', 'wrong']) expect(json).not.to.include(word);
      expect(JSON.stringify(view.view)).not.to.match(/true|false/);
    });

    it('is the same for both answers and every seed', () => {
      expect(truefalseType.toLearnerView(isTrue, 1).view).to.deep.equal(truefalseType.toLearnerView(isFalse, 99).view);
    });
  });
});
