/**
 * The trainer's form for ordering: item rows with a position number (the correct order; a row
 * without a number goes last, in the order written) and the grading rule. Item ids travel in
 * hidden fields; a new item gets a random id from `newOrderingItemId`, never one that counts up.
 */
import { fieldRows, fieldValue, formNumber, type EditFields } from '../../src/learning/question-edit-fields';
import { newOrderingItemId, type OrderingData } from './ordering-type';

export const orderingEditForm = {
  fromFields(fields: EditFields): unknown {
    const items = fieldRows(fields, 'item', ['id', 'text', 'pos', 'format'] as const)
      .map((r, index) => ({ r, index, pos: formNumber(r.pos) }))
      .filter(({ r }) => r.text.trim() !== '')
      .sort((a, b) => (a.pos !== undefined && !Number.isNaN(a.pos) ? a.pos : Infinity) - (b.pos !== undefined && !Number.isNaN(b.pos) ? b.pos : Infinity) || a.index - b.index)
      .map(({ r }) => ({ id: r.id.trim() || newOrderingItemId(), text: r.text.trim(), ...(r.format ? { format: r.format } : {}) }));
    return { items, grading: fieldValue(fields, 'ord_grading') || 'all_or_nothing' };
  },
  toFields(data: OrderingData): Record<string, string | string[]> {
    return {
      ord_grading: data.grading,
      item_id: data.items.map((i) => i.id),
      item_text: data.items.map((i) => i.text),
      item_pos: data.items.map((_, n) => String(n + 1)),
      item_format: data.items.map((i) => i.format ?? ''),
    };
  },
};
