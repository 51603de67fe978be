/**
 * The plugin's settings with their types. The core has already checked them against plugin.json's
 * JSON Schema and filled the defaults; parsing them here once more gives them a type without a cast.
 */
import { z } from 'zod';

export const evaluationSettingsSchema = z.object({
  behaviourWeeks: z.number(),
  reminderDays: z.number(),
  minRespondents: z.number(),
  minSharePercent: z.number(),
});
