/**
 * The trainer's form for multiple choice: mode (one answer, several answers, weighted points as in
 * BKN's TKP), options as parallel rows (hidden id, text, % or points, feedback, hidden format) and
 * shuffling. A row without text and feedback is a blank row and is dropped; a new row gets a
 * random id (never o1, o2…: the id pattern would hint at the key).
 */
import { randomItemId } from '../../src/learning/interchange/random-id';
import { fieldRows, fieldValue, formNumber, fractionToPercent, percentToFraction, type EditFields } from '../../src/learning/question-edit-fields';
import type { MultichoiceData } from './multichoice-type';

const OPTION_KEYS = ['id', 'text', 'value', 'feedback', 'format'] as const;

export const multichoiceEditForm = {
  fromFields(fields: EditFields): unknown {
    const mode = fieldValue(fields, 'mc_mode') || 'single';
    const shuffle = fieldValue(fields, 'mc_shuffle') !== 'false';
    const options = fieldRows(fields, 'opt', OPTION_KEYS)
      .filter((r) => r.text.trim() !== '' || r.feedback.trim() !== '')
      .map((r) => {
        const base = { id: r.id.trim() || randomItemId('o'), text: r.text.trim(), ...(r.format ? { format: r.format } : {}) };
        const feedback = r.feedback.trim() ? { feedback: r.feedback.trim() } : {};
        return mode === 'weighted' ? { ...base, points: formNumber(r.value) ?? 0, ...feedback } : { ...base, fraction: percentToFraction(r.value), ...feedback };
      });
    return mode === 'weighted' ? { mode: 'weighted', shuffle, options } : { mode: 'fraction', single: mode !== 'multiple', shuffle, options };
  },
  toFields(data: MultichoiceData): Record<string, string | string[]> {
    const options = data.options as ReadonlyArray<{ id: string; text: string; format?: string; fraction?: number; points?: number; feedback?: string }>;
    return {
      mc_mode: data.mode === 'weighted' ? 'weighted' : data.single ? 'single' : 'multiple',
      mc_shuffle: String(data.shuffle !== false),
      opt_id: options.map((o) => o.id),
      opt_text: options.map((o) => o.text),
      opt_value: options.map((o) => (data.mode === 'weighted' ? String(o.points ?? 0) : fractionToPercent(o.fraction ?? 0))),
      opt_feedback: options.map((o) => o.feedback ?? ''),
      opt_format: options.map((o) => o.format ?? ''),
    };
  },
};
