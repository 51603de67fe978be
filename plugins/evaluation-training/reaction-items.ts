/**
 * Level 1 (reaction): the survey's items. Every course asks the same six statements on a 1–5
 * agreement scale (so cohorts and courses compare), then an open comment. The items are Likert
 * questions (question-likert) on the attempt engine's questionnaire layout; they live here, not
 * in a course's bank, and are built in the reader's language when read. Their ids are derived from
 * their keys, so a stored response's slots name the same item for ever.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { QuestionDoc } from '../../src/learning/learning-models';
import type { Layout } from '../../src/learning/attempts/layout';
import type { Locale } from '../../src/views/i18n';

export const REACTION_ITEMS = ['relevance', 'clarity', 'trainer', 'engagement', 'facilities', 'apply'] as const;
export type ReactionItem = (typeof REACTION_ITEMS)[number];
export const SCALE_LEVELS = ['1', '2', '3', '4', '5'] as const;

export function itemQuestionId(item: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`evaluation-training:reaction:${item}`).digest().subarray(0, 12));
}

const ITEM_BY_ID = new Map(REACTION_ITEMS.map((item) => [String(itemQuestionId(item)), item]));

/** The item a stored slot's question id names (undefined for an id this plugin never made). */
export function itemOf(questionId: string | Types.ObjectId): ReactionItem | undefined {
  return ITEM_BY_ID.get(String(questionId));
}

/** The questionnaire: one slot per item, in order, worth no mark. */
export function reactionLayout(anonymous: boolean): Layout {
  return { kind: 'questionnaire', anonymous, slots: REACTION_ITEMS.map((item, i) => ({ slot: `s${i + 1}`, questionId: itemQuestionId(item), mark: 0 })) };
}

/** The items as question versions in `locale`, for the engine's `questions` reader. */
export function reactionQuestions(t: (locale: Locale, key: string) => string, locale: Locale): Map<string, QuestionDoc> {
  const scale = SCALE_LEVELS.map((id) => ({ id, label: t(locale, `reaction.scale.${id}`) }));
  return new Map(REACTION_ITEMS.map((item) => {
    const _id = itemQuestionId(item);
    const doc = {
      _id, qid: `reaction-${item}`, version: 1, latest: true, hidden: false, type: 'likert', name: item,
      stem: t(locale, `reaction.item.${item}`), stemFormat: 'plain', defaultMark: 0, data: { scale }, tags: [],
    } as unknown as QuestionDoc;
    return [String(_id), doc];
  }));
}
