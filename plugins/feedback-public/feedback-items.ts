/**
 * A citizen's feedback about a service unit and its way through the unit:
 * - moderation: `pending` → `published` (on the public page, text masked) or `private` (the
 *   reporter chose *rahasia*, or a moderator made it stricter: answered, never shown) or
 *   `rejected` (with a reason). A moderator may make an item stricter, never looser (DOMAIN.md).
 * - status: `open` → `answered` (the unit's first public answer) → `closed`.
 * Every change is one conditional update on the item (its current state is the precondition), so
 * two moderators pressing at once change it once.
 */
import { Schema, Types } from 'mongoose';

export const KINDS = ['complaint', 'suggestion', 'praise'] as const;
export type FeedbackKind = (typeof KINDS)[number];
export const PRIVACY = ['anonim', 'rahasia'] as const;
export type Privacy = (typeof PRIVACY)[number];
export type Moderation = 'pending' | 'published' | 'private' | 'rejected';
export type Status = 'open' | 'answered' | 'closed';

export interface AnswerDoc {
  authorId: Types.ObjectId;
  authorName: string;
  text: string;
  at: Date;
}

export interface FeedbackDoc {
  _id: Types.ObjectId;
  serviceUnitId: Types.ObjectId;
  kind: FeedbackKind;
  /** As written; shown to the unit's moderators only. */
  text: string;
  /** With personal data masked: what the public page shows. */
  publicText: string;
  /** Optional contact for the unit's reply; never published. */
  contact?: string;
  privacy: Privacy;
  moderation: Moderation;
  rejectReason?: string;
  moderatedBy?: Types.ObjectId;
  moderatedAt?: Date;
  status: Status;
  answers: AnswerDoc[];
  firstAnswerAt?: Date;
  closedAt?: Date;
  submittedAt: Date;
  /** Keyed hash of the device cookie for this unit and day (one item per device, unit and day). */
  deviceHash: string;
  /**
   * SHA-256 of the citizen's follow-up code (random, 144 bits, shown once on the thank-you page):
   * whoever has the link sees the item's state and answers; the code itself is never stored.
   */
  followHash?: string;
}

export function feedbackSchema(): Schema<FeedbackDoc> {
  const answer = new Schema<AnswerDoc>({ authorId: { type: Schema.Types.ObjectId, required: true }, authorName: { type: String, required: true }, text: { type: String, required: true }, at: { type: Date, required: true } }, { _id: false });
  const s = new Schema<FeedbackDoc>(
    {
      serviceUnitId: { type: Schema.Types.ObjectId, required: true },
      kind: { type: String, enum: KINDS, required: true },
      text: { type: String, required: true },
      publicText: { type: String, required: true },
      contact: String,
      privacy: { type: String, enum: PRIVACY, required: true },
      moderation: { type: String, required: true },
      rejectReason: String,
      moderatedBy: Schema.Types.ObjectId,
      moderatedAt: Date,
      status: { type: String, required: true },
      answers: { type: [answer], default: [] },
      firstAnswerAt: Date,
      closedAt: Date,
      submittedAt: { type: Date, required: true },
      deviceHash: { type: String, required: true },
      followHash: String,
    },
    { versionKey: false },
  );
  s.index({ serviceUnitId: 1, deviceHash: 1 }, { unique: true });
  s.index({ serviceUnitId: 1, moderation: 1, submittedAt: -1 });
  s.index({ followHash: 1 });
  return s;
}
