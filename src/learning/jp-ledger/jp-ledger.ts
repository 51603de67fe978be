/**
 * The JP ledger's one write path: `credit` records that a person earned JP for a learning, exactly
 * once (ADR 0043). The row's `_id` is derived from the person and the learning key, so a repeated
 * credit (a retried job, an event delivered twice, a certificate of a course already credited) is
 * refused by the `_id` index and only noted in `alsoFrom`, never counted again. Plugins reach it
 * through `ctx.jp.credit` (docs/plugins.md); no plugin writes the ledger collection itself.
 */
import { createHash } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../../kernel/errors';
import type { Clock } from '../../kernel/clock';
import type { JpLedgerDoc } from '../learning-models';
import { IP_ASN_CATEGORIES, ipAsnCategoryOf, JP_KIND_IDS, JP_SOURCES, modeOf, type JpKind, type JpSource } from './jp-kinds';
import { yearIn } from './jp-year';

/** The `_id` of a person's entry for one learning: the first 12 bytes of SHA-256 of `jp:<userId>:<learningKey>`. */
export function jpEntryId(userId: string | Types.ObjectId, learningKey: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`jp:${String(userId).toLowerCase()}:${learningKey}`).digest().subarray(0, 12));
}

/** The learning key of a course done in Bina; a certificate earned by that course names the same key. */
export const courseLearningKey = (courseId: string | Types.ObjectId) => `course:${String(courseId).toLowerCase()}`;

const safeText = (max: number) => z.string().trim().min(1).max(max);

export const jpCreditSchema = z.strictObject({
  userId: z.string().regex(/^[0-9a-fA-F]{24}$/),
  source: z.enum(JP_SOURCES),
  /** The record the credit comes from, unique within its source (a course, a session, a claim). */
  sourceId: safeText(200),
  /** The learning it counts; default `<source>:<sourceId>`. Two records of one learning name the same key. */
  learningKey: safeText(300).optional(),
  title: safeText(300),
  kind: z.enum(JP_KIND_IDS),
  provider: safeText(300),
  startDate: z.coerce.date(),
  endDate: z.coerce.date(),
  jp: z.number().positive().max(1000).finite(),
  evidence: z.strictObject({ kind: z.enum(['file', 'url', 'record']), ref: safeText(1000), name: z.string().max(300).optional() }).optional(),
  /** Default: the kind's category (jp-kinds.ts). */
  ipAsnCategory: z.enum(IP_ASN_CATEGORIES).optional(),
}).refine((c) => c.endDate.getTime() >= c.startDate.getTime(), { message: 'endDate must not be before startDate', path: ['endDate'] });

export type JpCreditInput = z.input<typeof jpCreditSchema>;

export interface JpCreditResult {
  /** False when this learning was credited already (the entry is unchanged but for `alsoFrom`). */
  credited: boolean;
  entryId: string;
  year: number;
  jp: number;
}

export interface JpLedgerDeps {
  Entry: Model<JpLedgerDoc>;
  clock: Clock;
  /** The person's time zone (their profile's), for the year. */
  timeZoneOf(userId: string): Promise<string>;
}

export class JpLedger {
  constructor(private deps: JpLedgerDeps) {}

  get Entry(): Model<JpLedgerDoc> {
    return this.deps.Entry;
  }

  /**
   * Credits JP once per person and learning. `by` is `core` or the calling plugin's id (kept on the
   * row). A second credit of the same learning returns `credited: false` and is noted in `alsoFrom`.
   */
  async credit(input: JpCreditInput, by: string): Promise<JpCreditResult> {
    const parsed = jpCreditSchema.safeParse(input);
    if (!parsed.success) throw Errors.validation('Invalid JP credit', { details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const c = parsed.data;
    const learningKey = c.learningKey ?? `${c.source}:${c.sourceId}`;
    const userId = new Types.ObjectId(c.userId);
    const _id = jpEntryId(userId, learningKey);
    const year = yearIn(c.endDate, await this.deps.timeZoneOf(c.userId));
    const kind = c.kind as JpKind;
    const row: JpLedgerDoc = {
      _id, userId, year, jp: c.jp, source: c.source as JpSource, sourceId: c.sourceId, learningKey, title: c.title,
      mode: modeOf(kind), activityKind: kind, ipAsnCategory: c.ipAsnCategory ?? ipAsnCategoryOf(kind), provider: c.provider,
      startDate: c.startDate, endDate: c.endDate, ...(c.evidence ? { evidence: c.evidence } : {}), creditedBy: by, status: 'approved', at: this.deps.clock.now(),
    };
    // A course credited before ADR 0043 has a random `_id`: find it by its old unique pair.
    const legacy = learningKey.startsWith('course:') ? await this.deps.Entry.findOne({ userId, source: 'course', sourceId: learningKey.slice(7), learningKey: { $exists: false } }, { _id: 1 }).lean() : null;
    if (!legacy) {
      try {
        await this.deps.Entry.create(row);
        return { credited: true, entryId: String(_id), year, jp: c.jp };
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
      }
    }
    // Credited already: note another record of the same learning once ($addToSet), count nothing.
    // The same record again (a retried job) is not another record.
    const existingId = legacy?._id ?? _id;
    const existing = await this.deps.Entry.findById(existingId, { year: 1, jp: 1, source: 1, sourceId: 1 }).lean();
    if (existing && !(existing.source === c.source && existing.sourceId === c.sourceId)) {
      await this.deps.Entry.updateOne({ _id: existingId }, { $addToSet: { alsoFrom: { source: c.source, sourceId: c.sourceId, jp: c.jp } } });
    }
    return { credited: false, entryId: String(existingId), year: existing?.year ?? year, jp: existing?.jp ?? 0 };
  }

  /** A person's approved JP in a year: total, by mode and by kind. */
  async summary(userId: string, year: number): Promise<{ year: number; total: number; byMode: Record<string, number>; byKind: Record<string, number> }> {
    const rows = await this.deps.Entry.find({ userId: new Types.ObjectId(userId), year, status: 'approved' }, { jp: 1, mode: 1, activityKind: 1 }).lean();
    const byMode: Record<string, number> = {};
    const byKind: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      total += r.jp;
      byMode[r.mode] = (byMode[r.mode] ?? 0) + r.jp;
      byKind[r.activityKind] = (byKind[r.activityKind] ?? 0) + r.jp;
    }
    return { year, total: round2(total), byMode, byKind };
  }

  /** A person's entries, newest first (one year, or all). */
  history(userId: string, year?: number): Promise<JpLedgerDoc[]> {
    return this.deps.Entry.find({ userId: new Types.ObjectId(userId), status: 'approved', ...(year ? { year } : {}) }).sort({ endDate: -1, at: -1 }).limit(1000).lean();
  }

  /** Every approved entry of a year for these people (reports sum them per person and kind). */
  entriesFor(userIds: Types.ObjectId[], year: number): Promise<Array<Pick<JpLedgerDoc, 'userId' | 'jp' | 'activityKind' | 'mode'>>> {
    return this.deps.Entry.find({ year, status: 'approved', userId: { $in: userIds } }, { userId: 1, jp: 1, activityKind: 1, mode: 1 }).lean();
  }
}

/** JP may be fractional (90 minutes at 45 a JP is 2); sums are shown with at most 2 decimals. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
