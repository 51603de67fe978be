/**
 * Ordering (`ordering`): the learner puts items into the right sequence.
 *
 * Invariant: the learner view never shows the items in the correct order and its ids say nothing
 * about it. Items are authored in the correct order with stable ids; the schema refuses ids that
 * count up in that order (`i1, i2, i3`, `a, b, c`) because the view would then spell out the
 * answer; use `newOrderingItemId`. If a seed happens to shuffle into the correct order, the next
 * sub-seeds are tried and, failing those, the order is rotated by one, so the view is always a
 * different permutation. That is why at least 3 items are needed: with 2, "not the correct order"
 * would be the answer itself.
 *
 * Grading (`grading`, default `all_or_nothing`, the safe choice for certification exams):
 * - `all_or_nothing`: full marks for exactly the correct sequence, otherwise 0.
 * - `partial`: Moodle's "relative to the next item": each adjacent pair in the learner's sequence
 *   whose second item truly follows the first earns 1/(n−1), so one item misplaced at the end costs
 *   one pair rather than every absolute position after it.
 * A response that is not a permutation of the item ids earns 0; an empty one is `blank`.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import {
  allDistinct, blankResult, distinctIdListSchema, i18nIssue, idsCountUp, itemIdSchema, learnerView, randomLetterId, roundScore, textFormatSchema,
} from '../../src/learning/question-type-kit';
import { deriveSeed, seededShuffle } from '../../src/learning/seeded-shuffle';

const MIN_ITEMS = 3;
const MAX_ITEMS = 50;
const RESHUFFLE_TRIES = 8;

/** A fresh, unguessable item id for authoring and import, never ids that count up (see the schema). */
export const newOrderingItemId: () => string = randomLetterId;

const itemSchema = z.strictObject({
  id: itemIdSchema,
  text: z.string().trim().min(1).max(10_000),
  format: textFormatSchema.optional(),
});

export const orderingDataSchema = z
  .strictObject({
    /** In the correct order. */
    items: z.array(itemSchema).min(MIN_ITEMS).max(MAX_ITEMS),
    grading: z.enum(['all_or_nothing', 'partial']).default('all_or_nothing'),
  })
  .superRefine((data, ctx) => {
    const ids = data.items.map((i) => i.id);
    if (!allDistinct(ids)) ctx.addIssue({ code: 'custom', path: ['items'], ...i18nIssue('duplicate item id', 'question-ordering:errors.duplicateId') });
    // Two identical texts could be swapped invisibly and still be marked wrong.
    if (!allDistinct(data.items.map((i) => i.text))) {
      ctx.addIssue({ code: 'custom', path: ['items'], ...i18nIssue('duplicate item text', 'question-ordering:errors.duplicateText') });
    }
    if (idsCountUp(ids)) {
      ctx.addIssue({ code: 'custom', path: ['items'], ...i18nIssue('item ids count up in the correct order and would reveal it; use random ids', 'question-ordering:errors.idsCountUp') });
    }
  });
export type OrderingData = z.output<typeof orderingDataSchema>;

export const orderingResponseSchema = z.strictObject({
  order: distinctIdListSchema(MAX_ITEMS, i18nIssue('an item appears twice', 'question-ordering:errors.itemTwice')),
});
export type OrderingResponse = z.output<typeof orderingResponseSchema>;

function isPermutationOf(order: readonly string[], items: OrderingData['items']): boolean {
  const ids = new Set(items.map((i) => i.id));
  return order.length === ids.size && order.every((id) => ids.has(id));
}

function grade(question: Question<OrderingData>, response: OrderingResponse | undefined, maxScore: number): GradeResult {
  if (response === undefined || response.order.length === 0) return blankResult(maxScore);
  const { items, grading } = question.data;
  const order = response.order;
  if (!isPermutationOf(order, items)) {
    return { score: 0, maxScore, state: 'graded', feedback: [], parts: items.map((i) => ({ id: i.id, correct: null })) };
  }
  const next = new Map(items.map((item, i) => [item.id, items[i + 1]?.id]));
  let fraction: number;
  let parts: GradeResult['parts'];
  if (grading === 'partial') {
    const followedWell = new Map(order.map((id, i) => [id, i + 1 < order.length ? next.get(id) === order[i + 1] : null]));
    const good = [...followedWell.values()].filter((v) => v === true).length;
    fraction = good / (items.length - 1);
    parts = items.map((i) => ({ id: i.id, correct: followedWell.get(i.id) ?? null }));
  } else {
    parts = items.map((item, i) => ({ id: item.id, correct: order[i] === item.id }));
    fraction = parts.every((p) => p.correct) ? 1 : 0;
  }
  return { score: roundScore(fraction * maxScore), maxScore, state: 'graded', feedback: [], parts };
}

function inCorrectOrder(order: OrderingData['items'], items: OrderingData['items']): boolean {
  return order.every((item, i) => item.id === items[i]?.id);
}

function toLearnerView(question: Question<OrderingData>, seed: number): LearnerView {
  const items = question.data.items;
  let shown = seededShuffle(items, seed);
  for (let k = 1; k <= RESHUFFLE_TRIES && inCorrectOrder(shown, items); k++) shown = seededShuffle(items, deriveSeed(seed, k));
  if (inCorrectOrder(shown, items)) shown = [...items.slice(1), ...items.slice(0, 1)];
  return learnerView('ordering', question, {
    items: shown.map((i) => (i.format ? { id: i.id, text: i.text, format: i.format } : { id: i.id, text: i.text })),
  });
}

export const orderingType: QuestionType<OrderingData, OrderingResponse> = {
  id: 'ordering',
  dataSchema: orderingDataSchema,
  responseSchema: orderingResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  correctResponse: (question) => ({ order: question.data.items.map((i) => i.id) }),
  // Moodle's qtype_ordering keeps the base question type's estimate: 0.
  randomGuessScore: () => 0,
};
