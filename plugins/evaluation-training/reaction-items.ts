/**
 * Level 1 (reaction): the survey's items. A course or event asks its own list of agreement
 * statements on a 1–5 scale, then an open comment. Until its trainer or organiser changes the
 * list it asks the six defaults, written in the reader's language from the lang files; a
 * statement the trainer types is kept as written.
 *
 * Items never change once answered (ADR 0066): a default item's id is derived from its key, a
 * typed item is a document that is never edited, and a survey's form is only the list of item ids
 * it asks now. Editing the list makes new items for changed texts and keeps the ids of unchanged
 * ones, so a stored response's slots always name the statement that was answered.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { QuestionDoc } from '../../src/learning/learning-models';
import type { Layout } from '../../src/learning/attempts/layout';

export const REACTION_ITEMS = ['relevance', 'clarity', 'trainer', 'engagement', 'facilities', 'apply'] as const;
export type ReactionItem = (typeof REACTION_ITEMS)[number];
export const SCALE_LEVELS = ['1', '2', '3', '4', '5'] as const;
/** Most statements a survey may ask (a short survey gets answered). */
export const MAX_ITEMS = 12;

export function itemQuestionId(item: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`evaluation-training:reaction:${item}`).digest().subarray(0, 12));
}

const ITEM_BY_ID = new Map<string, ReactionItem>(REACTION_ITEMS.map((item) => [String(itemQuestionId(item)), item]));

/** The default item a question id names (undefined for a typed item). */
export function defaultItemOf(questionId: string | Types.ObjectId): ReactionItem | undefined {
  return ITEM_BY_ID.get(String(questionId));
}

/**
 * An item's key in the API and exports: the default's name (`relevance`) or the typed item's id.
 * A form's entry is the same: a default's name or a typed item's id.
 */
export function itemKey(questionId: string | Types.ObjectId): string {
  return defaultItemOf(questionId) ?? String(questionId);
}

/** The question id of a form entry (a default's name, or a typed item's id). */
export function entryQuestionId(entry: string): Types.ObjectId {
  return (REACTION_ITEMS as readonly string[]).includes(entry) ? itemQuestionId(entry) : new Types.ObjectId(entry);
}

export const DEFAULT_ENTRIES: string[] = [...REACTION_ITEMS];

/** The questionnaire for a form: one slot per entry, in order, worth no mark. */
export function reactionLayout(anonymous: boolean, entries: string[]): Layout {
  return { kind: 'questionnaire', anonymous, slots: entries.map((entry, i) => ({ slot: `s${i + 1}`, questionId: entryQuestionId(entry), mark: 0 })) };
}

/** Stands for the author and creation time of a statement made in memory, which has neither. */
const NO_AUTHOR = new Types.ObjectId('000000000000000000000000');
const NO_TIME = new Date(0);

/** A statement as a likert question version, for the attempt engine's `questions` reader (never stored). */
export function reactionQuestion(id: Types.ObjectId, statement: string, scaleLabel: (level: string) => string): QuestionDoc {
  const scale = SCALE_LEVELS.map((level) => ({ id: level, label: scaleLabel(level) }));
  return {
    _id: id, qid: `reaction-${String(id)}`, version: 1, latest: true, hidden: false, type: 'likert', name: itemKey(id),
    stem: statement, stemFormat: 'plain', defaultMark: 0, data: { scale }, tags: [], createdBy: NO_AUTHOR, createdAt: NO_TIME,
  };
}
