/**
 * Builds the pure module's inputs from an exam's final attempts: one item per blueprint slot
 * (`s1`…, the same position in every attempt even when its question was drawn at random, as
 * Moodle analyses random slots), marks from the graded results, and per-slot response summaries
 * for the option frequencies. Attempts still waiting for manual grades are left out, as Moodle
 * leaves out attempts without a sum of grades.
 */
import type { AttemptScope, GradedAttemptRow } from '../activity-exam/api';
import type { OptionFrequencyInput, ResponseValue } from './option-frequencies';
import type { ItemAnalysisInput } from './statistics';

export type Scope = AttemptScope;

const slotNumber = (s: string) => Number(s.slice(1));

/** A short, answer-free summary of one response (option ids, true/false, "answered"). */
export function summarise(r: unknown): ResponseValue {
  if (r === null || r === undefined) return null;
  const v = r as { selected?: string[]; value?: unknown; text?: string };
  if (Array.isArray(v.selected)) return v.selected.length ? [...v.selected].sort().join('+') : null;
  if (typeof v.value === 'boolean' || typeof v.value === 'number') return String(v.value);
  if (typeof v.text === 'string') return v.text.trim() ? 'answered' : null;
  return 'answered';
}

/** The analysis inputs from the exam's graded attempts (its read API, `ExamReads.gradedAttempts`). */
export function examAnalysisInput(attempts: GradedAttemptRow[]): { input: ItemAnalysisInput; frequencies: OptionFrequencyInput } {
  const maxBySlot = new Map<string, number>();
  for (const a of attempts) for (const s of a.slots) maxBySlot.set(s.slot, Math.max(maxBySlot.get(s.slot) ?? 0, s.mark));
  const slots = [...maxBySlot.keys()].sort((x, y) => slotNumber(x) - slotNumber(y));
  return {
    input: {
      items: slots.map((slot) => ({ slot, maxMark: maxBySlot.get(slot)! })),
      attempts: attempts.map((a) => {
        const score = new Map(a.slots.map((s) => [s.slot, s.score]));
        return { attemptId: a.attemptId, userId: a.userId, marks: slots.map((s) => score.get(s) ?? null) };
      }),
    },
    frequencies: {
      slots: slots.map((slot) => ({ slot })),
      attempts: attempts.map((a) => {
        const response = new Map(a.slots.map((s) => [s.slot, s.response]));
        return { responses: slots.map((s) => summarise(response.get(s))) };
      }),
    },
  };
}
