/**
 * The inbox: one document per notice, keyed by what it is about (`exam-graded:<attemptId>`), so
 * an event delivered twice (a retried job, two workers racing on FerretDB) stays one notice
 * (ADR 0018: exactly-once by unique keys), and every read or write of one notice is a pure
 * `{ _id }` lookup (ADR 0017). Messages are stored as a kind plus parameters and rendered when
 * read, in the reader's language.
 */
import { Schema, Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { Locale } from '../../src/views/i18n';

/** `exam-*` are kept so notices stored before the activity-wide kinds still read. */
export type NoticeKind = 'activity-graded' | 'activity-regraded' | 'activity-grading' | 'exam-graded' | 'exam-regraded' | 'exam-grading' | 'course-completed' | 'certificate-issued' | 'certificate-revoked' | 'backup-failed' | 'event-promoted' | 'event-changed'
  | 'jp-claim-submitted' | 'jp-claim-approved' | 'jp-claim-rejected' | 'jp-below-target' | 'jp-team-below-target'
  | 'reaction-offered' | 'reaction-reminded' | 'behaviour-requested' | 'behaviour-reminded';

/**
 * Kinds whose settling must not record when (ADR 0073): a reaction survey's notices are settled by
 * its answer, and an anonymous response keeps the time of each answer, so a read time at that moment
 * would pair the person with their response. They are read as of their creation instead.
 */
export const UNTIMED_SETTLING: ReadonlySet<NoticeKind> = new Set<NoticeKind>(['reaction-offered', 'reaction-reminded']);

export interface NoticeDoc {
  _id: string;
  userId: Types.ObjectId;
  kind: NoticeKind;
  params: Record<string, string>;
  href: string;
  createdAt: Date;
  readAt: Date | null;
}

export interface NoticeDraft {
  key: string;
  userId: string;
  kind: NoticeKind;
  params: Record<string, string>;
  href: string;
  /**
   * What a later fact about the same subject does to an existing notice: `never` (a fact that
   * happens once), `always` (replace it and make it unread again: regrades), `when-read` (only
   * once the person has read it: "essays are waiting", which would otherwise be rewritten for
   * every submission of a large exam).
   */
  refresh: 'never' | 'always' | 'when-read';
}

export interface NoticeView {
  id: string;
  kind: NoticeKind;
  message: string;
  href: string;
  createdAt: Date;
  readAt: Date | null;
}

const DAY_MS = 24 * 3600 * 1000;

export function defineNoticeModel(ctx: PluginContext): Model<NoticeDoc> {
  const schema = new Schema<NoticeDoc>(
    {
      _id: { type: String, required: true },
      userId: { type: Schema.Types.ObjectId, required: true },
      kind: { type: String, required: true },
      params: { type: Schema.Types.Mixed, default: {} },
      href: { type: String, required: true },
      createdAt: { type: Date, required: true },
      readAt: { type: Date, default: null },
    },
    { versionKey: false, minimize: false },
  );
  schema.index({ userId: 1, createdAt: -1 });
  schema.index({ userId: 1, readAt: 1 });
  schema.index({ createdAt: 1 });
  return ctx.models.define<NoticeDoc>('notices', schema);
}

export class InboxService {
  constructor(
    private ctx: PluginContext,
    readonly Notice: Model<NoticeDoc>,
  ) {}

  /** Stores a notice once (or refreshes it, per `refresh`), then tells the person's open pages. */
  async deliver(d: NoticeDraft): Promise<'created' | 'replaced' | 'exists'> {
    const fields = { userId: new Types.ObjectId(d.userId), kind: d.kind, params: d.params, href: d.href, createdAt: this.ctx.clock.now(), readAt: null };
    let outcome: 'created' | 'replaced' | 'exists';
    // Decided on a pure `_id` read (ADR 0017), not a conditional update filter.
    const existing = d.refresh === 'when-read' ? await this.Notice.findById(d.key, { readAt: 1 }).lean() : null;
    const replace = d.refresh === 'always' || (d.refresh === 'when-read' && existing !== null && existing.readAt != null);
    try {
      const r = replace
        ? await this.Notice.updateOne({ _id: d.key }, { $set: fields }, { upsert: true })
        : await this.Notice.updateOne({ _id: d.key }, { $setOnInsert: fields }, { upsert: true });
      outcome = r.upsertedCount === 1 ? 'created' : replace ? 'replaced' : 'exists';
    } catch (e) {
      // Two deliveries raced to insert the same key: the other one stored it.
      if ((e as { code?: number }).code !== 11000) throw e;
      if (replace) await this.Notice.updateOne({ _id: d.key }, { $set: fields });
      outcome = replace ? 'replaced' : 'exists';
    }
    if (outcome !== 'exists') await this.ctx.realtime.publish(`user-${d.userId}`, { t: 'notice', id: d.key });
    return outcome;
  }

  /**
   * Newest first. The page after one ends at (`before`, `beforeId`): older notices, and those of the
   * same instant with a smaller id, so two notices of the same millisecond never straddle a page.
   */
  async list(userId: string, opts: { limit: number; before?: Date; beforeId?: string; unreadOnly?: boolean }): Promise<{ notices: NoticeDoc[]; more: boolean }> {
    const filter: Record<string, unknown> = { userId: new Types.ObjectId(userId) };
    if (opts.before && opts.beforeId) filter.$or = [{ createdAt: { $lt: opts.before } }, { createdAt: opts.before, _id: { $lt: opts.beforeId } }];
    else if (opts.before) filter.createdAt = { $lt: opts.before };
    if (opts.unreadOnly) filter.readAt = null;
    const rows = await this.Notice.find(filter).sort({ createdAt: -1, _id: -1 }).limit(opts.limit + 1).lean();
    return { notices: rows.slice(0, opts.limit), more: rows.length > opts.limit };
  }

  /** One of the person's notices; another person's looks exactly like a missing one. */
  async own(userId: string, id: string): Promise<NoticeDoc | null> {
    const n = await this.Notice.findById(id).lean();
    return n && String(n.userId) === userId ? n : null;
  }

  unreadCount(userId: string): Promise<number> {
    return this.Notice.countDocuments({ userId: new Types.ObjectId(userId), readAt: null });
  }

  async markRead(userId: string, id: string): Promise<NoticeDoc | null> {
    const n = await this.own(userId, id);
    if (!n) return null;
    if (n.readAt) return n;
    const readAt = this.ctx.clock.now();
    await this.Notice.updateOne({ _id: n._id }, { $set: { readAt } });
    await this.ctx.realtime.publish(`user-${userId}`, { t: 'read', id });
    return { ...n, readAt };
  }

  /**
   * The task a notice asked for is done (whoever did it): it is read, so it leaves the unread count.
   * A kind in UNTIMED_SETTLING is read as of its creation, so no time of the task's doing is stored.
   */
  async settle(key: string): Promise<void> {
    const n = await this.Notice.findById(key, { userId: 1, readAt: 1, createdAt: 1, kind: 1 }).lean();
    if (!n || n.readAt) return;
    await this.Notice.updateOne({ _id: key, readAt: null }, { $set: { readAt: UNTIMED_SETTLING.has(n.kind) ? n.createdAt : this.ctx.clock.now() } });
    await this.ctx.realtime.publish(`user-${String(n.userId)}`, { t: 'read', id: key });
  }

  async markAllRead(userId: string): Promise<number> {
    const r = await this.Notice.updateMany({ userId: new Types.ObjectId(userId), readAt: null }, { $set: { readAt: this.ctx.clock.now() } });
    if (r.modifiedCount > 0) await this.ctx.realtime.publish(`user-${userId}`, { t: 'read', all: true });
    return r.modifiedCount;
  }

  /** The scheduled clean-up (no TTL indexes on FerretDB): old read notices, then anything very old. */
  async prune(): Promise<{ deleted: number }> {
    const now = this.ctx.clock.now().getTime();
    const keepRead = Number(this.ctx.settings.keepReadDays ?? 90) * DAY_MS;
    const keepAll = Number(this.ctx.settings.keepDays ?? 365) * DAY_MS;
    const a = await this.Notice.deleteMany({ readAt: { $ne: null }, createdAt: { $lt: new Date(now - keepRead) } });
    const b = await this.Notice.deleteMany({ createdAt: { $lt: new Date(now - keepAll) } });
    return { deleted: a.deletedCount + b.deletedCount };
  }

  view(n: NoticeDoc, locale: Locale): NoticeView {
    return { id: n._id, kind: n.kind, message: this.ctx.i18n.t(locale, `kind.${n.kind}`, n.params), href: n.href, createdAt: n.createdAt, readAt: n.readAt ?? null };
  }
}
