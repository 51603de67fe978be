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
        // Each response's class as its question type names it (the exam's read API); no shape is guessed here.
        const response = new Map<string, ResponseValue>(a.slots.map((s) => [s.slot, s.responseClass]));
        return { responses: slots.map((s) => response.get(s) ?? null) };
      }),
    },
  };
}
