/** Tests for the numerical question type: intervals, decimal commas, units, schemas, key-free view. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { numericalType, parseNumericResponse, type NumericalData } from '../numerical-type';

function question(data: unknown): Question<NumericalData> {
  return { type: 'numerical', name: 'N', stem: 'Panjang meja?', stemFormat: 'plain', defaultMark: 1, data: numericalType.dataSchema.parse(data) };
}

const pi = question({
  answers: [
    { any: true, fraction: 0, feedback: 'Not even close' },
    { min: 3.141, max: 3.142, fraction: 1, feedback: 'Tepat' },
    { min: 3, max: 3.2, fraction: 0.5, feedback: 'Close' },
  ],
});

const length = question({
  answers: [{ min: 3.5, max: 3.5, fraction: 1 }],
  units: [
    { unit: 'm', multiplier: 1 },
    { unit: 'cm', multiplier: 100 },
    { unit: 'mm', multiplier: 1000 },
  ],
});

const lengthWithUnit = question({ ...length.data, unitRequired: true });

describe('numericalType', () => {
  describe('grading', () => {
    const table: Array<[string, Question<NumericalData>, string | undefined, number, string]> = [
      ['a value inside the best interval', pi, '3.1416', 1, 'graded'],
      ['an interval bound', pi, '3.142', 1, 'graded'],
      ['a decimal comma', pi, '3,1415', 1, 'graded'],
      ['a value in a partial interval', pi, '3.1', 0.5, 'graded'],
      ['any other number (catch-all)', pi, '42', 0, 'graded'],
      ['an empty text', pi, ' ', 0, 'blank'],
      ['no response', pi, undefined, 0, 'blank'],
      ['the base unit', length, '3.5 m', 1, 'graded'],
      ['no unit (read as the base unit)', length, '3,5', 1, 'graded'],
      ['another unit', length, '350 cm', 1, 'graded'],
      ['another unit without a space', length, '3500mm', 1, 'graded'],
      ['a wrong value in another unit', length, '3.5 cm', 0, 'graded'],
      ['an unknown unit', length, '3.5 km', 0, 'graded'],
      ['a missing unit when required', lengthWithUnit, '3.5', 0, 'graded'],
      ['a unit when required', lengthWithUnit, '3,5 m', 1, 'graded'],
      ['a unit where none is configured', pi, '3.1416 m', 0, 'graded'],
    ];
    for (const [label, q, text, fraction, state] of table) {
      it(`scores ${label} as ${fraction} (${state})`, () => {
        expect(numericalType.grade(q, text === undefined ? undefined : { text }, 2)).to.include({ score: fraction * 2, maxScore: 2, state });
      });
    }

    it('returns the feedback of the best matching answer', () => {
      expect(numericalType.grade(pi, { text: '3.1416' }, 1).feedback).to.deep.equal(['Tepat']);
      expect(numericalType.grade(pi, { text: '7' }, 1).feedback).to.deep.equal(['Not even close']);
    });

    it('survives float error after unit conversion', () => {
      const q = question({ answers: [{ min: 3.141, max: 3.142, fraction: 1 }], units: [{ unit: 'm', multiplier: 1 }, { unit: 'cm', multiplier: 100 }] });
      expect(numericalType.grade(q, { text: '314,2 cm' }, 1).score).to.equal(1);
      expect(numericalType.grade(q, { text: '314.1 cm' }, 1).score).to.equal(1);
    });

    it('has a correct response that scores full marks', () => {
      for (const q of [pi, length, lengthWithUnit]) expect(numericalType.grade(q, numericalType.correctResponse?.(q), 2).score).to.equal(2);
    });
  });

  describe('parseNumericResponse', () => {
    const table: Array<[string, number | undefined, string?]> = [
      ['3.5', 3.5],
      ['3,5', 3.5],
      ['-3,142', -3.142],
      ['\u22122', -2],
      ['1.234,5', 1234.5],
      ['1,234.5', 1234.5],
      ['1.234.567', 1234567],
      ['1,234', 1.234],
      [',5', 0.5],
      ['1,5e3', 1500],
      ['+7 m/s', 7, 'm/s'],
      ['1.2.3', undefined],
      ['12,34,56', undefined],
      ['abc', undefined],
      ['3 4', undefined],
      ['1e400', undefined],
    ];
    for (const [text, value, unit = ''] of table) {
      it(`reads ${JSON.stringify(text)} as ${value === undefined ? 'not a number' : `${value} ${unit}`}`, () => {
        const parsed = parseNumericResponse(text);
        if (value === undefined) expect(parsed).to.equal(undefined);
        else expect(parsed).to.deep.equal({ value, unit });
      });
    }
  });

  describe('responseSchema', () => {
    for (const response of [null, {}, { text: 3.5 }, { text: 'tiga' }, { text: '3.5', unit: 'm' }, { text: '1'.repeat(101) }]) {
      it(`rejects ${JSON.stringify(response).slice(0, 40)}`, () => {
        expect(numericalType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
    it('accepts a blank text so autosave can clear the answer', () => {
      expect(numericalType.responseSchema.safeParse({ text: '' }).success).to.equal(true);
    });
  });

  describe('dataSchema', () => {
    const bad: Array<[string, unknown]> = [
      ['no answers', { answers: [] }],
      ['min above max', { answers: [{ min: 5, max: 4, fraction: 1 }] }],
      ['no 100 % interval', { answers: [{ min: 1, max: 2, fraction: 0.5 }, { any: true, fraction: 1 }] }],
      ['a fraction above 1', { answers: [{ min: 1, max: 2, fraction: 1.5 }] }],
      ['two catch-alls', { answers: [{ min: 1, max: 2, fraction: 1 }, { any: true, fraction: 0 }, { any: true, fraction: 0 }] }],
      ['a base unit with multiplier other than 1', { answers: [{ min: 1, max: 2, fraction: 1 }], units: [{ unit: 'cm', multiplier: 100 }] }],
      ['a zero multiplier', { answers: [{ min: 1, max: 2, fraction: 1 }], units: [{ unit: 'm', multiplier: 1 }, { unit: 'x', multiplier: 0 }] }],
      ['a unit starting with a digit', { answers: [{ min: 1, max: 2, fraction: 1 }], units: [{ unit: '2m', multiplier: 1 }] }],
      ['duplicate units', { answers: [{ min: 1, max: 2, fraction: 1 }], units: [{ unit: 'm', multiplier: 1 }, { unit: 'm', multiplier: 2 }] }],
      ['unitRequired without units', { answers: [{ min: 1, max: 2, fraction: 1 }], unitRequired: true }],
      ['a non-finite bound', { answers: [{ min: 1, max: Infinity, fraction: 1 }] }],
      ['an unknown key', { answers: [{ min: 1, max: 2, fraction: 1, tolerance: 0 }] }],
    ];
    for (const [label, data] of bad) {
      it(`rejects ${label}`, () => {
        expect(numericalType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }
  });

  describe('toLearnerView', () => {
    it('carries no number, interval, fraction or feedback', () => {
      for (const q of [pi, length]) {
        const json = JSON.stringify(numericalType.toLearnerView(q, 3));
        expect(json).not.to.match(/\d/);
        for (const word of ['min', 'max', 'fraction', 'feedback', 'correct', 'multiplier', 'Tepat', 'any']) expect(json).not.to.include(word);
      }
    });

    it('lists unit names for the unit picker', () => {
      expect(numericalType.toLearnerView(length, 1).view).to.deep.equal({ units: ['m', 'cm', 'mm'], unitRequired: false });
      expect(numericalType.toLearnerView(pi, 1).view).to.deep.equal({});
    });

    it('is deterministic', () => {
      expect(numericalType.toLearnerView(length, 8)).to.deep.equal(numericalType.toLearnerView(length, 8));
    });
  });
});

describe('numerical random-guess score (Moodle qtype_numerical)', () => {
  it('is the "any answer" fraction when there is one, else 0', () => {
    expect(numericalType.randomGuessScore!(pi)).to.equal(0);
    expect(numericalType.randomGuessScore!(question({ answers: [{ min: 1, max: 1, fraction: 1 }, { any: true, fraction: 0.25 }] }))).to.equal(0.25);
    expect(numericalType.randomGuessScore!(length)).to.equal(0);
  });
});
