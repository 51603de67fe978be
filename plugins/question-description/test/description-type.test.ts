/** Tests for the description type: it never carries a mark and accepts no answer. */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { descriptionType, type DescriptionData } from '../description-type';

const text: Question<DescriptionData> = { type: 'description', name: 'Petunjuk', stem: 'Bacalah teks berikut.', stemFormat: 'markdown', defaultMark: 0, data: {} };

describe('descriptionType', () => {
  describe('grading', () => {
    for (const [label, response] of [['no response', undefined], ['an empty object', {}]] as const) {
      it(`gives 0 out of 0 for ${label}, whatever the slot mark`, () => {
        expect(descriptionType.grade(text, response, 5)).to.deep.equal({ score: 0, maxScore: 0, state: 'graded', feedback: [] });
      });
    }
    it('is auto-graded', () => {
      expect(descriptionType.autoGraded).to.equal(true);
    });
  });

  describe('responseSchema', () => {
    it('accepts nothing or an empty object', () => {
      expect(descriptionType.responseSchema.safeParse(undefined).success).to.equal(true);
      expect(descriptionType.responseSchema.safeParse({}).success).to.equal(true);
    });
    for (const response of [null, { text: 'x' }, 'x', 0]) {
      it(`rejects ${JSON.stringify(response)}`, () => {
        expect(descriptionType.responseSchema.safeParse(response).success).to.equal(false);
      });
    }
  });

  describe('dataSchema', () => {
    it('accepts an empty object and rejects anything in it', () => {
      expect(descriptionType.dataSchema.safeParse({}).success).to.equal(true);
      expect(descriptionType.dataSchema.safeParse({ answer: 'x' }).success).to.equal(false);
      expect(descriptionType.dataSchema.safeParse(null).success).to.equal(false);
    });
  });

  describe('toLearnerView', () => {
    it('carries the text and nothing else', () => {
      expect(descriptionType.toLearnerView(text, 3)).to.deep.equal({ type: 'description', name: 'Petunjuk', stem: 'Bacalah teks berikut.', stemFormat: 'markdown', view: {} });
    });
  });
});
