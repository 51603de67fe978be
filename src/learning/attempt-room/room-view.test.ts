import { expect } from 'chai';
import { buildRoom, buildSummary, isAnswered, postedSlots, wordLimit } from './room-view';

const q = (number: number, section: string, response: unknown, extra: Record<string, unknown> = {}) => ({ slot: `s${number}`, number, section, response, ...extra });
const SECTIONS = [{ key: 'twk', title: 'TWK' }, { key: 'esai', title: 'Esai' }];

describe('attempt room view', () => {
  it('counts an answer only when it holds something', () => {
    expect(isAnswered(null)).to.equal(false);
    expect(isAnswered({ text: '  ' })).to.equal(false);
    expect(isAnswered({ selected: [] })).to.equal(false);
    expect(isAnswered({ selected: ['a'] })).to.equal(true);
    expect(isAnswered({ value: false })).to.equal(true);
  });

  it('marks an answer outside its word limits, never a blank one', () => {
    expect(wordLimit({ minWords: 20 }, { text: 'satu dua tiga' })).to.deep.equal({ min: 20, max: null, count: 3, outside: true });
    expect(wordLimit({ minWords: 2, maxWords: 3 }, { text: 'satu dua' })!.outside).to.equal(false);
    expect(wordLimit({ maxWords: 1 }, { text: '' })!.outside).to.equal(false);
    expect(wordLimit({}, { text: 'x' })).to.equal(null);
  });

  it('shows one question, the grid of its section, previous and next', () => {
    const room = buildRoom([q(1, 'twk', { selected: ['a'] }), q(2, 'twk', null, { flagged: true }), q(3, 'esai', null)], { sections: SECTIONS, requested: 2 });
    expect(room.questions.map((x) => x.hidden)).to.deep.equal([true, false, true]);
    expect(room.grid.map((s) => [s.key, s.current, s.cells.map((c) => c.state)])).to.deep.equal([['twk', true, ['answered', 'flagged']], ['esai', false, ['unanswered']]]);
    expect([room.prev, room.next, room.tabs.length]).to.deep.equal([1, 3, 2]);
  });

  it('falls back for a number out of range, and shows all only for a short quiz', () => {
    const many = Array.from({ length: 25 }, (_, i) => q(i + 1, 'twk', null));
    expect(buildRoom(many, { requested: 99, fallback: 4 }).current).to.equal(4);
    expect(buildRoom(many, { showAll: true }).showAll).to.equal(false);
    expect(buildRoom(many.slice(0, 5), { showAll: true }).questions.every((x) => !x.hidden)).to.equal(true);
  });

  it('summarises unanswered, flagged and outside-limit questions per section', () => {
    const s = buildSummary([q(1, 'twk', null, { flagged: true }), q(2, 'esai', { text: 'terlalu pendek' }, { view: { minWords: 20 } })], SECTIONS);
    expect(s.sections.map((x) => [x.key, x.unanswered, x.flagged, x.outside.map((o) => o.number)])).to.deep.equal([['twk', [1], [1], []], ['esai', [], [], [2]]]);
    expect([s.unanswered, s.flagged, s.outside, s.allClear]).to.deep.equal([1, 1, 1, false]);
  });

  it('reads the posted slots from `shown`, else from the fields; a bare submit carries none', () => {
    expect([...postedSlots({ shown: 's3', q_s3: 'a' })]).to.deep.equal(['s3']);
    expect([...postedSlots({ q_s1: 'a', q_s2_0: 'x', _csrf: 't' })]).to.deep.equal(['s1', 's2']);
    expect([...postedSlots({ action: 'submit' })]).to.deep.equal([]);
  });
});
