/**
 * The last row of a sequence kept gap-free by a unique index (the audit chain, a year's register
 * numbers), found without sorting the collection.
 *
 * Why: FerretDB 1.x cannot push a sort down to its backend; `findOne(filter).sort({ seq: -1 })`
 * fetches every matching row into FerretDB and sorts them there (FerretDB issue #3966). On a
 * growing table that is one full read per append: measured 1.6 s per call at 5,000 rows on a busy
 * 2-core machine, against 12 ms for a lookup of one `seq` by its index. So each process remembers
 * the highest `seq` it has seen per sequence and walks forward from there by equality lookups
 * (other processes may have appended since); it sorts only when it knows nothing yet (first use
 * after start, unless a hint is given) or when the remembered row is gone (rows deleted at the end).
 *
 * The caller still decides between concurrent writers with the unique index: it inserts
 * `last.seq + 1`, and on a duplicate key asks again.
 */
export interface SequenceRow {
  seq: number;
}

export interface SequenceTailSource<Row extends SequenceRow> {
  /** The row with this `seq` in the sequence named `key`, or null (an indexed equality lookup). */
  probe(key: string, seq: number): Promise<Row | null>;
  /** The row with the highest `seq`, the slow way (a sort). */
  slowTail(key: string): Promise<Row | null>;
  /** Optional place to start on first use, e.g. a best-effort counter document; may lag or lead. */
  hint?(key: string): Promise<number | undefined>;
}

export class SequenceTail<Row extends SequenceRow> {
  private readonly seen = new Map<string, number>();

  constructor(private readonly source: SequenceTailSource<Row>) {}

  /** The current last row of the sequence `key` (null when it is empty). */
  async last(key: string): Promise<Row | null> {
    const from = this.seen.get(key) ?? (await this.source.hint?.(key));
    let row = from !== undefined && from > 0 ? await this.source.probe(key, from) : null;
    if (!row) row = await this.source.slowTail(key);
    while (row) {
      const next = await this.source.probe(key, row.seq + 1);
      if (!next) break;
      row = next;
    }
    if (row) this.saw(key, row.seq);
    return row;
  }

  /** Records a `seq` this process appended (or found), so the next `last` starts there. */
  saw(key: string, seq: number): void {
    if (seq > (this.seen.get(key) ?? 0)) this.seen.set(key, seq);
  }
}
