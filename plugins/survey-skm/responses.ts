/**
 * SKM responses, one document per respondent: nine scores (u1…u9, 1–4) and the optional profile.
 *
 * TO MOVE: the surveys are to be built on the core attempt engine's questionnaire layout
 * (src/learning/attempts/, issue 12) with the Likert question type as a plugin. The engine had not
 * landed when this was written, so the storage is this one minimal collection; moving it means
 * writing each response as a submitted attempt and reading the totals from there. Nothing outside
 * this file and report-data.ts reads it.
 *
 * One response per device per unit and period: `deviceHash` is the public-form guard's keyed hash
 * of the device cookie for that scope, under a unique index. No response carries a person's identity.
 */
import { Schema, Types } from 'mongoose';

export const AGE_BANDS = ['lt20', '20-29', '30-39', '40-49', '50-59', 'ge60'] as const;
export const SEXES = ['m', 'f'] as const;
export const EDUCATION = ['sd', 'smp', 'sma', 'diploma', 's1', 's2', 's3'] as const;
export const OCCUPATIONS = ['asn', 'tni-polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'] as const;
export const PROFILE_FIELDS = { ageBand: AGE_BANDS, sex: SEXES, education: EDUCATION, occupation: OCCUPATIONS } as const;
export type ProfileField = keyof typeof PROFILE_FIELDS;

export interface ResponseDoc {
  _id: Types.ObjectId;
  serviceUnitId: Types.ObjectId;
  period: string;
  u1: number; u2: number; u3: number; u4: number; u5: number; u6: number; u7: number; u8: number; u9: number;
  profile?: Partial<Record<ProfileField, string>>;
  submittedAt: Date;
  deviceHash: string;
}

export const SCORE_FIELDS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] as const;

export function responseSchema(): Schema<ResponseDoc> {
  const score = { type: Number, required: true, min: 1, max: 4 };
  const s = new Schema<ResponseDoc>(
    {
      serviceUnitId: { type: Schema.Types.ObjectId, required: true },
      period: { type: String, required: true },
      u1: score, u2: score, u3: score, u4: score, u5: score, u6: score, u7: score, u8: score, u9: score,
      profile: { ageBand: String, sex: String, education: String, occupation: String },
      submittedAt: { type: Date, required: true },
      deviceHash: { type: String, required: true },
    },
    { versionKey: false },
  );
  s.index({ serviceUnitId: 1, period: 1, deviceHash: 1 }, { unique: true });
  return s;
}
