import { expect } from 'chai';
import { SequenceTail } from './sequence-tail';

/** An in-memory sequence that counts how it was read: probes are cheap, sorts are what we avoid. */
function fakeSequence(initial: number[], hint?: number) {
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
    ...(hint !== undefined ? { hint: async () => hint } : {}),
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
});
