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
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { deriveSeed, seededShuffle } from '../../src/learning/seeded-shuffle';

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'ids are 1–40 letters, digits, _ or -');
const textFormatSchema = z.enum(['moodle', 'html', 'markdown', 'plain']);

const MIN_ITEMS = 3;
const MAX_ITEMS = 50;
const RESHUFFLE_TRIES = 8;

/** A fresh, unguessable item id for authoring and import. Letters only (see `countsUp`). */
export function newOrderingItemId(): string {
  return Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('');
}

/** True when ids, in the given order, count up after a shared prefix (`i1, i2`, `x-b, x-c`). */
function countsUp(ids: readonly string[]): boolean {
  if (ids.length < 2) return false;
  let prefix = ids[0] ?? '';
  for (const id of ids) while (!id.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const rests = ids.map((id) => id.slice(prefix.length));
  if (rests.every((r) => /^\d+$/u.test(r))) return rests.every((r, i) => i === 0 || Number(r) > Number(rests[i - 1]));
  if (rests.every((r) => /^[A-Za-z]$/u.test(r))) return rests.every((r, i) => i === 0 || r.toLowerCase() > (rests[i - 1] ?? '').toLowerCase());
  return false;
}

const itemSchema = z.strictObject({
  id: idSchema,
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
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'duplicate item id', path: ['items'] });
    // Two identical texts could be swapped invisibly and still be marked wrong.
    if (new Set(data.items.map((i) => i.text)).size !== ids.length) {
      ctx.addIssue({ code: 'custom', message: 'duplicate item text', path: ['items'] });
    }
    if (countsUp(ids)) {
      ctx.addIssue({ code: 'custom', message: 'item ids count up in the correct order and would reveal it; use random ids', path: ['items'] });
    }
  });
export type OrderingData = z.output<typeof orderingDataSchema>;

export const orderingResponseSchema = z.strictObject({
  order: z
    .array(idSchema)
    .max(MAX_ITEMS)
    .refine((ids) => new Set(ids).size === ids.length, 'an item appears twice'),
});
export type OrderingResponse = z.output<typeof orderingResponseSchema>;

function isPermutationOf(order: readonly string[], items: OrderingData['items']): boolean {
  const ids = new Set(items.map((i) => i.id));
  return order.length === ids.size && order.every((id) => ids.has(id));
}

function grade(question: Question<OrderingData>, response: OrderingResponse | undefined, maxScore: number): GradeResult {
  if (response === undefined || response.order.length === 0) return { score: 0, maxScore, state: 'blank', feedback: [] };
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
  return { score: Math.round(fraction * maxScore * 1e7) / 1e7, maxScore, state: 'graded', feedback: [], parts };
}

function inCorrectOrder(order: OrderingData['items'], items: OrderingData['items']): boolean {
  return order.every((item, i) => item.id === items[i]?.id);
}

function toLearnerView(question: Question<OrderingData>, seed: number): LearnerView {
  const items = question.data.items;
  let shown = seededShuffle(items, seed);
  for (let k = 1; k <= RESHUFFLE_TRIES && inCorrectOrder(shown, items); k++) shown = seededShuffle(items, deriveSeed(seed, k));
  if (inCorrectOrder(shown, items)) shown = [...items.slice(1), ...items.slice(0, 1)];
  return {
    type: 'ordering',
    name: question.name,
    stem: question.stem,
    stemFormat: question.stemFormat,
    view: { items: shown.map((i) => (i.format ? { id: i.id, text: i.text, format: i.format } : { id: i.id, text: i.text })) },
  };
}

export const orderingType: QuestionType<OrderingData, OrderingResponse> = {
  id: 'ordering',
  dataSchema: orderingDataSchema,
  responseSchema: orderingResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  correctResponse: (question) => ({ order: question.data.items.map((i) => i.id) }),
};
