/**
 * The Bina backup file (ADR 0028): an age-encrypted (age-encryption.org/v1, scrypt passphrase)
 * POSIX tar. Inside, in this order:
 * - `collections/<name>/<nnnnnn>.bson`: the collection's documents, concatenated BSON as mongodump
 *   writes them, cut into parts of at most PART_BYTES (so memory stays bounded);
 * - `collections/<name>.metadata.json`: its indexes (Extended JSON);
 * - `files/<key>`: the storage's files;
 * - `secrets/<plugin>/<name>`: files a plugin needs to use its data (the certificate key secret);
 * - `manifest.json`, last: versions, counts, the sha256 and size of every entry above, the time taken.
 * With the passphrase, `age -d backup.age | tar -t` reads it without Bina.
 */
import { z } from 'zod';
import { BinaError } from '../kernel/errors';
import { ReadableStream as NodeWebStream } from 'node:stream/web';

export const BACKUP_FORMAT = 'bina-backup/1';

/**
 * The version of the core's own collections' shape. Bump it with a migration when core documents
 * change shape; a backup from a newer one is refused by restore (plugins have their schemaVersion).
 */
export const CORE_SCHEMA_VERSION = 1;

/** Largest BSON part; a document larger than this (at most 16 MB) gets a part of its own. */
export const PART_BYTES = 8 * 1024 * 1024;

export const MANIFEST_ENTRY = 'manifest.json';

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  binaVersion: z.string(),
  coreSchemaVersion: z.number().int(),
  /** Every active plugin with its version and schemaVersion at backup time. */
  plugins: z.array(z.object({ id: z.string(), version: z.string(), schemaVersion: z.number().int() })),
  publicUrl: z.string(),
  database: z.string(),
  filesAndKeysOnly: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
  ms: z.number(),
  collections: z.array(z.object({ name: z.string(), documents: z.number().int(), indexes: z.number().int(), parts: z.number().int() })),
  files: z.object({ count: z.number().int(), bytes: z.number().int() }),
  secrets: z.array(z.object({ plugin: z.string(), name: z.string() })),
  /** Things an operator must know to use the data (e.g. a secret that is a setting, not a file). */
  notes: z.array(z.string()),
  entries: z.array(z.object({ name: z.string(), size: z.number().int(), sha256: z.string() })),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

export type BackupErrorCode =
  | 'BINA_ERR_BACKUP_PASSPHRASE'
  | 'BINA_ERR_BACKUP_DAMAGED'
  | 'BINA_ERR_BACKUP_CHECKSUM'
  | 'BINA_ERR_BACKUP_NEWER_SCHEMA'
  | 'BINA_ERR_BACKUP_TARGET_NOT_EMPTY'
  | 'BINA_ERR_BACKUP_COUNT_MISMATCH'
  | 'BINA_ERR_BACKUP_NO_PASSPHRASE'
  | 'BINA_ERR_BACKUP_FAILED';

export function backupError(code: BackupErrorCode, message: string, details?: unknown): BinaError {
  return new BinaError(code, 400, `errors.backup`, message, { details });
}

export const collectionPart = (name: string, n: number) => `collections/${name}/${String(n).padStart(6, '0')}.bson`;
export const collectionMetadata = (name: string) => `collections/${name}.metadata.json`;
export const fileEntry = (key: string) => `files/${key}`;
export const secretEntry = (plugin: string, name: string) => `secrets/${plugin}/${name}`;

/**
 * age-encryption's output stream as node's web stream, for `Readable.fromWeb`: they are one class
 * at run time, but the DOM's and node's declarations of it differ, so it is checked, not cast.
 */
export function asNodeWebStream(stream: unknown): NodeWebStream<Uint8Array> {
  if (!(stream instanceof NodeWebStream)) throw new Error('age-encryption returned something other than a web stream');
  return stream;
}
