/**
 * Builds the pure module's inputs from an exam's final attempts: one item per blueprint slot
 * (`s1`…, the same position in every attempt even when its question was drawn at random, as
 * Moodle analyses random slots), marks from the graded results, and per-slot response summaries
 * for the option frequencies. Attempts still waiting for manual grades are left out, as Moodle
 * leaves out attempts without a sum of grades.
 */
import type { Model } from 'mongoose';
import type { ExamAttemptDoc } from '../activity-exam/exam-models';
import type { OptionFrequencyInput, ResponseValue } from './option-frequencies';
import type { ItemAnalysisInput } from './statistics';

export type Scope = 'all' | 'first';

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

export async function examAnalysisInput(Attempt: Model<ExamAttemptDoc>, examId: string, scope: Scope): Promise<{ input: ItemAnalysisInput; frequencies: OptionFrequencyInput }> {
  const attempts = await Attempt.find({ examId, state: 'graded', ...(scope === 'first' ? { number: 1 } : {}) }, { userId: 1, slots: 1, results: 1, answers: 1 }).sort({ _id: 1 }).lean();
  const maxBySlot = new Map<string, number>();
  for (const a of attempts) for (const s of a.slots) maxBySlot.set(s.slot, Math.max(maxBySlot.get(s.slot) ?? 0, s.mark));
  const slots = [...maxBySlot.keys()].sort((x, y) => slotNumber(x) - slotNumber(y));
  return {
    input: {
      items: slots.map((slot) => ({ slot, maxMark: maxBySlot.get(slot)! })),
      attempts: attempts.map((a) => {
        const score = new Map(a.results.map((r) => [r.slot, r.score]));
        return { attemptId: String(a._id), userId: String(a.userId), marks: slots.map((s) => score.get(s) ?? null) };
      }),
    },
    frequencies: {
      slots: slots.map((slot) => ({ slot })),
      attempts: attempts.map((a) => ({ responses: slots.map((s) => summarise(a.answers?.[s]?.r)) })),
    },
  };
}
