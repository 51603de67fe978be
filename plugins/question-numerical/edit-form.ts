/**
 * The trainer's form for numerical questions. Each answer row is either a value with an optional
 * tolerance (stored as the interval value ± tolerance), or a min..max interval, or `*` in the value
 * for "any other answer"; then %, feedback. Units are rows of name and multiplier (the first is the
 * base unit, multiplier 1). Decimal commas are read as Indonesian authors write them.
 */
import { fieldRows, fieldValue, formNumber, fractionToPercent, numberField, percentToFraction, type EditFields } from '../../src/learning/question-edit-fields';
import type { NumericalData } from './numerical-type';

/** value ± tolerance in binary floating point gives 3.1500000000000004; the author wrote 3.15. */
const tidy = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(12)) : x);
const ANSWER_KEYS = ['value', 'tol', 'min', 'max', 'grade', 'feedback'] as const;

export const numericalEditForm = {
  fromFields(fields: EditFields): unknown {
    const answers = fieldRows(fields, 'nans', ANSWER_KEYS)
      .filter((r) => [r.value, r.min, r.max, r.feedback].some((v) => v.trim() !== ''))
      .map((r) => {
        const fraction = percentToFraction(r.grade);
        const feedback = r.feedback.trim() ? { feedback: r.feedback.trim() } : {};
        if (r.value.trim() === '*') return { any: true, fraction, ...feedback };
        if (r.min.trim() !== '' || r.max.trim() !== '') {
          const min = formNumber(r.min) ?? formNumber(r.max) ?? Number.NaN;
          const max = formNumber(r.max) ?? formNumber(r.min) ?? Number.NaN;
          return { min, max, fraction, ...feedback };
        }
        const value = formNumber(r.value) ?? Number.NaN;
        const tolerance = Math.abs(formNumber(r.tol) ?? 0);
        return { min: tidy(value - tolerance), max: tidy(value + tolerance), fraction, ...feedback };
      });
    const units = fieldRows(fields, 'unit', ['name', 'mult'] as const)
      .filter((r) => r.name.trim() !== '')
      .map((r) => ({ unit: r.name.trim(), multiplier: formNumber(r.mult) ?? 1 }));
    return { answers, ...(units.length ? { units } : {}), unitRequired: fieldValue(fields, 'num_unit_required') === 'true' };
  },
  toFields(data: NumericalData): Record<string, string | string[]> {
    const rows = data.answers.map((a) => {
      const common = { grade: fractionToPercent(a.fraction), feedback: a.feedback ?? '' };
      if ('any' in a) return { value: '*', tol: '', min: '', max: '', ...common };
      if (a.min === a.max) return { value: numberField(a.min), tol: '', min: '', max: '', ...common };
      return { value: '', tol: '', min: numberField(a.min), max: numberField(a.max), ...common };
    });
    const units = data.units ?? [];
    return {
      ...Object.fromEntries(ANSWER_KEYS.map((key) => [`nans_${key}`, rows.map((r) => r[key])])),
      unit_name: units.map((u) => u.unit),
      unit_mult: units.map((u) => String(u.multiplier)),
      num_unit_required: String(data.unitRequired === true),
    };
  },
};
