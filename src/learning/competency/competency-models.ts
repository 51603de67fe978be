/**
 * Positions with their competency standard, the evidence trail and development plans.
 *
 * - A position (jabatan) is matched to people by its name (`UserDoc.positionName`, compared
 *   without case and extra spaces, ADR 0046): people keep their free-text position from the SIASN
 *   fields, and a standard applies to everyone holding that position.
 * - The evidence trail is append-only: the model refuses every update and delete, so a level can
 *   only change by a new entry, and the trail stays the record of who said what, when. `key` makes
 *   an entry from a retried event (a certificate, an exam pass) exactly-once.
 * - One plan per person and year (`_id` derived from both); its state changes are single-document
 *   updates with the state as precondition.
 */
import { createHash } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { EVIDENCE_SOURCES, type EvidenceSource } from './current-level';

export interface StandardLine {
  competency: string;
  required: number;
}

export interface PositionDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  /** `positionKey(name)`: how people's position names find it. */
  nameKey: string;
  standard: StandardLine[];
  updatedAt: Date;
}

export interface EvidenceDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  competency: string;
  level: number;
  source: EvidenceSource;
  /** Who recorded it (the rater, the person themselves); absent for entries made by the system. */
  by?: Types.ObjectId;
  at: Date;
  /** What happened, as an i18n key and its arguments (rendered in the reader's language). */
  message: { key: string; args: Record<string, string | number> };
  /** Exactly-once key: `certificate:<id>:<code>`, `exam:<attempt>:<code>`, or random for manual entries. */
  key: string;
}

export const PLAN_STATES = ['draft', 'submitted', 'approved', 'returned'] as const;
export type PlanState = (typeof PLAN_STATES)[number];

export interface PlanItem {
  competency: string;
  /** Level at drafting time and the level aimed for (the requirement). */
  from: number;
  to: number;
  courseId?: Types.ObjectId;
  courseTitle?: string;
  /** Another activity (coaching, magang…) in the ASN's words. */
  note?: string;
}

export interface PlanDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  year: number;
  state: PlanState;
  items: PlanItem[];
  /** The direct supervisor when it was submitted: who is asked to approve. */
  supervisorId?: Types.ObjectId;
  unitId?: Types.ObjectId;
  returnReason?: string;
  decidedBy?: Types.ObjectId;
  decidedAt?: Date;
  submittedAt?: Date;
  updatedAt: Date;
}

export interface CompetencyModels {
  Position: Model<PositionDoc>;
  Evidence: Model<EvidenceDoc>;
  Plan: Model<PlanDoc>;
}

/** A position name as people and files write it, reduced to compare: lower case, single spaces. */
export const positionKey = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** The `_id` of the plan of `userId` for `year`. */
export const planId = (userId: string | Types.ObjectId, year: number) =>
  new Types.ObjectId(createHash('sha256').update(`competency-plan:${new Types.ObjectId(userId).toHexString()}:${year}`).digest().subarray(0, 12));

/** Raised by the evidence model on any change to an entry. */
export class AppendOnlyError extends Error {
  constructor() {
    super('The evidence trail is append-only');
  }
}

const opts = { versionKey: false } as const;

export function defineCompetencyModels(conn: Connection): CompetencyModels {
  const position = new Schema<PositionDoc>(
    {
      code: { type: String, required: true, unique: true },
      name: { type: String, required: true },
      nameKey: { type: String, required: true, index: true },
      // A sub-schema: a bare `{ required: Number }` would read as the `required` option.
      standard: { type: [new Schema<StandardLine>({ competency: { type: String, required: true }, required: { type: Number, required: true } }, { _id: false })], default: [] },
      updatedAt: { type: Date, required: true },
    },
    opts,
  );
  const evidence = new Schema<EvidenceDoc>(
    {
      userId: { type: Schema.Types.ObjectId, required: true, index: true },
      competency: { type: String, required: true },
      level: { type: Number, required: true, min: 1, max: 5 },
      source: { type: String, enum: EVIDENCE_SOURCES, required: true },
      by: Schema.Types.ObjectId,
      at: { type: Date, required: true },
      message: { type: new Schema({ key: { type: String, required: true }, args: { type: Schema.Types.Mixed, default: {} } }, { _id: false, minimize: false }), required: true },
      key: { type: String, required: true, unique: true },
    },
    { ...opts, minimize: false },
  );
  // Append-only: every way mongoose offers to change or remove a document is refused.
  for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const) {
    evidence.pre(op, function refuse() {
      throw new AppendOnlyError();
    });
  }
  evidence.pre('save', function onlyNew() {
    if (!this.isNew) throw new AppendOnlyError();
  });
  const plan = new Schema<PlanDoc>(
    {
      userId: { type: Schema.Types.ObjectId, required: true },
      year: { type: Number, required: true },
      state: { type: String, enum: PLAN_STATES, required: true },
      items: {
        type: [{ _id: false, competency: String, from: Number, to: Number, courseId: Schema.Types.ObjectId, courseTitle: String, note: String }],
        default: [],
      },
      supervisorId: Schema.Types.ObjectId,
      unitId: Schema.Types.ObjectId,
      returnReason: String,
      decidedBy: Schema.Types.ObjectId,
      decidedAt: Date,
      submittedAt: Date,
      updatedAt: { type: Date, required: true },
    },
    opts,
  );
  plan.index({ userId: 1, year: 1 }, { unique: true });
  plan.index({ state: 1 });
  return {
    Position: conn.model<PositionDoc>('competency_positions', position, 'competency_positions'),
    Evidence: conn.model<EvidenceDoc>('competency_evidence', evidence, 'competency_evidence'),
    Plan: conn.model<PlanDoc>('competency_plans', plan, 'competency_plans'),
  };
}
