/**
 * The plugin's settings with their types. The core has already checked them against plugin.json's
 * JSON Schema and filled the defaults; parsing them here once more gives them a type without a cast.
 */
import { z } from 'zod';
import { IKM_WEIGHTS, SKM_ELEMENTS } from './ikm';

const PERIOD_KINDS = ['year', 'semester', 'quarter', 'month'] as const;

export const skmSettingsSchema = z.object({
  weight: z.enum(IKM_WEIGHTS),
  minFillSeconds: z.number(),
  submitsPerMinute: z.number(),
  minRespondents: z.number(),
  period: z.enum(PERIOD_KINDS),
  profileKeepDays: z.number(),
  lowElementBelow: z.number(),
  elementCompetencies: z.partialRecord(z.enum(SKM_ELEMENTS), z.array(z.string())),
});
export type SkmPluginSettings = z.infer<typeof skmSettingsSchema>;
