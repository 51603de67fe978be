/**
 * The audit log: every change of a grade, a certificate or a role (who, what, when, before/after).
 * Entries store an i18n key plus arguments, never rendered text, so they read correctly in either
 * language years later (STYLE.md).
 */
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

interface AuditDoc extends AuditEntry {
  owner: string;
  at: Date;
}

export class AuditLog {
  readonly model: Model<AuditDoc>;
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
      },
      { versionKey: false },
    );
    schema.index({ 'subject.type': 1, 'subject.id': 1, at: -1 });
    this.model = conn.model<AuditDoc>('core_audit', schema, 'core_audit');
  }

  async record(owner: string, entry: AuditEntry): Promise<void> {
    await this.model.create({ ...entry, owner, at: this.clock.now() });
  }

  async forSubject(type: string, id: string): Promise<AuditDoc[]> {
    return this.model.find({ 'subject.type': type, 'subject.id': id }).sort({ at: 1 }).lean();
  }
}
