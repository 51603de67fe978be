/**
 * Reads a backup file back: `verifyBackup` decrypts and checks every entry against the manifest
 * (sha256, size, document counts) without writing anything; `restoreBackup` verifies first, checks
 * that the code can read it (no newer schema) and that the target is empty (or `force`), and only
 * then writes the collections with their indexes, the files and the secrets, and counts again.
 *
 * A wrong passphrase fails on the file's header; an edited or truncated file fails age's
 * authentication of a payload chunk (or, for a file re-encrypted after an edit, an entry's sha256):
 * in every case before anything is written.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import tar from 'tar-stream';
import { Decrypter } from 'age-encryption';
import type { Storage } from '../storage/storage';
import { CORE_SCHEMA_VERSION, MANIFEST_ENTRY, asNodeWebStream, backupError, manifestSchema, type BackupManifest } from './backup-format';
import { countDocuments, documents } from './bson-parts';
import type { PluginBackupRecord } from './plugin-backup';

const { MongoClient, BSON } = mongoose.mongo;

/** age encrypts the payload in chunks of 64 KiB, each with its own Poly1305 tag. */
const AGE_CHUNK = 64 * 1024;

interface Entry {
  name: string;
  size: number;
  stream: AsyncIterable<Buffer>;
}

/** Decrypts and walks the tar, calling `onEntry` for each entry; maps failures to coded errors. */
async function walk(file: string, passphrase: string, onEntry: (e: Entry) => Promise<void>): Promise<void> {
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  let plain: ReadableStream<Uint8Array>;
  try {
    plain = await d.decrypt(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>);
  } catch (e) {
    const msg = (e as Error).message;
    if (/no identity matched|incorrect|passphrase/i.test(msg)) throw backupError('BINA_ERR_BACKUP_PASSPHRASE', 'Wrong passphrase for this backup (or the file is not a Bina backup); nothing was written');
    throw backupError('BINA_ERR_BACKUP_DAMAGED', `The file is not a readable age-encrypted backup (${msg}); nothing was written`);
  }
  let bytes = 0;
  const counted = async function* () {
    for await (const c of Readable.fromWeb(asNodeWebStream(plain)) as AsyncIterable<Buffer>) {
      bytes += c.length;
      yield c;
    }
  };
  const extract = tar.extract();
  const feeding = (async () => {
    try {
      for await (const c of counted()) if (!extract.write(c)) await new Promise<void>((r) => extract.once('drain', () => r()));
      extract.end(undefined);
    } catch (e) {
      extract.destroy(e as Error);
    }
  })();
  try {
    for await (const entry of extract) {
      // Cast kept: tar-stream declares an entry's chunks unknown; they are Buffers (no encoding is set).
      await onEntry({ name: entry.header.name, size: entry.header.size ?? 0, stream: entry as unknown as AsyncIterable<Buffer> });
      // Drain whatever onEntry did not read.
      for await (const _ of entry) void _;
    }
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('BINA_ERR_')) throw e;
    const msg = (e as Error).message;
    const chunk = Math.floor(bytes / AGE_CHUNK);
    throw backupError(
      'BINA_ERR_BACKUP_DAMAGED',
      /invalid tag|unexpected|truncat|last chunk|end/i.test(msg)
        ? `The file is damaged, truncated or was changed: the age authentication tag (Poly1305) of payload chunk ${chunk} (at ${bytes} bytes of content) does not match; nothing was written`
        : `The file could not be read at ${bytes} bytes of content (${msg}); nothing was written`,
      { chunk, bytes },
    );
  } finally {
    await feeding;
  }
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

export interface VerifyReport {
  manifest: BackupManifest;
  entries: number;
  documents: number;
}

/** Decrypts the whole file and checks it against its manifest; writes nothing. */
export async function verifyBackup(file: string, passphrase: string): Promise<VerifyReport> {
  const seen = new Map<string, { size: number; sha256: string }>();
  const docs = new Map<string, number>();
  let manifest: BackupManifest | undefined;
  await walk(file, passphrase, async (e) => {
    if (manifest) throw backupError('BINA_ERR_BACKUP_CHECKSUM', `Entry ${e.name} comes after the manifest; the file was changed`);
    const hash = createHash('sha256');
    let size = 0;
    if (e.name === MANIFEST_ENTRY) {
      const parsed = manifestSchema.safeParse(JSON.parse((await readAll(e.stream)).toString('utf8')));
      if (!parsed.success) throw backupError('BINA_ERR_BACKUP_DAMAGED', 'The manifest is not a Bina backup manifest');
      manifest = parsed.data;
      return;
    }
    const part = /^collections\/(.+)\/\d{6}\.bson$/.exec(e.name);
    if (part) {
      const buf = await readAll(e.stream);
      hash.update(buf);
      size = buf.length;
      docs.set(part[1]!, (docs.get(part[1]!) ?? 0) + countDocuments(buf));
    } else {
      for await (const c of e.stream) {
        hash.update(c);
        size += c.length;
      }
    }
    seen.set(e.name, { size, sha256: hash.digest('hex') });
  });
  if (!manifest) throw backupError('BINA_ERR_BACKUP_DAMAGED', 'The file ends before its manifest (truncated); nothing was written');
  for (const want of manifest.entries) {
    const got = seen.get(want.name);
    if (!got) throw backupError('BINA_ERR_BACKUP_CHECKSUM', `Entry ${want.name} is listed in the manifest but missing from the file`, { entry: want.name });
    if (got.sha256 !== want.sha256 || got.size !== want.size) {
      throw backupError('BINA_ERR_BACKUP_CHECKSUM', `Checksum failed: sha256 of ${want.name} is ${got.sha256} (${got.size} bytes), the manifest says ${want.sha256} (${want.size} bytes)`, { entry: want.name });
    }
    seen.delete(want.name);
  }
  const extra = [...seen.keys()];
  if (extra.length) throw backupError('BINA_ERR_BACKUP_CHECKSUM', `Entries not in the manifest: ${extra.slice(0, 3).join(', ')}`, { entry: extra[0] });
  let total = 0;
  for (const c of manifest.collections) {
    const n = docs.get(c.name) ?? 0;
    total += n;
    if (n !== c.documents) throw backupError('BINA_ERR_BACKUP_COUNT_MISMATCH', `Collection ${c.name} holds ${n} documents in the file, the manifest says ${c.documents}`);
  }
  return { manifest, entries: manifest.entries.length, documents: total };
}

export interface RestoreTarget {
  mongoUri: string;
  storage: Storage;
  /** The plugins of the code that restores (their schemaVersion must not be older than the file's). */
  plugins: PluginBackupRecord[];
  pluginSettings: Record<string, Record<string, unknown>>;
}

export interface RestoreReport {
  manifest: BackupManifest;
  verified: { entries: number; documents: number };
  collections: Array<{ name: string; expected: number; restored: number; indexes: number }>;
  files: { count: number; bytes: number };
  secrets: Array<{ plugin: string; name: string; path: string }>;
  warnings: string[];
}

/** Refuses data from a newer schema than this code knows. */
export function checkSchema(manifest: BackupManifest, plugins: PluginBackupRecord[]): string[] {
  const newer: string[] = [];
  if (manifest.coreSchemaVersion > CORE_SCHEMA_VERSION) newer.push(`core schema ${manifest.coreSchemaVersion} (this code: ${CORE_SCHEMA_VERSION})`);
  const warnings: string[] = [];
  for (const p of manifest.plugins) {
    const mine = plugins.find((x) => x.id === p.id);
    if (!mine) warnings.push(`plugin ${p.id} is not installed here; its data is restored but unused`);
    else if (p.schemaVersion > mine.schemaVersion) newer.push(`${p.id} schema ${p.schemaVersion} (this code: ${mine.schemaVersion})`);
  }
  if (newer.length) throw backupError('BINA_ERR_BACKUP_NEWER_SCHEMA', `The backup is from a newer Bina (${manifest.binaVersion}): ${newer.join('; ')}. Upgrade Bina first; nothing was written`, { newer });
  return warnings;
}

export async function restoreBackup(file: string, passphrase: string, target: RestoreTarget, opts: { force?: boolean; onProgress?: (line: string) => void } = {}): Promise<RestoreReport> {
  const say = opts.onProgress ?? (() => undefined);
  const verified = await verifyBackup(file, passphrase);
  const { manifest } = verified;
  say(`verified: ${verified.entries} entries, ${verified.documents} documents, checksums match`);
  const warnings = checkSchema(manifest, target.plugins);

  const secretPaths = new Map<string, string>();
  for (const s of manifest.secrets) {
    const p = target.plugins.find((x) => x.id === s.plugin);
    const path = p?.backup?.secretFiles?.(target.pluginSettings[s.plugin] ?? {}).find((x) => x.name === s.name)?.path;
    if (path) secretPaths.set(`${s.plugin}/${s.name}`, path);
    else warnings.push(`secret ${s.plugin}/${s.name} has no place on this install; not restored`);
  }

  const client = new MongoClient(target.mongoUri, { serverSelectionTimeoutMS: 15_000 });
  try {
    await client.connect();
    const db = client.db();
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name as string));
    if (!opts.force) {
      const occupied: string[] = [];
      for (const name of existing) if (!name.startsWith('system.') && (await db.collection(name).estimatedDocumentCount()) > 0) occupied.push(`collection ${name}`);
      for await (const f of target.storage.list('')) {
        occupied.push(`file ${f.key}`);
        break;
      }
      if (occupied.length) {
        throw backupError('BINA_ERR_BACKUP_TARGET_NOT_EMPTY', `The target is not empty (${occupied.slice(0, 4).join(', ')}${occupied.length > 4 ? ', …' : ''}); restore into an empty install or give --force to replace what the backup holds; nothing was written`, { occupied: occupied.slice(0, 20) });
      }
    }

    const collections: RestoreReport['collections'] = [];
    const started = new Set<string>();
    const prepare = async (name: string) => {
      if (started.has(name)) return;
      started.add(name);
      if (existing.has(name)) await db.collection(name).drop();
      await db.createCollection(name);
    };
    let fileCount = 0;
    let fileBytes = 0;
    const secrets: RestoreReport['secrets'] = [];
    const expected = new Map(manifest.entries.map((e) => [e.name, e.sha256]));
    const check = (name: string, sha: string) => {
      if (expected.get(name) !== sha) throw backupError('BINA_ERR_BACKUP_CHECKSUM', `Checksum failed on the second read of ${name}: the file changed during the restore`, { entry: name });
    };

    await walk(file, passphrase, async (e) => {
      const part = /^collections\/(.+)\/\d{6}\.bson$/.exec(e.name);
      const meta = /^collections\/(.+)\.metadata\.json$/.exec(e.name);
      if (part) {
        const name = part[1]!;
        const buf = await readAll(e.stream);
        check(e.name, createHash('sha256').update(buf).digest('hex'));
        await prepare(name);
        const batch = [...documents(buf)];
        for (let i = 0; i < batch.length; i += 1000) await db.collection(name).insertMany(batch.slice(i, i + 1000), { ordered: true, bypassDocumentValidation: true });
      } else if (meta) {
        const name = meta[1]!;
        const buf = await readAll(e.stream);
        check(e.name, createHash('sha256').update(buf).digest('hex'));
        await prepare(name);
        const { indexes } = BSON.EJSON.parse(buf.toString('utf8'), { relaxed: false }) as { indexes: Array<Record<string, unknown>> };
        for (const ix of indexes) {
          if (ix.name === '_id_') continue;
          const { key, v: _v, ns: _ns, ...options } = ix;
          await db.collection(name).createIndex(key as Record<string, 1 | -1>, options);
        }
        const restored = await db.collection(name).countDocuments();
        const want = manifest.collections.find((c) => c.name === name)!;
        collections.push({ name, expected: want.documents, restored, indexes: indexes.length });
        say(`  ${name}: ${restored}/${want.documents} documents, ${indexes.length} indexes`);
      } else if (e.name.startsWith('files/')) {
        const key = e.name.slice('files/'.length);
        const hash = createHash('sha256');
        const hashed = async function* () {
          for await (const c of e.stream) {
            hash.update(c);
            yield c;
          }
        };
        await target.storage.put(key, Readable.from(hashed()));
        check(e.name, hash.digest('hex'));
        fileCount++;
        fileBytes += e.size;
      } else if (e.name.startsWith('secrets/')) {
        const [, plugin, name] = e.name.split('/');
        const path = secretPaths.get(`${plugin}/${name}`);
        const buf = await readAll(e.stream);
        check(e.name, createHash('sha256').update(buf).digest('hex'));
        if (!path) return;
        const before = await readFile(path).catch(() => undefined);
        if (before && !before.equals(buf)) {
          const kept = `${path}.before-restore-${Date.now()}`;
          await copyFile(path, kept);
          warnings.push(`the previous ${plugin}/${name} was kept as ${kept}`);
        }
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await writeFile(path, buf, { mode: 0o600 });
        await chmod(path, 0o600);
        secrets.push({ plugin: plugin!, name: name!, path });
      }
    });
    say(`  files: ${fileCount} (${fileBytes} bytes)`);

    const wrong = collections.filter((c) => c.restored !== c.expected);
    if (wrong.length) throw backupError('BINA_ERR_BACKUP_COUNT_MISMATCH', `Counts differ after the restore: ${wrong.map((c) => `${c.name} ${c.restored}/${c.expected}`).join(', ')}`);
    if (fileCount !== manifest.files.count) throw backupError('BINA_ERR_BACKUP_COUNT_MISMATCH', `Files restored: ${fileCount}, the manifest says ${manifest.files.count}`);
    return { manifest, verified: { entries: verified.entries, documents: verified.documents }, collections, files: { count: fileCount, bytes: fileBytes }, secrets, warnings };
  } finally {
    await client.close().catch(() => undefined);
  }
}
