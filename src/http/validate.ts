/** Parses one part of a request against its schema; a mismatch is a 400 that names each field. */
import type { z } from 'zod';
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
