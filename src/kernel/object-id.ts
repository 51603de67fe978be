/**
 * A MongoDB ObjectId as text (24 hex digits): the one schema every route and event payload uses
 * for ids, so a bad id is refused the same way (a 400 naming the field) wherever it comes in.
 */
import { z } from 'zod';

const OBJECT_ID = /^[a-f0-9]{24}$/i;

export const objectId = z.string().regex(OBJECT_ID, 'must be a 24-character hex id');

/** For ids outside a zod schema (form fields read by hand, cookie values). */
export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}
