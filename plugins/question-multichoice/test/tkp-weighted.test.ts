/**
 * BKN CAT TKP items: every option carries 1–5 points, blank scores 0, and a slot marked 5 gets the
 * raw points (DOMAIN.md, "Computer-assisted tests").
 */
import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { multichoiceType, type MultichoiceData } from '../multichoice-type';

const tkp: Question<MultichoiceData> = {
  type: 'multichoice',
  name: 'TKP 1',
  stem: 'Atasan memberi tugas mendadak di luar jam kerja. Sikap Anda?',
  stemFormat: 'plain',
  defaultMark: 5,
  data: multichoiceType.dataSchema.parse({
    mode: 'weighted',
    options: [
      { id: 'o1', text: 'Menolak karena bukan jam kerja', points: 1 },
      { id: 'o2', text: 'Mengerjakan sambil mengeluh', points: 2 },
      { id: 'o3', text: 'Mengerjakan besok pagi', points: 3 },
      { id: 'o4', text: 'Mengerjakan jika dibayar lembur', points: 4 },
      { id: 'o5', text: 'Mengerjakan dengan sepenuh hati', points: 5 },
    ],
  }),
};

describe('multichoiceType in weighted mode (TKP)', () => {
  describe('grading with a slot mark of 5', () => {
    for (const points of [1, 2, 3, 4, 5]) {
      it(`gives ${points} for the ${points}-point option`, () => {
        const result = multichoiceType.grade(tkp, { selected: [`o${points}`] }, 5);
        expect(result).to.include({ score: points, maxScore: 5, state: 'graded' });
      });
    }

    it('gives 0 for a blank answer', () => {
      expect(multichoiceType.grade(tkp, undefined, 5)).to.include({ score: 0, state: 'blank' });
      expect(multichoiceType.grade(tkp, { selected: [] }, 5)).to.include({ score: 0, state: 'blank' });
    });

    it('gives 0 when several options are picked', () => {
      expect(multichoiceType.grade(tkp, { selected: ['o5', 'o4'] }, 5).score).to.equal(0);
    });

    it('adds up to the TKP maximum of 225 over 45 best answers', () => {
      let total = 0;
      for (let i = 0; i < 45; i++) total += multichoiceType.grade(tkp, multichoiceType.correctResponse?.(tkp), 5).score;
      expect(total).to.equal(225);
    });
  });

  describe('grading with another slot mark', () => {
    it('scales the points proportionally', () => {
      expect(multichoiceType.grade(tkp, { selected: ['o3'] }, 10).score).to.equal(6);
      expect(multichoiceType.grade(tkp, { selected: ['o5'] }, 1).score).to.equal(1);
    });
  });

  describe('toLearnerView', () => {
    it('hides the points', () => {
      const view = multichoiceType.toLearnerView(tkp, 11);
      const json = JSON.stringify(view);
      expect(json).not.to.include('points');
      expect(json).not.to.match(/:\s*[1-5]\b/);
      expect(view.view.single).to.equal(true);
    });
  });

  describe('dataSchema', () => {
    it('rejects an option without points', () => {
      const data = { mode: 'weighted', options: [{ id: 'o1', text: 'a', points: 1 }, { id: 'o2', text: 'b' }] };
      expect(multichoiceType.dataSchema.safeParse(data).success).to.equal(false);
    });

    it('rejects fractions in weighted mode', () => {
      const data = { mode: 'weighted', options: [{ id: 'o1', text: 'a', points: 1, fraction: 1 }, { id: 'o2', text: 'b', points: 2 }] };
      expect(multichoiceType.dataSchema.safeParse(data).success).to.equal(false);
    });

    it('rejects negative points and all-zero points', () => {
      const negative = { mode: 'weighted', options: [{ id: 'o1', text: 'a', points: -1 }, { id: 'o2', text: 'b', points: 5 }] };
      const zero = { mode: 'weighted', options: [{ id: 'o1', text: 'a', points: 0 }, { id: 'o2', text: 'b', points: 0 }] };
      expect(multichoiceType.dataSchema.safeParse(negative).success).to.equal(false);
      expect(multichoiceType.dataSchema.safeParse(zero).success).to.equal(false);
    });
  });
});
