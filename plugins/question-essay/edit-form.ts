/**
 * The trainer's form for essays: word limits, a response template, and an optional rubric of
 * criteria, each with levels (label and points). Criteria are parallel rows `crit_*`; the levels of
 * criterion i are the rows `crit_<i>_lvl_*`. A criterion without a description and levels, and a
 * level without label and points, are blank rows and are dropped.
 */
import { randomItemId } from '../../src/learning/interchange/random-id';
import { fieldRows, fieldValue, formNumber, numberField, type EditFields } from '../../src/learning/question-edit-fields';
import type { EssayData } from './essay-type';

export const essayEditForm = {
  fromFields(fields: EditFields): unknown {
    const criteria = fieldRows(fields, 'crit', ['id', 'desc'] as const)
      .map((c, i) => ({
        c,
        levels: fieldRows(fields, `crit_${i}_lvl`, ['id', 'label', 'points'] as const)
          .filter((l) => l.label.trim() !== '' || l.points.trim() !== '')
          .map((l) => ({ id: l.id.trim() || randomItemId('l'), label: l.label.trim(), points: formNumber(l.points) ?? 0 })),
      }))
      .filter(({ c, levels }) => c.desc.trim() !== '' || levels.length > 0)
      .map(({ c, levels }) => ({ id: c.id.trim() || randomItemId('c'), description: c.desc.trim(), levels }));
    const minWords = formNumber(fieldValue(fields, 'es_min'));
    const maxWords = formNumber(fieldValue(fields, 'es_max'));
    const template = fieldValue(fields, 'es_template');
    return {
      ...(minWords !== undefined ? { minWords } : {}),
      ...(maxWords !== undefined ? { maxWords } : {}),
      ...(template.trim() ? { responseTemplate: template } : {}),
      ...(criteria.length ? { rubric: { criteria } } : {}),
    };
  },
  toFields(data: EssayData): Record<string, string | string[]> {
    const criteria = data.rubric?.criteria ?? [];
    const fields: Record<string, string | string[]> = {
      es_min: numberField(data.minWords), es_max: numberField(data.maxWords), es_template: data.responseTemplate ?? '',
      crit_id: criteria.map((c) => c.id), crit_desc: criteria.map((c) => c.description),
    };
    criteria.forEach((c, i) => {
      fields[`crit_${i}_lvl_id`] = c.levels.map((l) => l.id);
      fields[`crit_${i}_lvl_label`] = c.levels.map((l) => l.label);
      fields[`crit_${i}_lvl_points`] = c.levels.map((l) => String(l.points));
    });
    return fields;
  },
};
