/** Short random ids for options, pairs and items created by importers (no order leaks: not o1, o2…). */
import { randomBytes } from 'node:crypto';

export function randomItemId(prefix = 'i'): string {
  return `${prefix}${randomBytes(5).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/** `null`/empty feedback becomes an omitted field (the type schemas have no nulls). */
export function optionalText(v: string | null | undefined): string | undefined {
  return v === null || v === undefined || v === '' ? undefined : v;
}
