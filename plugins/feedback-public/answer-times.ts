/**
 * Per unit: how long the first answer took, in working days (median), and the share of accepted
 * items answered within the unit's service standard. An unanswered item counts against the share
 * once its standard has passed, and not before (it may still be answered in time).
 */
import { workingDaysBetween } from './working-days';

export interface AnswerTimes {
  /** Accepted items (published or private). */
  accepted: number;
  answered: number;
  /** Median working days to the first answer; undefined when nothing is answered. */
  medianDays?: number;
  /** Percent (0–100, 1 decimal) answered within the standard of those answered or overdue; undefined when none is due. */
  withinStandardPct?: number;
  standardDays: number;
}

export function answerTimes(
  items: ReadonlyArray<{ submittedAt: Date; firstAnswerAt?: Date }>,
  opts: { standardDays: number; now: Date; timeZone: string; holidays: ReadonlySet<string> },
): AnswerTimes {
  const days: number[] = [];
  let due = 0;
  let within = 0;
  for (const it of items) {
    if (it.firstAnswerAt) {
      const d = workingDaysBetween(it.submittedAt, it.firstAnswerAt, opts.timeZone, opts.holidays);
      days.push(d);
      due++;
      if (d <= opts.standardDays) within++;
    } else if (workingDaysBetween(it.submittedAt, opts.now, opts.timeZone, opts.holidays) > opts.standardDays) {
      due++;
    }
  }
  days.sort((a, b) => a - b);
  const mid = days.length >> 1;
  const medianDays = days.length === 0 ? undefined : days.length % 2 ? days[mid]! : (days[mid - 1]! + days[mid]!) / 2;
  return {
    accepted: items.length,
    answered: days.length,
    medianDays,
    withinStandardPct: due === 0 ? undefined : Math.round((within / due) * 1000) / 10,
    standardDays: opts.standardDays,
  };
}
