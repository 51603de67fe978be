/**
 * Files on the local disk under one root folder (`<BINA_DATA_DIR>/files` by default). A put
 * writes a temporary file beside the target and renames it, so readers and the backup never see a
 * half-written file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Errors } from '../kernel/errors';
import { assertKey, type ByteRange, type FileStat, type Storage } from './storage';

const TMP_PREFIX = '.tmp-';

export class LocalStorage implements Storage {
  constructor(readonly root: string) {}

  private path(key: string): string {
    return join(this.root, ...assertKey(key).split('/'));
  }

  async put(key: string, data: Buffer | Readable): Promise<FileStat> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `${TMP_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, createWriteStream(tmp, { flags: 'wx' }));
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return (await this.stat(key))!;
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.path(key);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) throw Errors.notFound('File not found', { details: { key } });
    return createReadStream(path, range);
  }

  async stat(key: string): Promise<FileStat | undefined> {
    const s = await stat(this.path(key)).catch(() => undefined);
    return s?.isFile() ? { key, size: s.size, modifiedAt: s.mtime } : undefined;
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.path(key));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async *list(prefix = ''): AsyncIterable<FileStat> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    const keys = entries
      .filter((d) => d.isFile() && !d.name.startsWith(TMP_PREFIX))
      .map((d) => relative(this.root, join(d.parentPath, d.name)).split(sep).join('/'))
      .filter((k) => k.startsWith(prefix))
      .sort();
    for (const key of keys) {
      const s = await this.stat(key);
      if (s) yield s;
    }
  }
}
