/**
 * Builds the pure module's inputs from a test's final attempts (an exam's or a quiz's, through
 * the core's `AttemptReads`): one item per layout slot (`s1`…, the same position in every attempt
 * even when its question was drawn at random, as Moodle analyses random slots), marks from the graded results, and per-slot response summaries
 * for the option frequencies. Attempts still waiting for manual grades are left out, as Moodle
 * leaves out attempts without a sum of grades.
 */
import type { GradedAttemptRow, QuestionSummary } from '../../src/learning/attempts/attempt-reads';
import type { OptionFrequencyInput, ResponseValue } from './option-frequencies';
import { analyse, type ItemAnalysisInput, type ItemStatistics } from './statistics';

const slotNumber = (s: string) => Number(s.slice(1));

/**
 * A response class (as its question type names it: option ids joined by `+`, `true`, `answered`…)
 * in words: each option id by its text when the question lists its options.
 */
export function classLabel(responseClass: string | null, options: ReadonlyArray<{ id: string; text: string }> = []): ResponseValue {
  if (responseClass === null) return null;
  if (!options.length) return responseClass;
  const text = new Map(options.map((o) => [o.id, o.text]));
  const parts = responseClass.split('+');
  return parts.every((p) => text.has(p)) ? parts.map((p) => text.get(p)!).sort().join(' + ') : responseClass;
}

/**
 * The analysis inputs from the graded attempts (`AttemptReads.gradedAttempts`) and their
 * questions (`AttemptReads.questions`). A slot that drew one question for everyone gets
 * that question's random guess score; a slot that drew several gets none, as Moodle's random
 * slots (each question's own figures are in `slotDetails`).
 */
export function analysisInput(attempts: GradedAttemptRow[], questions: ReadonlyMap<string, QuestionSummary> = new Map()): { input: ItemAnalysisInput; frequencies: OptionFrequencyInput } {
  const maxBySlot = new Map<string, number>();
  const drawn = new Map<string, Set<string>>();
  for (const a of attempts) {
    for (const s of a.slots) {
      // A slot its type declares unscored (a description) is worth 0 whatever mark it was given: null statistics.
      maxBySlot.set(s.slot, Math.max(maxBySlot.get(s.slot) ?? 0, s.scored ? s.mark : 0));
      drawn.set(s.slot, (drawn.get(s.slot) ?? new Set()).add(s.questionId));
    }
  }
  const slots = [...maxBySlot.keys()].sort((x, y) => slotNumber(x) - slotNumber(y));
  const guess = (slot: string) => {
    const ids = [...(drawn.get(slot) ?? [])];
    return ids.length === 1 ? (questions.get(ids[0]!)?.randomGuessScore ?? null) : null;
  };
  return {
    input: {
      items: slots.map((slot) => ({ slot, maxMark: maxBySlot.get(slot)!, randomGuessScore: guess(slot) })),
      attempts: attempts.map((a) => {
        const score = new Map(a.slots.map((s) => [s.slot, s.score]));
        return { attemptId: a.attemptId, userId: a.userId, marks: slots.map((s) => score.get(s) ?? null) };
      }),
    },
    frequencies: {
      slots: slots.map((slot) => ({ slot })),
      attempts: attempts.map((a) => {
        // Each response's class as its question type names it (the read API), options by their text.
        const row = new Map(a.slots.map((s) => [s.slot, s]));
        return { responses: slots.map((s) => classLabel(row.get(s)?.responseClass ?? null, questions.get(row.get(s)?.questionId ?? '')?.options)) };
      }),
    },
  };
}

/** One question drawn in a slot that drew several: its own figures over the attempts that had it. */
export interface SubQuestionRow {
  questionId: string;
  name: string;
  stats: ItemStatistics;
}

/** How a report names a slot: its number, its question's name (one question) or how many it drew. */
export interface SlotDetail {
  slot: string;
  number: number;
  name: string | null;
  questionCount: number;
  sub: SubQuestionRow[];
}

/**
 * Names per slot and, for a slot that drew different questions per participant, each question's
 * figures (Moodle's sub-question rows): the same formulas over the attempts that drew it, the rest
 * of the test included, so its discrimination is against the same whole. A sub-question's
 * effective weight is not defined (Moodle's neither).
 */
export function slotDetails(attempts: GradedAttemptRow[], questions: ReadonlyMap<string, QuestionSummary>, input: ItemAnalysisInput): SlotDetail[] {
  return input.items.map((item, j) => {
    const slot = String(item.slot);
    const byQuestion = new Map<string, number[]>();
    attempts.forEach((a, i) => {
      const q = a.slots.find((s) => s.slot === slot)?.questionId;
      if (q) byQuestion.set(q, [...(byQuestion.get(q) ?? []), i]);
    });
    const ids = [...byQuestion.keys()];
    const name = ids.length === 1 ? (questions.get(ids[0]!)?.name ?? null) : null;
    const sub = ids.length < 2 ? [] : ids.map((questionId) => {
      const rows = byQuestion.get(questionId)!;
      const q = questions.get(questionId);
      const stats = analyse({ items: input.items.map((it, k) => (k === j ? { ...it, randomGuessScore: q?.randomGuessScore ?? null } : it)), attempts: rows.map((i) => input.attempts[i]!) }).items[j]!;
      return { questionId, name: q?.name ?? questionId, stats: { ...stats, effectiveWeight: null } };
    }).sort((x, y) => x.name.localeCompare(y.name));
    return { slot, number: slotNumber(slot), name, questionCount: ids.length, sub };
  });
}
