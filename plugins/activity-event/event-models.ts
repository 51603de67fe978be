/**
 * Events and their records. Exactly-once by unique keys (no transactions on FerretDB 1.x):
 * - a seat is a document keyed (eventId, seat) with seat in 1..capacity, and (eventId, userId):
 *   capacity holds because there are only `capacity` seat numbers, and a person holds one seat;
 * - a registration is keyed (eventId, userId): its order (`at`) is the waiting list's order;
 * - attendance is keyed (eventId, sessionKey, userId).
 */
import { Schema, type Types } from 'mongoose';

export interface ProviderDoc {
  _id: Types.ObjectId;
  name: string;
  kind: 'unit' | 'external';
  unitId?: Types.ObjectId;
  staffIds: Types.ObjectId[];
  createdAt: Date;
}

export interface EventSessionDoc {
  key: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  link: string;
}

export const EVENT_KINDS = ['seminar', 'workshop', 'bimtek', 'sosialisasi', 'kursus', 'pelatihan'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface EventDoc {
  _id: Types.ObjectId;
  providerId: Types.ObjectId;
  title: string;
  description: string;
  kind: EventKind;
  jp: number;
  competencies: string[];
  capacity: number;
  restrictUnitIds: Types.ObjectId[];
  restrictPositionTypes: string[];
  /** Share of sessions a participant must attend for JP and the certificate, in percent. */
  minAttendancePct: number;
  sessions: EventSessionDoc[];
  published: boolean;
  /** The certificate-openbadges achievement of its attendance certificate, made at the first one. */
  achievementId?: string;
  /** A time or place change whose notices are not all sent yet (schedule-change.ts): saved with the change, cleared by its job. */
  scheduleChange?: { id: string; at: Date };
  createdBy: Types.ObjectId;
  createdAt: Date;
}

export interface RegistrationDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  userId: Types.ObjectId;
  at: Date;
  cancelled: boolean;
}

export interface SeatDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  seat: number;
  userId: Types.ObjectId;
  at: Date;
}

export interface AttendanceDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  sessionKey: string;
  userId: Types.ObjectId;
  method: 'qr' | 'manual';
  by?: Types.ObjectId;
  at: Date;
}

export interface SecretDoc {
  _id: string;
  value: string;
}

const opts = { versionKey: false } as const;
const oid = { type: Schema.Types.ObjectId, required: true } as const;

export function providerSchema() {
  return new Schema<ProviderDoc>({
    name: { type: String, required: true }, kind: { type: String, enum: ['unit', 'external'], required: true }, unitId: Schema.Types.ObjectId,
    staffIds: { type: [Schema.Types.ObjectId], default: [], index: true }, createdAt: { type: Date, required: true },
  }, opts);
}

export function eventSchema() {
  return new Schema<EventDoc>({
    providerId: { ...oid, index: true }, title: { type: String, required: true }, description: { type: String, default: '' },
    kind: { type: String, enum: EVENT_KINDS, required: true }, jp: { type: Number, required: true, min: 0 }, competencies: { type: [String], default: [] },
    capacity: { type: Number, required: true, min: 1 }, restrictUnitIds: { type: [Schema.Types.ObjectId], default: [] }, restrictPositionTypes: { type: [String], default: [] },
    minAttendancePct: { type: Number, default: 100 },
    sessions: { type: [{ _id: false, key: String, startsAt: Date, endsAt: Date, place: String, link: String }], default: [] },
    published: { type: Boolean, default: false }, achievementId: String, createdBy: oid, createdAt: { type: Date, required: true },
    scheduleChange: { type: new Schema({ id: String, at: Date }, { _id: false }), default: undefined },
  }, opts).index({ 'scheduleChange.at': 1 });
}

export function registrationSchema() {
  const s = new Schema<RegistrationDoc>({ eventId: oid, userId: { ...oid, index: true }, at: { type: Date, required: true }, cancelled: { type: Boolean, default: false } }, opts);
  s.index({ eventId: 1, userId: 1 }, { unique: true });
  return s;
}

export function seatSchema() {
  const s = new Schema<SeatDoc>({ eventId: oid, seat: { type: Number, required: true }, userId: oid, at: { type: Date, required: true } }, opts);
  s.index({ eventId: 1, seat: 1 }, { unique: true });
  s.index({ eventId: 1, userId: 1 }, { unique: true });
  return s;
}

export function attendanceSchema() {
  const s = new Schema<AttendanceDoc>({ eventId: oid, sessionKey: { type: String, required: true }, userId: { ...oid, index: true }, method: { type: String, enum: ['qr', 'manual'], required: true }, by: Schema.Types.ObjectId, at: { type: Date, required: true } }, opts);
  s.index({ eventId: 1, sessionKey: 1, userId: 1 }, { unique: true });
  return s;
}

export function secretSchema() {
  return new Schema<SecretDoc>({ _id: { type: String, required: true }, value: { type: String, required: true } }, opts);
}
