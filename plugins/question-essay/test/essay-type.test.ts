/** Tests for the essay question type: manual grading states, rubric scoring, schemas, view. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { countWords, essayType, gradeEssayWithRubric, RubricSelectionError, type EssayData } from '../essay-type';

function question(data: unknown): Question<EssayData> {
  return { type: 'essay', name: 'E', stem: 'Jelaskan nilai BerAKHLAK.', stemFormat: 'plain', defaultMark: 10, data: essayType.dataSchema.parse(data) };
}

const rubric = {
  criteria: [
    {
      id: 'content',
      description: 'Isi',
      levels: [
        { id: 'weak', label: 'Kurang', points: 0 },
        { id: 'fair', label: 'Cukup', points: 2 },
        { id: 'good', label: 'Baik', points: 4 },
      ],
    },
    {
      id: 'language',
      description: 'Bahasa',
      levels: [
        { id: 'weak', label: 'Kurang', points: 1 },
        { id: 'good', label: 'Baik', points: 6 },
      ],
    },
  ],
};

const essay = question({ minWords: 50, maxWords: 300, responseTemplate: 'Menurut saya,', rubric });
const plain = question({});

describe('essayType', () => {
  describe('grading', () => {
    const table: Array<[string, Question<EssayData>, string | undefined, string]> = [
      ['an answer', essay, 'Menurut saya, nilai berorientasi pelayanan…', 'needs_manual'],
      ['an empty answer', essay, '', 'blank'],
      ['whitespace', essay, ' \n\t ', 'blank'],
      ['the untouched template', essay, ' Menurut saya, ', 'blank'],
      ['no response', essay, undefined, 'blank'],
      ['an answer without a template', plain, 'x', 'needs_manual'],
    ];
    for (const [label, q, text, state] of table) {
      it(`leaves ${label} at 0 (${state})`, () => {
        expect(essayType.grade(q, text === undefined ? undefined : { text }, 10)).to.deep.equal({ score: 0, maxScore: 10, state, feedback: [] });
      });
    }

    it('is not auto-graded and has no correct response', () => {
      expect(essayType.autoGraded).to.equal(false);
      expect(essayType.correctResponse?.(essay)).to.equal(undefined);
    });
  });

  describe('gradeEssayWithRubric', () => {
    const table: Array<[Record<string, string>, number]> = [
      [{ content: 'good', language: 'good' }, 10],
      [{ content: 'fair', language: 'good' }, 8],
      [{ content: 'weak', language: 'weak' }, 1],
      [{ content: 'good', language: 'weak' }, 5],
    ];
    for (const [selection, score] of table) {
      it(`scores ${JSON.stringify(selection)} as ${score} of 10`, () => {
        expect(gradeEssayWithRubric(essay, selection, 10)).to.include({ score, maxScore: 10, state: 'graded' });
      });
    }

    it('scales to the slot mark', () => {
      expect(gradeEssayWithRubric(essay, { content: 'fair', language: 'good' }, 5).score).to.equal(4);
    });

    const bad: Array<[string, Question<EssayData>, Record<string, string>, string]> = [
      ['a missing criterion', essay, { content: 'good' }, 'missing_criterion'],
      ['an unknown criterion', essay, { content: 'good', language: 'good', style: 'good' }, 'unknown_criterion'],
      ['an unknown level', essay, { content: 'excellent', language: 'good' }, 'unknown_level'],
      ['an inherited key', essay, Object.assign(Object.create({ content: 'good' }) as Record<string, string>, { language: 'good' }), 'missing_criterion'],
      ['a question without a rubric', plain, {}, 'no_rubric'],
    ];
    for (const [label, q, selection, problem] of bad) {
      it(`refuses ${label} with a coded error`, () => {
        try {
          gradeEssayWithRubric(q, selection, 10);
          expect.fail('should have thrown');
        } catch (err) {
          expect(err).to.be.instanceOf(RubricSelectionError);
          const e = err as RubricSelectionError;
          expect(e.code).to.equal('BINA_ERR_ESSAY_RUBRIC_SELECTION');
          expect(e.status).to.equal(400);
          expect(e.details.map((d) => d.problem)).to.include(problem);
        }
      });
    }
  });

  describe('countWords', () => {
    it('counts runs of non-space characters', () => {
      expect(countWords('  Satu dua\n\ttiga  ')).to.equal(3);
      expect(countWords('')).to.equal(0);
    });
  });

  describe('responseSchema', () => {
    for (const response of [null, {}, { text: 5 }, { text: 'x', files: [] }, { text: 'x'.repeat(200_001) }]) {
      it(`rejects ${JSON.stringify(response).slice(0, 40)}`, () => {
        expect(essayType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
  });

  describe('dataSchema', () => {
    const bad: Array<[string, unknown]> = [
      ['minWords above maxWords', { minWords: 10, maxWords: 5 }],
      ['fractional word counts', { minWords: 1.5 }],
      ['duplicate criterion ids', { rubric: { criteria: [rubric.criteria[0], rubric.criteria[0]] } }],
      ['duplicate level ids', { rubric: { criteria: [{ id: 'c', description: 'd', levels: [{ id: 'l', label: 'a', points: 1 }, { id: 'l', label: 'b', points: 2 }] }] } }],
      ['a rubric worth nothing', { rubric: { criteria: [{ id: 'c', description: 'd', levels: [{ id: 'l', label: 'a', points: 0 }] }] } }],
      ['negative points', { rubric: { criteria: [{ id: 'c', description: 'd', levels: [{ id: 'l', label: 'a', points: -1 }, { id: 'm', label: 'b', points: 2 }] }] } }],
      ['an empty rubric', { rubric: { criteria: [] } }],
      ['an unknown key', { graderInfo: 'secret' }],
    ];
    for (const [label, data] of bad) {
      it(`rejects ${label}`, () => {
        expect(essayType.dataSchema.safeParse(data).success).to.equal(false);
      });
    }
  });

  describe('toLearnerView', () => {
    it('carries the word limits and template but not the rubric', () => {
      const view = essayType.toLearnerView(essay, 1);
      expect(view.view).to.deep.equal({ minWords: 50, maxWords: 300, responseTemplate: 'Menurut saya,' });
      const json = JSON.stringify(view);
      for (const word of ['rubric', 'criteria', 'points', 'levels', 'Kurang', 'Baik', 'feedback', 'correct']) expect(json).not.to.include(word);
    });

    it('is deterministic and empty without options', () => {
      expect(essayType.toLearnerView(plain, 1).view).to.deep.equal({});
      expect(essayType.toLearnerView(essay, 4)).to.deep.equal(essayType.toLearnerView(essay, 4));
    });
  });
});

describe('essay random-guess score (Moodle qtype_essay)', () => {
  it('is none: a person grades it', () => {
    expect(essayType.randomGuessScore!(question({}))).to.equal(null);
  });
});
