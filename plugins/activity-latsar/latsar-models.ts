/** Latsar participants (one per person and cohort, unique) and the coach's comments. */
import { Schema, type Types } from 'mongoose';

export const STAGES = ['plan', 'plan-review', 'implementing', 'report-review', 'seminar', 'scored'] as const;
export type Stage = (typeof STAGES)[number];

export interface FileRef { key: string; name: string; size: number; at: Date }

export interface ParticipantDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  cohort: string;
  mentorId: Types.ObjectId;
  coachId: Types.ObjectId;
  pengujiId: Types.ObjectId;
  stage: Stage;
  plan?: FileRef;
  report?: FileRef;
  seminarAt?: Date;
  seminarPlace?: string;
  scores?: Array<{ key: string; score: number }>;
  result?: { score: number; band: string; passed: boolean; at: Date };
  createdAt: Date;
}

export interface CommentDoc {
  _id: Types.ObjectId;
  participantId: Types.ObjectId;
  authorId: Types.ObjectId;
  stage: Stage;
  text: string;
  at: Date;
}

const opts = { versionKey: false } as const;
const fileRef = { _id: false, key: String, name: String, size: Number, at: Date };

export function participantSchema() {
  const s = new Schema<ParticipantDoc>({
    userId: { type: Schema.Types.ObjectId, required: true }, cohort: { type: String, required: true },
    mentorId: { type: Schema.Types.ObjectId, required: true, index: true }, coachId: { type: Schema.Types.ObjectId, required: true, index: true }, pengujiId: { type: Schema.Types.ObjectId, required: true, index: true },
    stage: { type: String, enum: STAGES, required: true }, plan: fileRef, report: fileRef, seminarAt: Date, seminarPlace: String,
    scores: { type: [{ _id: false, key: String, score: Number }], default: undefined }, result: { _id: false, score: Number, band: String, passed: Boolean, at: Date },
    createdAt: { type: Date, required: true },
  }, opts);
  s.index({ userId: 1, cohort: 1 }, { unique: true });
  return s;
}

export function commentSchema() {
  return new Schema<CommentDoc>({ participantId: { type: Schema.Types.ObjectId, required: true, index: true }, authorId: { type: Schema.Types.ObjectId, required: true }, stage: { type: String, required: true }, text: { type: String, required: true }, at: { type: Date, required: true } }, opts);
}
