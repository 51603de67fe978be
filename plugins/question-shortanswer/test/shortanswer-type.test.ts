/** Tests for the short-answer question type: wildcards, case, whitespace, best match, schemas, view. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { shortanswerType, type ShortanswerData } from '../shortanswer-type';

function question(data: unknown): Question<ShortanswerData> {
  return { type: 'shortanswer', name: 'SA', stem: 'Ibu kota Indonesia yang baru?', stemFormat: 'plain', defaultMark: 1, data: shortanswerType.dataSchema.parse(data) };
}

const capital = question({
  answers: [
    { text: '*', fraction: 0, feedback: 'Anything else' },
    { text: 'Nusantara', fraction: 1, feedback: 'Benar' },
    { text: 'IKN*', fraction: 0.5, feedback: 'Use the full name' },
    { text: 'Ibu Kota Nusantara', fraction: 1, feedback: 'Also right' },
  ],
});

const caseSensitive = question({ caseSensitive: true, answers: [{ text: 'pH', fraction: 1 }, { text: 'a\\*b', fraction: 0.5 }] });

describe('shortanswerType', () => {
  describe('grading', () => {
    const table: Array<[string, Question<ShortanswerData>, string | undefined, number, string, string[]]> = [
      ['the exact answer', capital, 'Nusantara', 1, 'graded', ['Benar']],
      ['another case when case-insensitive', capital, 'nUsAnTaRa', 1, 'graded', ['Benar']],
      ['surrounding and doubled whitespace', capital, '  Ibu   Kota\tNusantara ', 1, 'graded', ['Also right']],
      ['a wildcard partial answer', capital, 'IKN Kalimantan', 0.5, 'graded', ['Use the full name']],
      ['a wildcard matching an empty run', capital, 'IKN', 0.5, 'graded', ['Use the full name']],
      ['anything else (the lone *)', capital, 'Jakarta', 0, 'graded', ['Anything else']],
      ['an empty text', capital, '', 0, 'blank', []],
      ['whitespace only', capital, '   ', 0, 'blank', []],
      ['no response', capital, undefined, 0, 'blank', []],
      ['the right case when case-sensitive', caseSensitive, 'pH', 1, 'graded', []],
      ['the wrong case when case-sensitive', caseSensitive, 'PH', 0, 'graded', []],
      ['an escaped literal asterisk', caseSensitive, 'a*b', 0.5, 'graded', []],
      ['text where an escaped asterisk stood', caseSensitive, 'axxb', 0, 'graded', []],
    ];
    for (const [label, q, text, fraction, state, feedback] of table) {
      it(`scores ${label} as ${fraction} (${state})`, () => {
        const result = shortanswerType.grade(q, text === undefined ? undefined : { text }, 4);
        expect(result).to.include({ score: fraction * 4, maxScore: 4, state });
        expect(result.feedback).to.deep.equal(feedback);
      });
    }

    it('lets the best answer win over an earlier catch-all, and the first among equals', () => {
      const q = question({ answers: [{ text: 'a*', fraction: 0.5, feedback: 'first half' }, { text: '*b', fraction: 0.5, feedback: 'second half' }, { text: 'ab', fraction: 1 }] });
      expect(shortanswerType.grade(q, { text: 'ab' }, 1).score).to.equal(1);
      expect(shortanswerType.grade(q, { text: 'axb' }, 1).feedback).to.deep.equal(['first half']);
    });

    it('compares composed and decomposed accents as equal', () => {
      const q = question({ answers: [{ text: 'café', fraction: 1 }] });
      expect(shortanswerType.grade(q, { text: 'cafe\u0301' }, 1).score).to.equal(1);
    });

    it('treats regular-expression characters literally', () => {
      const q = question({ answers: [{ text: 'a.c (1+1)', fraction: 1 }] });
      expect(shortanswerType.grade(q, { text: 'abc (11)' }, 1).score).to.equal(0);
      expect(shortanswerType.grade(q, { text: 'a.c (1+1)' }, 1).score).to.equal(1);
    });

    it('stays fast with many wildcards and a long response', () => {
      const q = question({ answers: [{ text: `${'a*'.repeat(40)}b`, fraction: 1 }] });
      const started = performance.now();
      expect(shortanswerType.grade(q, { text: 'a'.repeat(1000) }, 1).score).to.equal(0);
      expect(performance.now() - started).to.be.lessThan(100);
    });

    it('has a correct response that scores full marks', () => {
      expect(shortanswerType.grade(capital, shortanswerType.correctResponse?.(capital), 2).score).to.equal(2);
      const wild = question({ answers: [{ text: 'Nusa*', fraction: 1 }] });
      expect(shortanswerType.grade(wild, shortanswerType.correctResponse?.(wild), 2).score).to.equal(2);
    });
  });

  describe('responseSchema', () => {
    for (const response of [null, {}, { text: 5 }, { answer: 'x' }, { text: 'x', extra: 1 }, { text: 'x'.repeat(1001) }]) {
      it(`rejects ${JSON.stringify(response).slice(0, 40)}`, () => {
        expect(shortanswerType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
  });

  describe('dataSchema', () => {
    const bad: Array<[string, unknown]> = [
      ['no answers', { answers: [] }],
      ['no 100 % answer', { answers: [{ text: 'a', fraction: 0.5 }] }],
      ['a negative fraction', { answers: [{ text: 'a', fraction: 1 }, { text: 'b', fraction: -0.5 }] }],
      ['a fraction above 1', { answers: [{ text: 'a', fraction: 2 }] }],
      ['an empty answer text', { answers: [{ text: ' ', fraction: 1 }] }],
      ['an unknown key', { answers: [{ text: 'a', fraction: 1, correct: true }] }],
    ];
    for (const [label, data] of bad) {
      it(`rejects ${label}`, () => {
        expect(shortanswerType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }
  });

  describe('toLearnerView', () => {
    it('carries no accepted answer, fraction or feedback', () => {
      const json = JSON.stringify(shortanswerType.toLearnerView(capital, 5));
      for (const word of ['Nusantara"', 'IKN', 'Ibu Kota Nusantara', 'fraction', 'feedback', 'correct', 'Benar', 'caseSensitive']) {
        expect(json).not.to.include(word);
      }
      expect(shortanswerType.toLearnerView(capital, 5).view).to.deep.equal({});
    });

    it('is deterministic', () => {
      expect(shortanswerType.toLearnerView(capital, 1)).to.deep.equal(shortanswerType.toLearnerView(capital, 1));
    });
  });
});

describe('shortanswer random-guess score (Moodle qtype_shortanswer)', () => {
  it('is the fraction of a `*` answer when there is one, else 0', () => {
    expect(shortanswerType.randomGuessScore!(capital)).to.equal(0);
    expect(shortanswerType.randomGuessScore!(question({ answers: [{ text: 'Nusantara', fraction: 1 }, { text: '*', fraction: 0.1 }] }))).to.equal(0.1);
    // `a\*b` is a literal star, not an answer that takes anything.
    expect(shortanswerType.randomGuessScore!(caseSensitive)).to.equal(0);
  });
});
