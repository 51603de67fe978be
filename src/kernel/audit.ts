/**
 * The audit log: every change of a grade, a certificate or a role (who, what, when, before/after).
 * Entries store an i18n key plus arguments, never rendered text, so they read correctly in either
 * language years later (STYLE.md).
 */
import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from './clock';

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
}

/** What `verify()` found: rows read and every problem, by sequence number. */
export interface AuditVerifyReport {
  rows: number;
  lastSeq: number;
  problems: Array<{ seq: number; kind: 'edited' | 'missing' | 'relinked' | 'tail-missing' }>;
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
      },
      // minimize off: an empty `args: {}` is stored as it was hashed.
      { versionKey: false, minimize: false },
    );
    schema.index({ seq: 1 }, { unique: true });
    schema.index({ 'subject.type': 1, 'subject.id': 1, at: -1 });
    schema.index({ actorId: 1, seq: -1 });
    this.model = conn.model<AuditDoc>('core_audit', schema, 'core_audit');
    this.head = conn.model('core_audit_head', new Schema<{ _id: string; seq: number; hash: string }>({ _id: String, seq: Number, hash: String }, { versionKey: false }), 'core_audit_head');
  }

  async record(owner: string, entry: AuditEntry): Promise<void> {
    const at = this.clock.now();
    // Stored exactly as hashed (dates inside before/after become ISO strings).
    const body = { owner, action: entry.action, actorId: entry.actorId, subject: { type: entry.subject.type, id: String(entry.subject.id) }, before: canonical(entry.before) ?? undefined, after: canonical(entry.after) ?? undefined, args: (canonical(entry.args) ?? undefined) as Record<string, unknown> | undefined, at };
    for (let tries = 0; ; tries++) {
      const last = await this.model.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
      const seq = (last?.seq ?? 0) + 1;
      const prev = last?.hash ?? '';
      const hash = rowHash({ ...body, seq, prev });
      try {
        // The unique seq decides between concurrent writers (an insert is atomic on FerretDB; an update is not).
        await this.model.create({ ...body, seq, prev, hash });
      } catch (e) {
        if ((e as { code?: number }).code === 11000 && tries < 500) continue;
        throw e;
      }
      // Best effort (concurrent $max may keep a lower value): lets verify see rows deleted at the end.
      await this.head.updateOne({ _id: 'chain' }, { $max: { seq } }, { upsert: true }).catch(() => undefined);
      return;
    }
  }

  async forSubject(type: string, id: string): Promise<AuditDoc[]> {
    return this.model.find({ 'subject.type': type, 'subject.id': id }).sort({ seq: 1 }).lean();
  }

  /** Recomputes the chain from the first row to the head. */
  async verify(): Promise<AuditVerifyReport> {
    const problems: AuditVerifyReport['problems'] = [];
    let expected = 1;
    let prevHash = '';
    let rows = 0;
    for await (const r of this.model.find({}).sort({ seq: 1 }).lean().cursor()) {
      rows++;
      for (; expected < r.seq; expected++) problems.push({ seq: expected, kind: 'missing' });
      if (rowHash(r) !== r.hash) problems.push({ seq: r.seq, kind: 'edited' });
      else if (r.prev !== prevHash && !problems.some((p) => p.seq === r.seq - 1)) problems.push({ seq: r.seq, kind: 'relinked' });
      prevHash = r.hash;
      expected = r.seq + 1;
    }
    const h = await this.head.findById('chain').lean();
    if (h && h.seq >= expected) for (let s = expected; s <= h.seq; s++) problems.push({ seq: s, kind: 'tail-missing' });
    return { rows, lastSeq: h?.seq ?? 0, problems };
  }
}
