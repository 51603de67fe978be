import { expect } from 'chai';
import { Types } from 'mongoose';
import { freezeSlots, maxScoreOf, type Layout } from './layout';

const slot = (n: number, section?: string) => ({ slot: `s${n}`, questionId: new Types.ObjectId(), mark: 1, ...(section ? { section } : {}) });

describe('attempt layouts', () => {
  it('keeps the blueprint order unless the layout shuffles, and the same seed gives the same order', () => {
    const slots = Array.from({ length: 12 }, (_, i) => slot(i + 1));
    expect(freezeSlots({ kind: 'assessment', slots }, 7).map((s) => s.slot)).to.deep.equal(slots.map((s) => s.slot));
    const layout: Layout = { kind: 'assessment', slots, shuffle: true };
    const a = freezeSlots(layout, 7).map((s) => s.slot);
    expect(a).to.deep.equal(freezeSlots(layout, 7).map((s) => s.slot));
    expect(a).to.not.deep.equal(slots.map((s) => s.slot));
    expect([...a].sort()).to.deep.equal(slots.map((s) => s.slot).sort());
  });

  it('keeps sections in order and shuffles only within the sections that ask for it', () => {
    const slots = [slot(1, 'twk'), slot(2, 'twk'), slot(3, 'twk'), slot(4, 'tiu'), slot(5, 'tiu'), slot(6, 'tiu'), slot(7, 'tiu'), slot(8, 'tiu')];
    const frozen = freezeSlots({ kind: 'assessment', slots, sections: [{ key: 'twk', shuffle: false }, { key: 'tiu', shuffle: true }] }, 3);
    expect(frozen.slice(0, 3).map((s) => s.slot)).to.deep.equal(['s1', 's2', 's3']);
    expect(frozen.slice(3).map((s) => s.section)).to.deep.equal(['tiu', 'tiu', 'tiu', 'tiu', 'tiu']);
    expect(frozen.slice(3).map((s) => s.slot).sort()).to.deep.equal(['s4', 's5', 's6', 's7', 's8']);
  });

  it('treats a questionnaire as another layout, worth nothing when its items carry no mark', () => {
    const slots = [{ ...slot(1), mark: 0 }, { ...slot(2), mark: 0 }];
    expect(freezeSlots({ kind: 'questionnaire', slots, anonymous: true }, 1).map((s) => s.slot)).to.deep.equal(['s1', 's2']);
    expect(maxScoreOf(slots)).to.equal(0);
    expect(maxScoreOf([{ mark: 0.1 }, { mark: 0.2 }])).to.equal(0.3);
  });
});
