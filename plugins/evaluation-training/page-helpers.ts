/** What the plugin's form pages share: a refused action's reasons beside the fields it names. */
import { isBinaError } from '../../src/kernel/errors';

export type T = (key: string, args?: Record<string, unknown>) => string;
export type Errs = Record<string, string>;

/** The reason of a refused action, in the reader's language, on the fields it names. */
export function reasons(e: unknown, t: T): Errs {
  if (!isBinaError(e) || e.status >= 500) throw e;
  const out: Errs = {};
  const text = t(e.messageKey);
  const message = text && text !== e.messageKey ? text : e.message;
  const details = Array.isArray(e.details) ? (e.details as Array<{ path?: string; i18n?: string }>) : [];
  for (const d of details) if (d.path) out[String(d.path)] = d.i18n ? t(d.i18n) : message;
  out.form = message;
  return out;
}

export const one = (v: unknown): string => String((Array.isArray(v) ? v[0] : v) ?? '');

/** A form field that may come once or repeated, as a list. */
export const many = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
