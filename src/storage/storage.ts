/**
 * The storage interface for files (lesson files, evidence, logos): put, get as a stream, stat,
 * delete, list. Keys are relative paths of safe segments (`activity-lesson/<id>/<file>`), never
 * user-chosen names, so no key can escape the store. The local store is the default; an
 * S3-compatible store is chosen by setting (ADR 0027, 0064).
 */
import type { Readable } from 'node:stream';
import { Errors } from '../kernel/errors';

export interface FileStat {
  key: string;
  size: number;
  modifiedAt: Date;
}

export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** The file's media type, kept by stores that keep one (S3); the local store ignores it. */
  contentType?: string;
}

export interface Storage {
  /**
   * Writes the whole file, atomically: a reader sees the old file or the new one, never half.
   * A stream that fails (e.g. a caller cutting an upload off at its size limit) leaves nothing.
   */
  put(key: string, data: Buffer | Readable, opts?: PutOptions): Promise<FileStat>;
  /** A stream of the file's bytes (or of bytes `start`..`end`, inclusive); a 404 BinaError when there is none. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<FileStat | undefined>;
  /** True when a file was removed. */
  delete(key: string): Promise<boolean>;
  /** Every file whose key starts with `prefix`, in key order. */
  list(prefix?: string): AsyncIterable<FileStat>;
  /** Lets go of connections (a remote store's sockets) at shutdown. */
  close?(): void;
}

/** Segments of letters, digits, `.`, `_`, `-` (not starting with `.`), joined by `/`. */
const KEY_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}$/;

export function assertKey(key: string): string {
  if (!KEY_RE.test(key)) throw Errors.badRequest(`Invalid storage key '${key}'`, { details: { key } });
  return key;
}

/** The same store seen under `<prefix>/`: what `ctx.storage` gives a plugin (prefix = its id). */
export function scopedStorage(store: Storage, prefix: string): Storage {
  assertKey(prefix);
  const full = (key: string) => `${prefix}/${assertKey(key)}`;
  const strip = (s: FileStat): FileStat => ({ ...s, key: s.key.slice(prefix.length + 1) });
  return {
    put: async (key, data, opts) => strip(await store.put(full(key), data, opts)),
    get: (key, range) => store.get(full(key), range),
    stat: async (key) => {
      const s = await store.stat(full(key));
      return s && strip(s);
    },
    delete: (key) => store.delete(full(key)),
    async *list(p = '') {
      for await (const s of store.list(`${prefix}/${p}`)) yield strip(s);
    },
  };
}
