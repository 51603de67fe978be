/**
 * Responses stored before the SKM moved onto the attempt engine (schema version 1: one document
 * per respondent with fields u1…u9 in `survey-skm_responses`) are moved into attempts at start
 * (ADR 0059): each becomes an attempt with the same `_id`, then the old document is deleted. A
 * crash between the two leaves the old document, and the next start finds the attempt already
 * there (duplicate `_id`) and only deletes it; two processes starting at once do the same. Nothing
 * reads the old collection afterwards, so a response is never counted twice or lost.
 */
import { Schema, type Model, type Types } from 'mongoose';
import type { ProfileField } from './responses';
import { SCORE_FIELDS } from './responses';
import type { SkmResponses } from './skm-responses';

export interface LegacyResponseDoc {
  _id: Types.ObjectId;
  serviceUnitId: Types.ObjectId;
  period: string;
  u1: number; u2: number; u3: number; u4: number; u5: number; u6: number; u7: number; u8: number; u9: number;
  profile?: Partial<Record<ProfileField, string>>;
  submittedAt: Date;
  deviceHash: string;
}

export function legacyResponseSchema(): Schema<LegacyResponseDoc> {
  return new Schema<LegacyResponseDoc>({}, { strict: false, versionKey: false });
}

/** Moves every legacy response into an attempt; returns how many moved. Idempotent. */
export async function moveLegacyResponses(Legacy: Model<LegacyResponseDoc>, responses: SkmResponses): Promise<number> {
  let moved = 0;
  for await (const d of Legacy.find({}).lean().cursor()) {
    const scores = SCORE_FIELDS.map((f) => Number(d[f]));
    if (!scores.every((v) => Number.isInteger(v) && v >= 1 && v <= 4)) continue; // never stored by the form; left for a person to look at
    const profile = Object.fromEntries(Object.entries(d.profile ?? {}).filter(([, v]) => typeof v === 'string' && v !== '')) as Partial<Record<ProfileField, string>>;
    // The same _id: a second run (or a second process) hits the duplicate and only deletes.
    const r = await responses.record({ _id: d._id, serviceUnitId: String(d.serviceUnitId), period: d.period, scores, profile, deviceHash: d.deviceHash, at: d.submittedAt });
    if (r === 'stored') moved++;
    await Legacy.deleteOne({ _id: d._id });
  }
  return moved;
}
