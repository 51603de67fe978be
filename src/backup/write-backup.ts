/**
 * Writes one backup file (backup-format.ts) from a live install, while people use it.
 *
 * Consistency (ADR 0028): every write Bina acknowledges is one single-document update that has
 * completed before the acknowledgement. The backup records `startedAt` and only then reads; each
 * collection is read in `_id` order (a document is seen exactly once, in a state no older than at
 * `startedAt`). So every answer, grade or certificate acknowledged before the backup started is in
 * it. Collections plugins name as `last` (keys, status lists) are read after the others, storage
 * files after all collections: what a document refers to was written before it, so it is read
 * after it and is there too.
 *
 * The file is written beside the target as `<out>.partial-…` and renamed at the end: a failed
 * backup leaves no file that looks whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import tar from 'tar-stream';
import { Encrypter } from 'age-encryption';
import type { Storage } from '../storage/storage';
import { BACKUP_FORMAT, CORE_SCHEMA_VERSION, MANIFEST_ENTRY, PART_BYTES, asNodeWebStream, backupError, collectionMetadata, collectionPart, fileEntry, secretEntry, type BackupManifest } from './backup-format';
import { RAW, serialize } from './bson-parts';
import type { PluginBackupRecord } from './plugin-backup';

const { MongoClient, BSON } = mongoose.mongo;

export interface BackupSource {
  mongoUri: string;
  storage: Storage;
  binaVersion: string;
  publicUrl: string;
  plugins: PluginBackupRecord[];
  /** Plugin settings by plugin id (for secret files and notes). */
  pluginSettings: Record<string, Record<string, unknown>>;
}

export interface BackupOptions {
  out: string;
  passphrase: string;
  /** Storage files and secrets only (the database is backed up with MongoDB's own tools). */
  filesAndKeysOnly?: boolean;
  /** age scrypt work factor (log2 N). @default 18 (age's default); tests use less. */
  scryptLogN?: number;
  now?: () => Date;
  onProgress?: (line: string) => void;
}

export interface BackupResult {
  manifest: BackupManifest;
  file: string;
  size: number;
}

export async function writeBackup(src: BackupSource, opts: BackupOptions): Promise<BackupResult> {
  if (!opts.passphrase) throw backupError('BINA_ERR_BACKUP_NO_PASSPHRASE', 'A passphrase is required');
  const now = opts.now ?? (() => new Date());
  const say = opts.onProgress ?? (() => undefined);
  const started = now();
  const t0 = performance.now();

  const pack = tar.pack();
  const entries: BackupManifest['entries'] = [];
  /** Adds one entry whose bytes are in memory. */
  const addBuffer = (name: string, data: Buffer) =>
    new Promise<void>((resolve, reject) => {
      entries.push({ name, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      pack.entry({ name, size: data.length, mtime: started }, data, (err) => (err ? reject(err) : resolve()));
    });
  /** Adds one entry streamed from `source`, which must yield exactly `size` bytes. */
  const addStream = async (name: string, size: number, source: Readable) => {
    const hash = createHash('sha256');
    let done!: Promise<void>;
    const entry = pack.entry({ name, size, mtime: started }, (err) => {
      done = err ? Promise.reject(err) : Promise.resolve();
    });
    const finished = new Promise<void>((resolve, reject) => {
      entry.on('finish', () => resolve());
      entry.on('error', reject);
    });
    let seen = 0;
    for await (const c of source as AsyncIterable<Buffer>) {
      seen += c.length;
      if (seen > size) break;
      hash.update(c);
      if (!entry.write(c)) await once(entry, 'drain');
    }
    if (seen !== size) {
      entry.destroy(new Error('size changed'));
      throw backupError('BINA_ERR_BACKUP_FAILED', `The file ${name} changed while it was being backed up; run the backup again`);
    }
    entry.end(undefined);
    await finished;
    await done;
    entries.push({ name, size, sha256: hash.digest('hex') });
  };

  const encrypter = new Encrypter();
  encrypter.setPassphrase(opts.passphrase);
  if (opts.scryptLogN) encrypter.setScryptWorkFactor(opts.scryptLogN);
  const encrypted = await encrypter.encrypt(Readable.toWeb(Readable.from(pack)) as ReadableStream<Uint8Array>);

  await mkdir(dirname(opts.out), { recursive: true });
  const partial = join(dirname(opts.out), `.${basename(opts.out)}.partial-${randomBytes(4).toString('hex')}`);
  const written = pipeline(Readable.fromWeb(asNodeWebStream(encrypted)), createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
  // Surface a write failure (disk full) even while the producer is still busy.
  let writeError: unknown;
  written.catch((e) => {
    writeError = e;
    pack.destroy(e);
  });

  const client = new MongoClient(src.mongoUri, { serverSelectionTimeoutMS: 15_000 });
  try {
    const collections: BackupManifest['collections'] = [];
    await client.connect();
    const db = client.db();
    if (!opts.filesAndKeysOnly) {
      const last = src.plugins.flatMap((p) => p.backup?.last ?? []);
      const names = (await db.listCollections({}, { nameOnly: false }).toArray())
        .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.'))
        .map((c) => c.name as string)
        .sort();
      const ordered = [...names.filter((n) => !last.includes(n)), ...last.filter((n) => names.includes(n))];
      for (const name of ordered) {
        let part = 0;
        let documents = 0;
        let chunks: Buffer[] = [];
        let bytes = 0;
        const flush = async () => {
          if (!chunks.length) return;
          await addBuffer(collectionPart(name, ++part), Buffer.concat(chunks));
          chunks = [];
          bytes = 0;
        };
        // `_id` order: each document exactly once, also while others are being written.
        for await (const doc of db.collection(name).find({}, { ...RAW, sort: { _id: 1 }, batchSize: 500 })) {
          const b = serialize(doc);
          if (bytes + b.length > PART_BYTES) await flush();
          chunks.push(b);
          bytes += b.length;
          documents++;
          if (writeError) throw writeError;
        }
        await flush();
        const indexes = await db.collection(name).listIndexes().toArray();
        await addBuffer(collectionMetadata(name), Buffer.from(BSON.EJSON.stringify({ collectionName: name, indexes }, { relaxed: false })));
        collections.push({ name, documents, indexes: indexes.length, parts: part });
        say(`  ${name}: ${documents} documents, ${indexes.length} indexes`);
      }
    }

    // Files after the collections: a record is written after its file's bytes (and files are never
    // changed in place), so every file a backed-up record names is here.
    let fileCount = 0;
    let fileBytes = 0;
    for await (const f of src.storage.list('')) {
      const s = await src.storage.stat(f.key);
      if (!s) continue; // removed meanwhile
      await addStream(fileEntry(f.key), s.size, await src.storage.get(f.key));
      fileCount++;
      fileBytes += s.size;
      if (writeError) throw writeError;
    }
    say(`  files: ${fileCount} (${fileBytes} bytes)`);

    const secrets: BackupManifest['secrets'] = [];
    const notes: string[] = [];
    for (const p of src.plugins) {
      const settings = src.pluginSettings[p.id] ?? {};
      for (const s of p.backup?.secretFiles?.(settings) ?? []) {
        const data = await readFile(s.path).catch(() => undefined);
        if (!data) continue; // not created yet: nothing to keep
        await addBuffer(secretEntry(p.id, s.name), data);
        secrets.push({ plugin: p.id, name: s.name });
      }
      notes.push(...(p.backup?.notes?.(settings) ?? []));
    }

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      binaVersion: src.binaVersion,
      coreSchemaVersion: CORE_SCHEMA_VERSION,
      plugins: src.plugins.map((p) => ({ id: p.id, version: p.version, schemaVersion: p.schemaVersion })),
      publicUrl: src.publicUrl,
      database: db.databaseName,
      filesAndKeysOnly: !!opts.filesAndKeysOnly,
      startedAt: started.toISOString(),
      finishedAt: now().toISOString(),
      ms: Math.round(performance.now() - t0),
      collections,
      files: { count: fileCount, bytes: fileBytes },
      secrets,
      notes,
      entries: [...entries],
    };
    const body = Buffer.from(JSON.stringify(manifest, null, 2));
    await new Promise<void>((resolve, reject) => pack.entry({ name: MANIFEST_ENTRY, size: body.length, mtime: started }, body, (e) => (e ? reject(e) : resolve())));
    pack.finalize();
    await written;
    await rename(partial, opts.out);
    return { manifest, file: opts.out, size: (await stat(opts.out)).size };
  } catch (e) {
    pack.destroy(e as Error);
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    throw e;
  } finally {
    await client.close().catch(() => undefined);
  }
}
