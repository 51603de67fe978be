/** Parses one part of a request against its schema; a mismatch is a 400 that names each field. */
import { z } from 'zod';
import { Errors } from '../kernel/errors';

export function parseInput<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (!schema) return value as T;
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
  return schema.extend(shape) as unknown as ReturnType<z.ZodObject<S>['partial']>;
}
