/**
 * SKM responses, one submitted attempt per respondent at the SKM questionnaire layout
 * (skm-questionnaire.ts) of the core attempt engine (ADR 0037, ADR 0059): the engine's fields
 * (slots, answers `s1`…`s9` as Likert levels `1`…`4`) plus the unit, the period, the optional
 * profile and the device hash. There is no `userId` field at all: no response names a person.
 *
 * One response per device per unit and period: `deviceHash` is the public-form guard's keyed hash
 * of the device cookie for that scope, under a unique index. Nothing outside this plugin reads
 * these documents; the report and the loop read them through the engine (report-data.ts).
 */
import { Schema, Types } from 'mongoose';
import { attemptRecordFields, type AttemptRecord } from '../../src/learning/attempts/attempt-record';

export const AGE_BANDS = ['lt20', '20-29', '30-39', '40-49', '50-59', 'ge60'] as const;
export const SEXES = ['m', 'f'] as const;
export const EDUCATION = ['sd', 'smp', 'sma', 'diploma', 's1', 's2', 's3'] as const;
export const OCCUPATIONS = ['asn', 'tni-polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'] as const;
export const PROFILE_FIELDS = { ageBand: AGE_BANDS, sex: SEXES, education: EDUCATION, occupation: OCCUPATIONS } as const;
export type ProfileField = keyof typeof PROFILE_FIELDS;

/** The form's field names of the nine elements (u1…u9, as the regulation numbers them). */
export const SCORE_FIELDS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] as const;

export interface SkmAttemptDoc extends AttemptRecord {
  /** Never stored (the engine reads a missing one as anonymous). */
  userId?: null;
  state: 'submitted';
  serviceUnitId: Types.ObjectId;
  period: string;
  profile?: Partial<Record<ProfileField, string>>;
  submittedAt: Date;
  deviceHash: string;
}

export function skmAttemptSchema(): Schema<SkmAttemptDoc> {
  const s = new Schema<SkmAttemptDoc>(
    {
      state: { type: String, required: true, enum: ['submitted'] },
      ...attemptRecordFields,
      serviceUnitId: { type: Schema.Types.ObjectId, required: true },
      period: { type: String, required: true },
      profile: { type: { _id: false, ageBand: String, sex: String, education: String, occupation: String }, default: undefined },
      submittedAt: { type: Date, required: true },
      deviceHash: { type: String, required: true },
    },
    { versionKey: false, minimize: true },
  );
  s.index({ serviceUnitId: 1, period: 1, deviceHash: 1 }, { unique: true });
  return s;
}
