/**
 * Mentoring pairs and sessions. A mentee has at most one current pair: `current` holds the
 * mentee's id while the pair runs and `ended-<pairId>` after, under a unique index, so two people
 * starting a pair for the same mentee at once leave one (FerretDB 1.x: no partial indexes, and a
 * conditional update is not atomic, so uniqueness is the arbiter).
 */
import { Schema, type Types } from 'mongoose';

export interface GoalDoc {
  text: string;
  /** A competency code from the profile's gaps, when the goal closes one. */
  competency?: string;
}

export interface PairDoc {
  _id: Types.ObjectId;
  menteeId: Types.ObjectId;
  mentorId: Types.ObjectId;
  /** The mentee's unit when the pair began (unit heads see pairs of their units). */
  unitId?: Types.ObjectId;
  /** `supervisor`: the mentee's direct supervisor (the default); `assigned` by an admin or unit head. */
  source: 'supervisor' | 'assigned';
  /** Period, as calendar days (yyyy-mm-dd) in the mentee's zone. */
  startsOn: string;
  endsOn: string;
  goals: GoalDoc[];
  current: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  endedAt?: Date;
}

export type SessionState = 'pending' | 'signed';

export interface SessionDoc {
  _id: Types.ObjectId;
  pairId: Types.ObjectId;
  menteeId: Types.ObjectId;
  mentorId: Types.ObjectId;
  /** When the session took place (UTC). */
  heldAt: Date;
  minutes: number;
  topic: string;
  mentorNotes: string;
  menteeReflection: string;
  loggedBy: Types.ObjectId;
  loggedAs: 'mentor' | 'mentee';
  /** The logger's idempotency key: a form posted twice logs one session. */
  clientKey: string;
  state: SessionState;
  confirmedBy?: Types.ObjectId;
  confirmedAt?: Date;
  /** JP credited on sign-off (minutes ÷ minutes per JP, 2 decimals). */
  jp?: number;
  createdAt: Date;
}

const opts = { versionKey: false } as const;

export function pairSchema(): Schema<PairDoc> {
  const s = new Schema<PairDoc>(
    {
      menteeId: { type: Schema.Types.ObjectId, required: true, index: true },
      mentorId: { type: Schema.Types.ObjectId, required: true, index: true },
      unitId: Schema.Types.ObjectId,
      source: { type: String, enum: ['supervisor', 'assigned'], required: true },
      startsOn: { type: String, required: true },
      endsOn: { type: String, required: true },
      goals: { type: [{ _id: false, text: { type: String, required: true }, competency: String }], default: [] },
      current: { type: String, required: true },
      createdBy: { type: Schema.Types.ObjectId, required: true },
      createdAt: { type: Date, required: true },
      endedAt: Date,
    },
    opts,
  );
  s.index({ current: 1 }, { unique: true });
  return s;
}

export function sessionSchema(): Schema<SessionDoc> {
  const s = new Schema<SessionDoc>(
    {
      pairId: { type: Schema.Types.ObjectId, required: true, index: true },
      menteeId: { type: Schema.Types.ObjectId, required: true, index: true },
      mentorId: { type: Schema.Types.ObjectId, required: true, index: true },
      heldAt: { type: Date, required: true },
      minutes: { type: Number, required: true, min: 1 },
      topic: { type: String, required: true },
      mentorNotes: { type: String, default: '' },
      menteeReflection: { type: String, default: '' },
      loggedBy: { type: Schema.Types.ObjectId, required: true },
      loggedAs: { type: String, enum: ['mentor', 'mentee'], required: true },
      clientKey: { type: String, required: true },
      state: { type: String, enum: ['pending', 'signed'], required: true },
      confirmedBy: Schema.Types.ObjectId,
      confirmedAt: Date,
      jp: Number,
      createdAt: { type: Date, required: true },
    },
    opts,
  );
  s.index({ loggedBy: 1, clientKey: 1 }, { unique: true });
  return s;
}
