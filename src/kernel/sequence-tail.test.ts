import { expect } from 'chai';
import { SequenceTail } from './sequence-tail';

/** An in-memory sequence that counts how it was read: probes are cheap, sorts are what we avoid. */
function fakeSequence(initial: number[], hint?: number | (() => number)) {
  const rows = new Map<string, Set<number>>([['a', new Set(initial)]]);
  const calls = { probe: 0, slowTail: 0 };
  const tail = new SequenceTail<{ seq: number }>({
    probe: async (key, seq) => {
      calls.probe++;
      return rows.get(key)?.has(seq) ? { seq } : null;
    },
    slowTail: async (key) => {
      calls.slowTail++;
      const all = [...(rows.get(key) ?? [])];
      return all.length ? { seq: Math.max(...all) } : null;
    },
    ...(hint !== undefined ? { hint: async () => (typeof hint === 'function' ? hint() : hint) } : {}),
  });
  const append = (key: string, seq: number) => {
    const set = rows.get(key) ?? new Set<number>();
    set.add(seq);
    rows.set(key, set);
  };
  return { tail, calls, append, rows };
}

describe('SequenceTail: the last row of a unique sequence without sorting', () => {
  it('sorts once when it knows nothing, then walks forward by lookups', async () => {
    const { tail, calls, append } = fakeSequence([1, 2, 3]);
    expect((await tail.last('a'))?.seq).to.equal(3);
    expect(calls.slowTail).to.equal(1);
    append('a', 4);
    tail.saw('a', 4);
    expect((await tail.last('a'))?.seq).to.equal(4);
    expect(calls.slowTail, 'no second sort').to.equal(1);
  });

  it('finds rows another process appended since', async () => {
    const { tail, calls, append } = fakeSequence([1, 2]);
    await tail.last('a');
    for (const n of [3, 4, 5]) append('a', n);
    expect((await tail.last('a'))?.seq).to.equal(5);
    expect(calls.slowTail).to.equal(1);
  });

  it('starts from a hint that lags, and sorts when the hint leads past the end', async () => {
    const lagging = fakeSequence([1, 2, 3, 4], 2);
    expect((await lagging.tail.last('a'))?.seq).to.equal(4);
    expect(lagging.calls.slowTail).to.equal(0);
    const leading = fakeSequence([1, 2], 9);
    expect((await leading.tail.last('a'))?.seq).to.equal(2);
    expect(leading.calls.slowTail).to.equal(1);
  });

  it('sorts again when the remembered row was deleted, and keeps sequences apart', async () => {
    const { tail, calls, rows, append } = fakeSequence([1, 2, 3]);
    await tail.last('a');
    rows.get('a')!.delete(3);
    expect((await tail.last('a'))?.seq).to.equal(2);
    expect(calls.slowTail).to.equal(2);
    expect(await tail.last('b')).to.equal(null);
    append('b', 1);
    expect((await tail.last('b'))?.seq).to.equal(1);
  });

  it('finds the tail in a few lookups after another writer appended a thousand rows (ADR 0069)', async () => {
    const { tail, calls, append } = fakeSequence([1, 2, 3]);
    await tail.last('a');
    for (let n = 4; n <= 1003; n++) append('a', n);
    calls.probe = 0;
    expect((await tail.last('a'))?.seq).to.equal(1003);
    // Doubling ahead and halving back: about 2·log2(1000), not a thousand steps of one.
    expect(calls.probe).to.be.at.most(2 * Math.ceil(Math.log2(1000)) + 2);
    expect(calls.slowTail, 'no sort').to.equal(1);
  });

  it('starts from the head counter every writer moves: two lookups when it is current, a few when it lags', async () => {
    let head = 3;
    const { tail, calls, append } = fakeSequence([1, 2, 3], () => head);
    expect((await tail.last('a'))?.seq).to.equal(3);
    for (let n = 4; n <= 500; n++) append('a', n);
    head = 500;
    calls.probe = 0;
    expect((await tail.last('a'))?.seq).to.equal(500);
    expect(calls.probe, 'the head row and the next seq').to.equal(2);
    for (let n = 501; n <= 800; n++) append('a', n);
    head = 797; // the $max of the last writers has not landed yet
    calls.probe = 0;
    expect((await tail.last('a'))?.seq).to.equal(800);
    expect(calls.probe).to.be.at.most(6);
    expect(calls.slowTail).to.equal(0);
  });

  it('falls back to what it saw when the head leads past the end (rows deleted at the end)', async () => {
    let head = 0;
    const { tail, calls } = fakeSequence([1, 2, 3, 4], () => head);
    expect((await tail.last('a'))?.seq).to.equal(4);
    head = 6; // rows 5 and 6 were deleted after the head moved
    calls.slowTail = 0;
    expect((await tail.last('a'))?.seq).to.equal(4);
    expect(calls.slowTail, 'the remembered row is still there').to.equal(0);
  });

  it('still lands on the right row for every distance from 0 to 70', async () => {
    for (let extra = 0; extra <= 70; extra++) {
      const { tail, append } = fakeSequence([1]);
      await tail.last('a');
      for (let n = 2; n <= 1 + extra; n++) append('a', n);
      expect((await tail.last('a'))?.seq, `after ${extra} more`).to.equal(1 + extra);
    }
  });
});
