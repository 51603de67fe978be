import { expect } from 'chai';
import type { Question } from '../../../src/learning/question-type';
import { likertDataSchema, likertType, type LikertData } from '../likert-type';

const q: Question<LikertData> = {
  type: 'likert',
  name: 'U7',
  stem: 'Bagaimana pendapat Saudara tentang perilaku petugas?',
  stemFormat: 'plain',
  data: { scale: [{ id: '1', label: 'Tidak sopan' }, { id: '2', label: 'Kurang sopan' }, { id: '3', label: 'Sopan' }, { id: '4', label: 'Sangat sopan' }] },
} as Question<LikertData>;

describe('question-likert: likertType', () => {
  it('carries no mark and no right answer: answered or blank', () => {
    expect(likertType.scored).to.equal(false);
    expect(likertType.grade(q, { level: '3' }, 0)).to.include({ score: 0, maxScore: 0, state: 'graded' });
    expect(likertType.grade(q, undefined, 0).state).to.equal('blank');
    expect(likertType.grade(q, { level: '9' }, 0).state).to.equal('blank');
  });
  it('shows the scale and reads the form and the classes', () => {
    expect(likertType.toLearnerView(q, 1).view).to.deep.equal({ scale: q.data.scale });
    expect(likertType.fromForm!({ q_s1: '4' }, 'q_s1')).to.deep.equal({ level: '4' });
    expect(likertType.fromForm!({}, 'q_s1')).to.equal(undefined);
    expect(likertType.classifyResponse!({ level: '2' })).to.equal('2');
  });
  it('refuses a scale with repeated or too few levels', () => {
    expect(likertDataSchema.safeParse({ scale: [{ id: '1', label: 'a' }] }).success).to.equal(false);
    expect(likertDataSchema.safeParse({ scale: [{ id: '1', label: 'a' }, { id: '1', label: 'b' }] }).success).to.equal(false);
    expect(likertDataSchema.safeParse(q.data).success).to.equal(true);
  });
});
