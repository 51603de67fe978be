/**
 * `bina db copy --from URI --to URI`: copies one database (the one named in each URI) from a
 * MongoDB wire-protocol server to another: every collection, every document with its exact BSON
 * types, and every index, then checks that each collection holds as many documents and the same
 * indexes on both sides. It serves two moves (ADR 0025): an embedded FerretDB/SQLite data dir to
 * FerretDB/PostgreSQL, and the embedded default to a production MongoDB replica set.
 *
 * It needs no Bina configuration (no Redis, no session secret): only the two URIs. It refuses a
 * target that already holds documents in any collection, unless `force`, which drops the target's
 * collections that the source also has before copying (other target collections are left alone).
 * Nothing writes to the source, so Bina should be stopped while it runs (writes made meanwhile
 * would be missed, and the count check would say so).
 */
import mongoose from 'mongoose';
import type { Db, Document, MongoClient as MongoClientType } from 'mongodb';

const { MongoClient } = mongoose.mongo;

export interface CopyOptions {
  from: string;
  to: string;
  force?: boolean;
  /** Documents per insertMany (default 1000). */
  batchSize?: number;
  /** Called with a short line of progress now and then. */
  onProgress?: (line: string) => void;
}

export interface CollectionReport {
  name: string;
  documents: number;
  targetDocuments: number;
  indexes: string[];
  missingIndexes: string[];
}

export interface CopyReport {
  from: string;
  to: string;
  collections: CollectionReport[];
  documents: number;
  ms: number;
  /** Every collection has as many documents and the same index names on both sides. */
  verified: boolean;
}

export class DbCopyError extends Error {
  constructor(readonly code: 'BAD_URI' | 'SAME_DATABASE' | 'TARGET_NOT_EMPTY' | 'MISMATCH', message: string) {
    super(message);
    this.name = 'DbCopyError';
  }
}

/** The database a URI names; refuses a URI without one (copying "admin" by accident helps nobody). */
export function databaseOf(uri: string): string {
  if (!/^mongodb(\+srv)?:\/\//.test(uri)) throw new DbCopyError('BAD_URI', `not a mongodb:// or mongodb+srv:// URI: ${redact(uri)}`);
  const name = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '');
  if (!name) throw new DbCopyError('BAD_URI', `the URI names no database (mongodb://host:port/<database>): ${redact(uri)}`);
  return decodeURIComponent(name);
}

/** A URI without its password, for messages. */
export function redact(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:@/]+):[^@/]*@/, '$1:***@');
}

/** Index options that mean the same on the target; the rest (v, ns, key, name) is rebuilt. */
const INDEX_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'weights', 'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max', 'wildcardProjection', 'hidden'] as const;

async function userCollections(db: Db): Promise<string[]> {
  const infos = await db.listCollections({}, { nameOnly: false }).toArray();
  return infos
    .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.'))
    .map((c) => c.name)
    .sort();
}

export async function copyDatabase(opts: CopyOptions): Promise<CopyReport> {
  const started = Date.now();
  const say = opts.onProgress ?? (() => undefined);
  const batchSize = opts.batchSize ?? 1000;
  const fromDb = databaseOf(opts.from);
  const toDb = databaseOf(opts.to);
  if (sameDatabase(opts)) throw new DbCopyError('SAME_DATABASE', 'the source and the target are the same database');
  const clients: MongoClientType[] = [];
  try {
    const source = new MongoClient(opts.from, { serverSelectionTimeoutMS: 15_000 });
    clients.push(source);
    const target = new MongoClient(opts.to, { serverSelectionTimeoutMS: 15_000 });
    clients.push(target);
    await Promise.all([source.connect(), target.connect()]);
    const src = source.db(fromDb);
    const dst = target.db(toDb);

    const names = await userCollections(src);
    const existing = new Set(await userCollections(dst));
    const occupied: string[] = [];
    for (const name of existing) if ((await dst.collection(name).estimatedDocumentCount()) > 0) occupied.push(name);
    if (occupied.length > 0 && !opts.force) {
      throw new DbCopyError('TARGET_NOT_EMPTY', `the target database '${toDb}' already holds documents (in ${occupied.slice(0, 5).join(', ')}${occupied.length > 5 ? ', …' : ''}); use --force to replace the collections that the source has`);
    }
    say(`copying ${names.length} collections from ${redact(opts.from)} to ${redact(opts.to)}`);

    const collections: CollectionReport[] = [];
    let total = 0;
    for (const name of names) {
      if (existing.has(name)) await dst.collection(name).drop();
      const from = src.collection(name);
      const to = dst.collection(name);
      const expected = await from.countDocuments();
      await dst.createCollection(name);
      let copied = 0;
      let lastSaid = Date.now();
      let batch: Document[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await to.insertMany(batch, { ordered: false, bypassDocumentValidation: true });
        copied += batch.length;
        batch = [];
        if (Date.now() - lastSaid >= 2000) {
          lastSaid = Date.now();
          say(`  ${name}: ${copied}/${expected}`);
        }
      };
      // Raw BSON values (no promotion to JS numbers): an int stays an int, a long a long.
      const cursor = from.find({}, { promoteValues: false, promoteBuffers: false, bsonRegExp: true, batchSize });
      for await (const doc of cursor) {
        batch.push(doc);
        if (batch.length >= batchSize) await flush();
      }
      await flush();

      const indexes = (await from.listIndexes().toArray()).filter((ix) => ix.name !== '_id_');
      for (const ix of indexes) {
        const options: Record<string, unknown> = { name: ix.name };
        for (const k of INDEX_OPTIONS) if (ix[k] !== undefined) options[k] = ix[k];
        await to.createIndex(ix.key, options);
      }
      const targetDocuments = await to.countDocuments();
      const targetIndexes = new Set((await to.listIndexes().toArray()).map((ix) => ix.name as string));
      const indexNames = indexes.map((ix) => ix.name as string);
      const report = { name, documents: copied, targetDocuments, indexes: indexNames, missingIndexes: indexNames.filter((n) => !targetIndexes.has(n)) };
      collections.push(report);
      total += copied;
      const ok = report.targetDocuments === expected && copied === expected && report.missingIndexes.length === 0;
      say(`  ${name}: ${copied} documents, ${indexNames.length} indexes${ok ? '' : `  MISMATCH (source ${expected}, target ${targetDocuments}${report.missingIndexes.length ? `, missing ${report.missingIndexes.join(', ')}` : ''})`}`);
    }

    // Verify against the source once more: a write to it during the copy shows up here.
    let verified = true;
    for (const c of collections) {
      const now = await src.collection(c.name).countDocuments();
      if (now !== c.targetDocuments || c.missingIndexes.length > 0) verified = false;
    }
    return { from: redact(opts.from), to: redact(opts.to), collections, documents: total, ms: Date.now() - started, verified };
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}

/** The same server (as spelled in the URIs) and database name: --force would drop the source. */
function sameDatabase(opts: CopyOptions): boolean {
  const where = (uri: string) => `${new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).host.toLowerCase().replace('localhost', '127.0.0.1')}/${databaseOf(uri)}`;
  return where(opts.from) === where(opts.to);
}
