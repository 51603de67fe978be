/**
 * Reading and writing the fields of the trainer's question form. The bank pages read the common
 * fields with these; each question type's `editForm` (plugins/question-<type>/edit-form.ts) reads
 * and writes its own rows with them. They live apart from question-bank-pages.ts so that an edit
 * form depends on these few pure functions, not on the pages and the services behind them.
 *
 * Repeated rows arrive as parallel arrays (`opt_id`, `opt_text`, …: row i is the i-th value of
 * each), numbers as typed by a person (decimal comma or point), fractions as percentages.
 */

/** Posted form fields: a repeated name arrives as an array. */
export type EditFields = Record<string, string | string[] | undefined>;

/** Every value of a field, as a list (one value is a list of one, none an empty list). */
export function fieldList(fields: EditFields, key: string): string[] {
  const v = fields[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The last value of a field, or ''. A checkbox after its hidden "false" posts both: the last wins. */
export function fieldValue(fields: EditFields, key: string): string {
  const list = fieldList(fields, key);
  return list[list.length - 1] ?? '';
}

/** Rows of parallel arrays: row i holds the i-th value of every `<prefix>_<key>` ('' when missing). */
export function fieldRows<K extends string>(fields: EditFields, prefix: string, keys: readonly K[]): Array<Record<K, string>> {
  const cols = keys.map((k) => fieldList(fields, `${prefix}_${k}`));
  const n = Math.max(0, ...cols.map((c) => c.length));
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k, j) => [k, cols[j]![i] ?? ''])) as Record<K, string>);
}

/**
 * A number typed by a person: `3,5` and `3.5` are 3.5 (with both separators the last one is the
 * decimal one); '' is undefined; anything else NaN, which the type's schema then reports.
 */
export function formNumber(text: string): number | undefined {
  let s = text.trim().replace(/\s+/g, '').replace(/\u2212/g, '-');
  if (s === '') return undefined;
  const dot = s.lastIndexOf('.');
  const comma = s.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) s = dot > comma ? s.replace(/,/g, '') : s.replace(/\./g, '').replace(',', '.');
  else if (comma >= 0) s = s.replace(',', '.');
  const n = Number(s);
  return Number.isFinite(n) ? n : Number.NaN;
}

/**
 * A percentage field as a fraction (`50` → 0.5, '' → 0), kept to 7 decimals like Moodle. Not the
 * namesake in interchange/neutral-question.ts: that one reads a file's exact decimal and refuses a
 * comma; this one reads what a person typed.
 */
export function percentToFraction(text: string): number {
  const n = formNumber(text);
  return n === undefined ? 0 : Number.isNaN(n) ? n : Math.round(n * 1e5) / 1e7;
}

/** A fraction shown as a percentage (`0.3333333` → `33.33333`). */
export function fractionToPercent(fraction: number): string {
  return String(Math.round(fraction * 1e7) / 1e5);
}

/** A number for a form field ('' for undefined). */
export function numberField(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}
