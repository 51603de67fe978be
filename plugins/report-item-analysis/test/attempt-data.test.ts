/**
 * The analysis inputs built from the engine's report rows: a slot its type declares unscored (a
 * description) counts 0 marks whatever mark it was given, responses are named by option text, and
 * a slot drawn from several questions carries no random-guess score.
 */
import { expect } from 'chai';
import type { GradedAttemptRow, QuestionSummary } from '../../../src/learning/attempts/attempt-reads';
import { analysisInput, classLabel } from '../attempt-data';

const row = (slot: string, questionId: string, score: number, responseClass: string | null, extra: { mark?: number; scored?: boolean } = {}) =>
  ({ slot, questionId, mark: extra.mark ?? 1, score, responseClass, scored: extra.scored ?? true });

describe('report-item-analysis: attempt-data', () => {
  const questions = new Map<string, QuestionSummary>([
    ['q1', { id: 'q1', name: 'Ibu kota', type: 'multichoice', options: [{ id: 'mju', text: 'Mamuju' }, { id: 'mjn', text: 'Majene' }], randomGuessScore: 0.5 }],
    ['d1', { id: 'd1', name: 'Petunjuk', type: 'description', options: [], randomGuessScore: null }],
  ]);
  const attempts: GradedAttemptRow[] = [
    { attemptId: 'a1', userId: 'u1', slots: [row('s1', 'q1', 1, 'mju'), row('s2', 'd1', 0, null, { mark: 1, scored: false }), row('s3', 'q2', 1, 'true')] },
    { attemptId: 'a2', userId: 'u2', slots: [row('s1', 'q1', 0, 'mjn'), row('s2', 'd1', 0, null, { mark: 1, scored: false }), row('s3', 'q3', 0, 'false')] },
  ];

  it('counts an unscored slot as 0 marks, names options by text, and gives a mixed slot no guess score', () => {
    const { input, frequencies } = analysisInput(attempts, questions);
    expect(input.items).to.deep.equal([
      { slot: 's1', maxMark: 1, randomGuessScore: 0.5 },
      { slot: 's2', maxMark: 0, randomGuessScore: null },
      { slot: 's3', maxMark: 1, randomGuessScore: null },
    ]);
    expect(frequencies.attempts.map((a) => a.responses)).to.deep.equal([['Mamuju', null, 'true'], ['Majene', null, 'false']]);
  });

  it('labels a multi-option class by the options\' texts, and leaves an unknown id as it is', () => {
    const options = [{ id: 'a', text: 'Satu' }, { id: 'b', text: 'Dua' }];
    expect(classLabel('a+b', options)).to.equal('Dua + Satu');
    expect(classLabel('a+z', options)).to.equal('a+z');
    expect(classLabel(null, options)).to.equal(null);
  });
});
