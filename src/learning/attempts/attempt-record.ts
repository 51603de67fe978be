/**
 * What every attempt at a layout of questions holds, whatever activity owns it (quiz, exam,
 * questionnaire): the slots frozen at start, the seed of its shuffles, the answers with the
 * client's sequence numbers, per-slot results and manual grades. An activity's attempt model
 * spreads `attemptRecordFields` into its own schema and adds its policy fields (deadline,
 * sections, devices…); the engine reads and writes only the fields named here.
 *
 * Slot names (`s1`…) are generated, never user input, so they are safe as keys of `answers` and
 * `manual` (no '.' or '$' in keys on FerretDB).
 */
import { Schema, type Types } from 'mongoose';

/** One question of an attempt: its position name, the question version and what it is worth. */
export interface AttemptSlot {
  slot: string;
  questionId: Types.ObjectId;
  mark: number;
  /** The layout's section key, for layouts with sections (exams). */
  section?: string;
  /** The question's type id where the activity records it (exams since ADR 0053). */
  type?: string;
}

/** The latest response to one slot, with the client's sequence number and the server's time. */
export interface SavedAnswer {
  r: unknown;
  seq: number;
  at: Date;
  /** Provisional (auto-graded) score, kept only while a live board watches the activity. */
  p?: number;
}

export type SlotState = 'graded' | 'needs_manual' | 'blank';

export interface SlotResult {
  slot: string;
  section?: string;
  score: number;
  maxScore: number;
  state: SlotState;
  feedback: string[];
  /** True when the score came from a person (manual grading). */
  manual?: boolean;
}

/** A person's grade of one answer: points, or the rubric levels chosen (the type turns them into points). */
export interface ManualGrade {
  score: number;
  comment: string;
  rubric?: Record<string, string>;
  by: Types.ObjectId;
  at: Date;
}

/** The engine's part of an attempt document. */
export interface AttemptRecord {
  _id: Types.ObjectId;
  /** Null for an anonymous questionnaire: nothing in the attempt names its respondent. */
  userId?: Types.ObjectId | null;
  state: string;
  seed: number;
  slots: AttemptSlot[];
  answers: Record<string, SavedAnswer>;
  results: SlotResult[];
  manual?: Record<string, ManualGrade>;
  /** Slots the learner marked *ragu-ragu* (unsure), keyed like `answers`: a note for the grid, never graded. */
  flags?: Record<string, boolean>;
}

const slotResult = { _id: false, slot: String, section: String, score: Number, maxScore: Number, state: String, feedback: [String], manual: Boolean };

/** Mongoose fields of `AttemptRecord` (except `_id`, `userId` and `state`, which the owner declares with its own rules). */
export const attemptRecordFields = {
  seed: { type: Number, required: true },
  slots: { type: [{ _id: false, slot: String, section: String, questionId: Schema.Types.ObjectId, mark: Number }], required: true },
  answers: { type: Schema.Types.Mixed, default: {} },
  results: { type: [slotResult], default: [] },
  manual: { type: Schema.Types.Mixed, default: {} },
  flags: { type: Schema.Types.Mixed, default: undefined },
};
