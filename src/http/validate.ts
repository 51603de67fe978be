/** Parses one part of a request against its schema; a mismatch is a 400 that names each field. */
import { z } from 'zod';
import { Errors } from '../kernel/errors';

export function parseInput<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (!schema) return value as T;
  const nul = nulCharacterPath(value);
  if (nul !== null) throw Errors.validation(`Invalid ${where}`, { details: [{ in: where, path: nul, message: 'Text may not contain the NUL character (U+0000)' }] });
  const r = schema.safeParse(value);
  if (!r.success) {
    throw Errors.validation(`Invalid ${where}`, {
      details: r.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

/**
 * The body of a PATCH: every field optional and, unlike `.partial()`, without defaults. zod 4
 * applies a default even inside an optional, so a `.partial()` PATCH naming one field would reset
 * every other field to its default.
 */
export function patchSchema<S extends z.ZodRawShape>(schema: z.ZodObject<S>): ReturnType<z.ZodObject<S>['partial']> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
    shape[key] = (field instanceof z.ZodDefault ? (field.removeDefault() as z.ZodType) : field).optional();
  }
  // Cast kept: the shape is built at run time, so zod cannot infer it; it is `.partial()`'s shape without defaults.
  return schema.extend(shape) as unknown as ReturnType<z.ZodObject<S>['partial']>;
}

/**
 * The path of the first string holding U+0000, or null. PostgreSQL's jsonb cannot hold it, so on
 * the embedded default (FerretDB on PostgreSQL) any query or write carrying it fails with a
 * server error (found by the API fuzzer); no text a person types contains it, so it is refused
 * at the door, for every route, before its own schema.
 */
export function nulCharacterPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000')) return [...path, key].join('.');
    const found = nulCharacterPath(inner, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}
