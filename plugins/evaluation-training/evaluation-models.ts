/**
 * The plugin's collections (`evaluation-training_<name>`):
 * - `course_settings`: per course, the pre-test and post-test pair (level 2) and whether the
 *   reaction survey is anonymous (level 1); `_id` is the course id.
 * - `offers`: one per learner and course (`_id` `<courseId>-<userId>`) or event
 *   (`event-<eventId>-<userId>`): the reaction survey was offered and whether it was answered. It
 *   is the only record that names the respondent, and it holds no time of answering, so nothing
 *   joins it to a response (ADR 0057).
 * - `responses`: the reaction answers as an attempt at a questionnaire layout (ADR 0037). An
 *   anonymous response holds no user id, no name, no session and no time of its own `_id`.
 * - `reaction_forms`: a course's or event's own list of statements (`_id` `course-<id>` or
 *   `event-<id>`); none means the six defaults (ADR 0066).
 * - `reaction_items`: the statements a trainer typed; never edited once made, so a response's
 *   slot always names what was answered (ADR 0066).
 * - `tasks`: level 3, one per learner and course (`_id` `<courseId>-<userId>`), for the rater.
 * - `skp_ratings`: level 4, one per NIP and period (`_id` `<nip>-<period>`).
 */
import { Schema, type Types } from 'mongoose';
import { attemptRecordFields, type AttemptRecord } from '../../src/learning/attempts/attempt-record';
import type { Expectation, SkpRating } from './skp-rating';

export interface CourseSettingsDoc {
  _id: Types.ObjectId;
  preActivityId?: Types.ObjectId;
  postActivityId?: Types.ObjectId;
  anonymous: boolean;
  updatedAt: Date;
}

export interface OfferDoc {
  _id: string;
  /** The course, or (for an event) none and `eventId`. */
  courseId?: Types.ObjectId;
  eventId?: Types.ObjectId;
  userId: Types.ObjectId;
  cohort: string;
  offeredAt: Date;
  answered: boolean;
  reminded: boolean;
}

export interface ResponseDoc extends AttemptRecord {
  courseId?: Types.ObjectId;
  eventId?: Types.ObjectId;
  cohort: string;
  comment: string;
}

export interface ReactionFormDoc {
  /** `course-<id>` or `event-<id>`. */
  _id: string;
  /** A default item's key (`relevance`) or a typed item's id, in order. */
  entries: string[];
  updatedAt: Date;
}

export interface ReactionItemDoc {
  _id: Types.ObjectId;
  /** The form it was typed for (`course-<id>`). */
  form: string;
  text: string;
  createdAt: Date;
}

export interface TaskDoc {
  _id: string;
  courseId: Types.ObjectId;
  userId: Types.ObjectId;
  raterId: Types.ObjectId;
  /** Who the rater is to the learner. */
  raterRole: 'supervisor' | 'mentor';
  targets: Array<{ code: string; level: number }>;
  state: 'open' | 'rated';
  createdAt: Date;
  reminded: boolean;
  ratings: Array<{ code: string; level: number }>;
  comment: string;
  ratedAt?: Date;
}

export interface SkpRatingDoc {
  _id: string;
  nip: string;
  /** The Bina person with this NIP at import time, when there is one. */
  userId?: Types.ObjectId;
  period: string;
  results: Expectation;
  behaviour: Expectation;
  rating: SkpRating;
  importedAt: Date;
}

export function courseSettingsSchema(): Schema<CourseSettingsDoc> {
  return new Schema<CourseSettingsDoc>({
    _id: { type: Schema.Types.ObjectId, required: true },
    preActivityId: Schema.Types.ObjectId,
    postActivityId: Schema.Types.ObjectId,
    anonymous: { type: Boolean, default: true },
    updatedAt: Date,
  }, { versionKey: false });
}

export function offerSchema(): Schema<OfferDoc> {
  const s = new Schema<OfferDoc>({
    _id: { type: String, required: true },
    courseId: Schema.Types.ObjectId,
    eventId: Schema.Types.ObjectId,
    userId: { type: Schema.Types.ObjectId, required: true },
    cohort: { type: String, required: true },
    offeredAt: { type: Date, required: true },
    answered: { type: Boolean, default: false },
    reminded: { type: Boolean, default: false },
  }, { versionKey: false });
  s.index({ courseId: 1, cohort: 1 });
  s.index({ eventId: 1 });
  s.index({ userId: 1 });
  return s;
}

export function responseSchema(): Schema<ResponseDoc> {
  const s = new Schema<ResponseDoc>({
    userId: { type: Schema.Types.ObjectId, default: null },
    state: { type: String, required: true },
    courseId: Schema.Types.ObjectId,
    eventId: Schema.Types.ObjectId,
    cohort: { type: String, required: true },
    comment: { type: String, default: '' },
    ...attemptRecordFields,
  }, { versionKey: false, minimize: false });
  s.index({ courseId: 1, cohort: 1 });
  s.index({ eventId: 1 });
  return s;
}

export function reactionFormSchema(): Schema<ReactionFormDoc> {
  return new Schema<ReactionFormDoc>({
    _id: { type: String, required: true },
    entries: { type: [String], default: [] },
    updatedAt: { type: Date, required: true },
  }, { versionKey: false });
}

export function reactionItemSchema(): Schema<ReactionItemDoc> {
  const s = new Schema<ReactionItemDoc>({
    form: { type: String, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
  }, { versionKey: false });
  s.index({ form: 1 });
  return s;
}

export function taskSchema(): Schema<TaskDoc> {
  const s = new Schema<TaskDoc>({
    _id: { type: String, required: true },
    courseId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    raterId: { type: Schema.Types.ObjectId, required: true },
    raterRole: { type: String, required: true },
    targets: { type: [{ _id: false, code: String, level: Number }], default: [] },
    state: { type: String, required: true },
    createdAt: { type: Date, required: true },
    reminded: { type: Boolean, default: false },
    ratings: { type: [{ _id: false, code: String, level: Number }], default: [] },
    comment: { type: String, default: '' },
    ratedAt: Date,
  }, { versionKey: false });
  s.index({ raterId: 1, state: 1 });
  s.index({ courseId: 1 });
  s.index({ userId: 1 });
  return s;
}

export function skpRatingSchema(): Schema<SkpRatingDoc> {
  const s = new Schema<SkpRatingDoc>({
    _id: { type: String, required: true },
    nip: { type: String, required: true },
    userId: Schema.Types.ObjectId,
    period: { type: String, required: true },
    results: { type: String, required: true },
    behaviour: { type: String, required: true },
    rating: { type: String, required: true },
    importedAt: { type: Date, required: true },
  }, { versionKey: false });
  s.index({ period: 1 });
  s.index({ userId: 1 });
  return s;
}
