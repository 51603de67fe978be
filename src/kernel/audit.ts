/**
 * The audit log: every change of a grade, a certificate or a role (who, what, when, before/after).
 * Entries store an i18n key plus arguments, never rendered text, so they read correctly in either
 * language years later (STYLE.md).
 */
import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from './clock';
import { SequenceTail } from './sequence-tail';

export interface AuditEntry {
  /** i18n key of the action, e.g. `audit.role.changed`. */
  action: string;
  actorId?: string;
  subject: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  args?: Record<string, unknown>;
}

export interface AuditDoc extends AuditEntry {
  owner: string;
  at: Date;
  /** Position in the chain: 1, 2, 3… with no gap (unique). */
  seq: number;
  /** The previous row's `hash` ('' for the first). */
  prev: string;
  /** SHA-256 of `prev` and this row's content (canonical JSON): an edited row no longer matches. */
  hash: string;
  /**
   * Set when a lawful erasure request removed this row's personal fields (before, after, args): the
   * row `bySeq` (an `audit.person.erased` row, itself chained) vouches for its hash and for the
   * digest of the fields that stayed, so `verify()` still checks it and the chain goes on.
   */
  redaction?: { bySeq: number };
}

/** The action of the row that vouches for redacted rows. */
export const PERSON_ERASED = 'audit.person.erased';

/** What a redacting row records of each row it redacts. */
export interface RedactedRowRef {
  seq: number;
  hash: string;
  /** `keptDigest` of the row: its fields that are not redacted. */
  kept: string;
}

/** Digest of the fields a redaction keeps (who, what action, about what, when, and the chain links). */
export function keptDigest(r: Pick<AuditDoc, 'seq' | 'prev' | 'owner' | 'action' | 'actorId' | 'subject' | 'at'>): string {
  const kept = { seq: r.seq, prev: r.prev, owner: r.owner, action: r.action, actorId: r.actorId ?? null, subject: { type: r.subject.type, id: r.subject.id }, at: r.at };
  return createHash('sha256').update(JSON.stringify(canonical(kept))).digest('hex');
}

/** What `verify()` found: rows read and every problem, by sequence number. */
export interface AuditVerifyReport {
  rows: number;
  lastSeq: number;
  problems: Array<{ seq: number; kind: 'edited' | 'missing' | 'relinked' | 'tail-missing' }>;
}

type AuditBody = Pick<AuditDoc, 'owner' | 'action' | 'actorId' | 'subject' | 'before' | 'after' | 'args' | 'at'>;

/** The row as mongoose would store it: no key whose value is undefined (the driver would store null). */
function withoutUndefined<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as T;
}

/** Canonical JSON-able form: object keys sorted, dates as ISO strings, ids as hex, undefined dropped. */
export function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && typeof (v as { toHexString?: unknown }).toHexString === 'function') return (v as { toHexString(): string }).toHexString();
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

export function rowHash(r: Pick<AuditDoc, 'seq' | 'prev' | 'owner' | 'action' | 'actorId' | 'subject' | 'before' | 'after' | 'args' | 'at'>): string {
  const content = { seq: r.seq, prev: r.prev, owner: r.owner, action: r.action, actorId: r.actorId ?? null, subject: { type: r.subject.type, id: r.subject.id }, before: r.before ?? null, after: r.after ?? null, args: r.args ?? null, at: r.at };
  return createHash('sha256').update(JSON.stringify(canonical(content))).digest('hex');
}

/**
 * Append-only with a hash chain (ADR 0030). FerretDB has no transactions and its conditional
 * updates are not atomic under concurrency, but a unique index is: a writer reads the last row,
 * computes its row's hash from that row's hash, and inserts it keyed by the next seq (unique);
 * when another writer took that seq, it reads again. Any number of web and worker processes
 * append in one order with no gap. `verify()` recomputes every hash: an edited row, a deleted
 * one (a gap, or a tail shorter than the head counter) and a re-linked one show.
 */
export class AuditLog {
  readonly model: Model<AuditDoc>;
  /** How far the chain has gone: one document, `{_id: 'chain', seq}`. */
  readonly head: Model<{ _id: string; seq: number; hash: string }>;
  private readonly tail: SequenceTail<{ seq: number; hash: string }>;
  constructor(conn: Connection, private clock: Clock) {
    const schema = new Schema<AuditDoc>(
      {
        owner: { type: String, required: true },
        action: { type: String, required: true },
        actorId: String,
        subject: { type: { type: String, required: true }, id: { type: String, required: true } },
        before: Schema.Types.Mixed,
        after: Schema.Types.Mixed,
        args: Schema.Types.Mixed,
        at: { type: Date, required: true },
        seq: { type: Number, required: true },
        prev: { type: String, default: '' },
        hash: { type: String, required: true },
        redaction: { type: new Schema({ bySeq: Number }, { _id: false }), default: undefined },
      },
      // minimize off: an empty `args: {}` is stored as it was hashed.
      { versionKey: false, minimize: false },
    );
    schema.index({ seq: 1 }, { unique: true });
    schema.index({ 'subject.type': 1, 'subject.id': 1, at: -1 });
    schema.index({ actorId: 1, seq: -1 });
    this.model = conn.model<AuditDoc>('core_audit', schema, 'core_audit');
    this.head = conn.model('core_audit_head', new Schema<{ _id: string; seq: number; hash: string }>({ _id: String, seq: Number, hash: String }, { versionKey: false }), 'core_audit_head');
    this.tail = new SequenceTail<{ seq: number; hash: string }>({
      probe: (_key, seq) => this.model.findOne({ seq }, { _id: 0, seq: 1, hash: 1 }).lean(),
      slowTail: () => this.model.findOne({}, { _id: 0, seq: 1, hash: 1 }).sort({ seq: -1 }).lean(),
      hint: async () => (await this.head.findById('chain', { seq: 1 }).lean())?.seq,
    });
  }

  /** Rows waiting for the append in flight (group commit, see `record`). */
  private waiting: Array<{ body: AuditBody; resolve: (r: { seq: number; hash: string }) => void; reject: (e: unknown) => void }> = [];
  private appending = false;

  /**
   * Appends a row; resolves to its place in the chain. Concurrent calls in one process share one
   * append (group commit, ADR 0067): the tail is found once, the rows are hashed one after the
   * other and inserted in one ordered `insertMany`, and the head moves once. The next group leaves
   * when the previous one is stored (no timer), so a lone call is one append as before; the
   * grade jobs of a busy worker (each writes one row) share the tail lookup and the head update.
   * The unique `seq` still decides between processes: an ordered insert stops at the first taken
   * `seq`, the rows before it are stored, and the rest look for the tail again.
   */
  record(owner: string, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
    const at = this.clock.now();
    // Stored exactly as hashed (dates inside before/after become ISO strings).
    const body: AuditBody = { owner, action: entry.action, actorId: entry.actorId, subject: { type: entry.subject.type, id: String(entry.subject.id) }, before: canonical(entry.before) ?? undefined, after: canonical(entry.after) ?? undefined, args: (canonical(entry.args) ?? undefined) as Record<string, unknown> | undefined, at };
    const done = new Promise<{ seq: number; hash: string }>((resolve, reject) => this.waiting.push({ body, resolve, reject }));
    if (!this.appending) void this.appendWaiting();
    return done;
  }

  private async appendWaiting(): Promise<void> {
    this.appending = true;
    try {
      while (this.waiting.length) {
        const group = this.waiting.splice(0, 100);
        try {
          const placed = await this.appendGroup(group.map((g) => g.body));
          group.forEach((g, i) => g.resolve(placed[i]!));
        } catch (e) {
          for (const g of group) g.reject(e);
        }
      }
    } finally {
      this.appending = false;
    }
  }

  /** Appends `bodies` in order at the tail of the chain; resolves to each one's place. */
  private async appendGroup(bodies: AuditBody[]): Promise<Array<{ seq: number; hash: string }>> {
    const placed: Array<{ seq: number; hash: string }> = [];
    let rest = bodies;
    for (let tries = 0; rest.length; tries++) {
      // Not a sort: FerretDB 1.x would read the whole log for it on every append (sequence-tail.ts).
      const last = await this.tail.last('chain');
      let seq = last?.seq ?? 0;
      let prev = last?.hash ?? '';
      const rows = rest.map((body) => {
        seq += 1;
        const hash = rowHash({ ...body, seq, prev });
        const row = withoutUndefined({ ...body, seq, prev, hash });
        prev = hash;
        return row;
      });
      let stored = rows.length;
      try {
        // The unique seq decides between concurrent writers (an insert is atomic on FerretDB; an update is not).
        await this.model.collection.insertMany(rows, { ordered: true });
      } catch (e) {
        // Taken: by a racer, or past a gap in the chain. The rows before the first taken seq are in.
        const err = e as { code?: number; insertedCount?: number; result?: { insertedCount?: number }; writeErrors?: Array<{ code?: number; index?: number }> | { code?: number; index?: number } };
        const first = Array.isArray(err.writeErrors) ? err.writeErrors[0] : err.writeErrors;
        const code = first?.code ?? err.code;
        if (code !== 11000 || tries >= 500) throw e;
        stored = first?.index ?? err.insertedCount ?? err.result?.insertedCount ?? 0;
        this.tail.saw('chain', rows[stored]!.seq);
      }
      for (const r of rows.slice(0, stored)) placed.push({ seq: r.seq, hash: r.hash });
      if (stored > 0) this.tail.saw('chain', rows[stored - 1]!.seq);
      rest = rest.slice(stored);
    }
    const top = placed.at(-1)?.seq;
    // Best effort (concurrent $max may keep a lower value): lets verify see rows deleted at the end.
    if (top !== undefined) await this.head.updateOne({ _id: 'chain' }, { $max: { seq: top } }, { upsert: true }).catch(() => undefined);
    return placed;
  }

  async forSubject(type: string, id: string): Promise<AuditDoc[]> {
    return this.model.find({ 'subject.type': type, 'subject.id': id }).sort({ seq: 1 }).lean();
  }

  /**
   * Removes the personal fields (before, after, args) of the rows at `seqs`, keeping the chain:
   * first an `audit.person.erased` row is appended that records each row's hash and the digest
   * of what stays, then each row is redacted and points at it. Rows already redacted are skipped;
   * running it again after a crash redacts the rest.
   */
  async redact(seqs: number[], by: { owner: string; actorId?: string; subject: { type: string; id: string }; args?: Record<string, unknown> }): Promise<{ redacted: number; bySeq?: number }> {
    const rows = await this.model.find({ seq: { $in: seqs }, redaction: { $exists: false } }).sort({ seq: 1 }).lean();
    if (!rows.length) return { redacted: 0 };
    const refs: RedactedRowRef[] = rows.map((r) => ({ seq: r.seq, hash: r.hash, kept: keptDigest(r) }));
    const { seq: bySeq } = await this.record(by.owner, { action: PERSON_ERASED, actorId: by.actorId, subject: by.subject, args: { ...by.args, rows: refs } });
    for (const r of rows) {
      await this.model.updateOne({ _id: r._id }, { $set: { before: null, after: null, args: null, redaction: { bySeq } } });
    }
    return { redacted: rows.length, bySeq };
  }

  /** A redacted row is sound when a sound, later erasure row vouches for its hash and kept fields. */
  private async redactionVouched(r: AuditDoc, cache: Map<number, AuditDoc | null>): Promise<boolean> {
    const bySeq = r.redaction!.bySeq;
    if (!(bySeq > r.seq)) return false;
    if (!cache.has(bySeq)) cache.set(bySeq, (await this.model.findOne({ seq: bySeq }).lean()) ?? null);
    const by = cache.get(bySeq);
    if (!by || by.action !== PERSON_ERASED || by.redaction || rowHash(by) !== by.hash) return false;
    const refs = ((by.args as { rows?: RedactedRowRef[] } | undefined)?.rows ?? []);
    return refs.some((x) => x.seq === r.seq && x.hash === r.hash && x.kept === keptDigest(r));
  }

  /** Recomputes the chain from the first row to the head. */
  async verify(): Promise<AuditVerifyReport> {
    const problems: AuditVerifyReport['problems'] = [];
    const vouchers = new Map<number, AuditDoc | null>();
    let expected = 1;
    let prevHash = '';
    let rows = 0;
    for await (const r of this.model.find({}).sort({ seq: 1 }).lean().cursor()) {
      rows++;
      for (; expected < r.seq; expected++) problems.push({ seq: expected, kind: 'missing' });
      const sound = r.redaction ? await this.redactionVouched(r, vouchers) : rowHash(r) === r.hash;
      if (!sound) problems.push({ seq: r.seq, kind: 'edited' });
      else if (r.prev !== prevHash && !problems.some((p) => p.seq === r.seq - 1)) problems.push({ seq: r.seq, kind: 'relinked' });
      prevHash = r.hash;
      expected = r.seq + 1;
    }
    const h = await this.head.findById('chain').lean();
    if (h && h.seq >= expected) for (let s = expected; s <= h.seq; s++) problems.push({ seq: s, kind: 'tail-missing' });
    return { rows, lastSeq: h?.seq ?? 0, problems };
  }
}
