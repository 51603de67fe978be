import { expect } from 'chai';
import { reviewRights, reviewVerdict, type ReviewOptions } from './review-policy';

describe('review policy (quiz and exam)', () => {
  const review: ReviewOptions = { marks: 'immediately', correctness: 'after_close', feedback: 'after_close', rightAnswer: 'never' };
  const closesAt = new Date('2026-12-01T00:00:00Z');
  const before = new Date('2026-11-30T23:59:59Z');
  const after = new Date('2026-12-01T00:00:00Z');

  it('shows a learner nothing while the attempt is not graded', () => {
    for (const state of ['in_progress', 'submitted', 'needs_grading']) {
      expect(reviewRights({ review, closesAt }, { state }, after, false)).to.deep.equal({ marks: false, correctness: false, feedback: false, rightAnswer: false });
    }
  });

  it('applies immediately, after_close (from the close time on) and never', () => {
    expect(reviewRights({ review, closesAt }, { state: 'graded' }, before, false)).to.deep.equal({ marks: true, correctness: false, feedback: false, rightAnswer: false });
    expect(reviewRights({ review, closesAt }, { state: 'graded' }, after, false)).to.deep.equal({ marks: true, correctness: true, feedback: true, rightAnswer: false });
  });

  it('treats an activity without a close time as never closed', () => {
    expect(reviewRights({ review, closesAt: null }, { state: 'graded' }, after, false).correctness).to.equal(false);
    expect(reviewRights({ review }, { state: 'graded' }, after, false).feedback).to.equal(false);
  });

  it('shows trainers everything, at any time', () => {
    expect(reviewRights({ review, closesAt }, { state: 'in_progress' }, before, true)).to.deep.equal({ marks: true, correctness: true, feedback: true, rightAnswer: true });
  });

  describe('verdict of one answer', () => {
    const shown = { correctness: true };
    it('says right, wrong, or the points a weighted option earned (TKP: 4 of 5), never an option\'s word', () => {
      expect(reviewVerdict(shown, { score: 5, maxScore: 5, state: 'graded' })).to.deep.equal({ kind: 'correct' });
      expect(reviewVerdict(shown, { score: 0, maxScore: 5, state: 'graded' })).to.deep.equal({ kind: 'incorrect' });
      expect(reviewVerdict(shown, { score: 4, maxScore: 5, state: 'graded' })).to.deep.equal({ kind: 'partial', score: 4, maxScore: 5 });
    });
    it('says nothing while a person grades, or when correctness is not shown', () => {
      expect(reviewVerdict(shown, { score: 0, maxScore: 10, state: 'needs_manual' })).to.equal(null);
      expect(reviewVerdict({ correctness: false }, { score: 5, maxScore: 5, state: 'graded' })).to.equal(null);
      expect(reviewVerdict(shown, undefined)).to.equal(null);
    });
  });
});
