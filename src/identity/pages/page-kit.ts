/**
 * Small pieces the people, unit, import and profile pages share: the lenient form and query
 * schemas (a page re-renders what was typed instead of answering 400), and turning zod issues or
 * a service's validation error into reasons beside fields, in the reader's language.
 */
import { z } from 'zod';
import { BinaError } from '../../kernel/errors';
import type { KernelServices } from '../../host/kernel-services';
import type { Locale } from '../../views/i18n';
import { localize, localizedIssue, type IssueLike } from '../../views/zod-messages';

/** Any urlencoded form: names to strings or lists of strings. */
export const anyForm = z.record(z.string().max(120), z.union([z.string().max(5_000_000), z.array(z.string().max(2000)).max(50)]));
export const looseQuery = z.record(z.string().max(60), z.union([z.string().max(500), z.array(z.string().max(500)).max(10)]));

export type Form = Record<string, string | string[]>;

/** A form field as one string (the last one when repeated). */
export function one(form: Form, name: string): string {
  const v = form[name];
  return Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '');
}

export function many(form: Form, name: string): string[] {
  const v = form[name];
  return Array.isArray(v) ? v : v ? [v] : [];
}

/** field → reason, from zod issues. */
export function issueErrors(services: KernelServices, locale: Locale, issues: readonly IssueLike[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const field = String(i.path[0] ?? '_');
    out[field] ??= localizedIssue(services.translator, locale, i);
  }
  return out;
}

/** field → reason, from a service's validation or conflict error; undefined for any other error. */
export function serviceErrors(services: KernelServices, locale: Locale, e: unknown): Record<string, string> | undefined {
  if (!(e instanceof BinaError) || (e.status !== 400 && e.status !== 409)) return undefined;
  const out: Record<string, string> = {};
  const details = Array.isArray(e.details) ? (e.details as Array<{ path?: string | string[]; message: string; i18n?: string; args?: Record<string, unknown> }>) : [];
  for (const d of details) {
    const field = (Array.isArray(d.path) ? d.path[0] : d.path?.split('.')[0]) ?? '_';
    out[field] ??= localize(services.translator, locale, { message: d.message, i18n: d.i18n, args: d.args });
  }
  if (!details.length) out._ = e.message;
  return out;
}

/** The error list at the top of a form: each reason linked to its field. */
export function errorList(errors: Record<string, string>, label: (field: string) => string) {
  return Object.entries(errors).map(([field, message]) => ({ field, label: label(field), message }));
}
