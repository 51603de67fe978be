/**
 * Response frequencies per slot, the counterpart of Moodle's per-question "response analysis":
 * how often each option (or response summary) was chosen. Pure: callers pass, per attempt and
 * per slot, the chosen option id / response summary, or null when the slot was not answered.
 *
 * - Options listed for a slot (e.g. every choice of a multiple-choice question) always appear, in
 *   their given order and with count 0 when nobody chose them: a distractor nobody picks is a
 *   finding in itself. Responses not in that list follow, most frequent first, ties by text.
 * - share = count / attempts, where attempts counts every attempt including the unanswered ones
 *   (reported separately as noResponse), so the shares plus noResponseShare add up to 1.
 * - fraction (the credit a response earns, 0..1) comes from the option list, else from the first
 *   response record that carried one; it is omitted when unknown.
 */
import type { Slot } from './statistics';

export type ResponseValue = string | { response: string; fraction?: number | null } | null | undefined;

export interface OptionFrequencyInput {
  slots: Array<{ slot: Slot; options?: Array<string | { response: string; fraction?: number | null }> }>;
  /** responses[j] answers slots[j]. */
  attempts: Array<{ responses: ResponseValue[] }>;
}

export interface ResponseFrequency {
  response: string;
  count: number;
  /** count / attempts (0..1); 0 when there are no attempts. */
  share: number;
  fraction?: number;
}

export interface SlotFrequencies {
  slot: Slot;
  attempts: number;
  noResponse: number;
  noResponseShare: number;
  responses: ResponseFrequency[];
}

interface Tally {
  count: number;
  fraction: number | undefined;
  listed: number; // position in the option list, or -1
}

export function optionFrequencies(input: OptionFrequencyInput): SlotFrequencies[] {
  const n = input.attempts.length;
  return input.slots.map((slotDef, j) => {
    // Map keeps first-seen order, but order is fixed explicitly below anyway.
    const tallies = new Map<string, Tally>();
    (slotDef.options ?? []).forEach((opt, pos) => {
      const response = typeof opt === 'string' ? opt : opt.response;
      const fraction = typeof opt === 'string' ? undefined : finiteOrUndefined(opt.fraction);
      if (!tallies.has(response)) tallies.set(response, { count: 0, fraction, listed: pos });
    });

    let noResponse = 0;
    for (const attempt of input.attempts) {
      const value = attempt.responses[j];
      if (value === null || value === undefined) {
        noResponse++;
        continue;
      }
      const response = typeof value === 'string' ? value : value.response;
      const fraction = typeof value === 'string' ? undefined : finiteOrUndefined(value.fraction);
      const t = tallies.get(response);
      if (t) {
        t.count++;
        if (t.fraction === undefined) t.fraction = fraction;
      } else tallies.set(response, { count: 1, fraction, listed: -1 });
    }

    const entries = [...tallies.entries()];
    entries.sort(([ra, a], [rb, b]) => {
      if (a.listed >= 0 || b.listed >= 0) {
        if (a.listed < 0) return 1;
        if (b.listed < 0) return -1;
        return a.listed - b.listed;
      }
      return b.count - a.count || (ra < rb ? -1 : ra > rb ? 1 : 0);
    });
    return {
      slot: slotDef.slot,
      attempts: n,
      noResponse,
      noResponseShare: n > 0 ? noResponse / n : 0,
      responses: entries.map(([response, t]) => {
        const row: ResponseFrequency = { response, count: t.count, share: n > 0 ? t.count / n : 0 };
        if (t.fraction !== undefined) row.fraction = t.fraction;
        return row;
      }),
    };
  });
}

function finiteOrUndefined(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
