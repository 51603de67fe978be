/**
 * A layout: the questions an attempt is made of, in blueprint order, before the attempt's seed
 * orders them. A quiz, an exam's drawn sections and a questionnaire are all layouts; what differs
 * is the activity's policy around them (deadlines, draws, pass rules), not the engine.
 *
 * `freezeSlots` is the only place an order is chosen: a seeded shuffle within each group of
 * slots that may move (the whole layout, or each section), so the review and a regrade rebuild
 * exactly the order the learner saw from the stored seed.
 */
import type { Types } from 'mongoose';
import { deriveSeed, seededShuffle } from '../seeded-shuffle';
import type { AttemptSlot } from './attempt-record';

export interface LayoutSection {
  key: string;
  /** Shuffle this section's slots per attempt. */
  shuffle: boolean;
}

export interface Layout {
  /**
   * `assessment`: scored questions with right answers (quiz, exam). `questionnaire`: items with no
   * right answer (Likert scales, open comments; issue 15's surveys). A questionnaire is never
   * graded for marks, never reviewed against keys, and its reads report response classes only.
   */
  kind: 'assessment' | 'questionnaire';
  /** In blueprint order; slot names are generated (`s1`…) and stable across attempts. */
  slots: Array<{ slot: string; questionId: Types.ObjectId; mark: number; section?: string }>;
  /** Sections in order; a layout without sections is one group. */
  sections?: LayoutSection[];
  /** Shuffle the whole layout (when it has no sections). */
  shuffle?: boolean;
  /** Questionnaire only: attempts do not record who answered (`userId` null). */
  anonymous?: boolean;
}

/** The attempt's slots in display order: sections keep their order, slots shuffle within them. */
export function freezeSlots(layout: Layout, seed: number): AttemptSlot[] {
  const copy = (s: Layout['slots'][number]): AttemptSlot => ({ slot: s.slot, questionId: s.questionId, mark: s.mark, ...(s.section !== undefined ? { section: s.section } : {}) });
  if (!layout.sections?.length) {
    const slots = layout.slots.map(copy);
    return layout.shuffle ? seededShuffle(slots, seed) : slots;
  }
  return layout.sections.flatMap((sec) => {
    const slots = layout.slots.filter((s) => s.section === sec.key).map(copy);
    return sec.shuffle ? seededShuffle(slots, deriveSeed(seed, `order:${sec.key}`)) : slots;
  });
}

/** The most an attempt at the layout can score. */
export function maxScoreOf(slots: ReadonlyArray<{ mark: number }>): number {
  return Math.round(slots.reduce((sum, s) => sum + s.mark, 0) * 1e6) / 1e6;
}
