/**
 * The SKM as a questionnaire layout of the core attempt engine (ADR 0037, ADR 0059): nine Likert
 * items (question-likert), one per element of PermenPANRB 14/2017, on the scale `1`…`4`, in the
 * regulation's order, anonymous, never shuffled.
 *
 * The nine items are defined here, not in a question bank: their wording is the regulation's and
 * no one authors them. Their ids are fixed, so every stored response points at the same nine
 * question versions, and the engine's question loader is this module's map (no database read).
 * The page shows each element's wording in the reader's language from the plugin's strings; the
 * items' stems are the Indonesian wording, which is what a stored attempt refers to.
 */
import { Types } from 'mongoose';
import type { QuestionDoc } from '../../src/learning/learning-models';
import { freezeSlots, type Layout } from '../../src/learning/attempts/layout';
import type { AttemptSlot } from '../../src/learning/attempts/attempt-record';
import { SKM_ELEMENTS, type SkmElement } from './ikm';

/** The scale's level ids; a level's id is its score. */
export const SKM_LEVELS = ['1', '2', '3', '4'] as const;

/** Slot of element i (0-based): `s1`…`s9`, the same in every attempt. */
export const slotOf = (i: number) => `s${i + 1}`;

/** Fixed question ids ('skm' in hex, then the element's number). */
const questionIdOf = (i: number) => new Types.ObjectId(`736b6d${String(i + 1).padStart(18, '0')}`);

type Wording = (element: SkmElement) => { name: string; question: string; options: [string, string, string, string] };

/** The nine Likert items, by question id, from the regulation's (Indonesian) wording. */
export function skmQuestions(wording: Wording, createdAt = new Date(0)): Map<string, QuestionDoc> {
  const out = new Map<string, QuestionDoc>();
  SKM_ELEMENTS.forEach((e, i) => {
    const w = wording(e);
    const _id = questionIdOf(i);
    out.set(String(_id), {
      _id, qid: `survey-skm-${e}`, version: 1, latest: true, hidden: true, type: 'likert', name: `U${i + 1} ${w.name}`, stem: w.question, stemFormat: 'plain',
      defaultMark: 0, data: { scale: SKM_LEVELS.map((id, k) => ({ id, label: w.options[k]! })) }, tags: ['skm'], createdBy: new Types.ObjectId('000000000000000000000000'), createdAt,
    } as QuestionDoc);
  });
  return out;
}

export const SKM_LAYOUT: Layout = {
  kind: 'questionnaire',
  anonymous: true,
  shuffle: false,
  slots: SKM_ELEMENTS.map((_, i) => ({ slot: slotOf(i), questionId: questionIdOf(i), mark: 0 })),
};

/** Every SKM attempt's slots (the layout is never shuffled, so the seed changes nothing). */
export const skmSlots = (): AttemptSlot[] => freezeSlots(SKM_LAYOUT, 0);
