/**
 * `bina db copy` between the two FerretDB backends, both ways: the test services' FerretDB
 * (PostgreSQL by default) and a second FerretDB on SQLite started by scripts/services in its own
 * data dir. Documents keep their exact BSON types, indexes their options, and a non-empty target
 * is refused unless --force.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { copyDatabase, DbCopyError } from '../../src/cli/db-copy';
import { uniqueName } from '../support/harness';

const { MongoClient, ObjectId, Int32, Long, Double, Binary } = mongoose.mongo;
const SERVICES = join(REPO_ROOT, 'scripts', 'services');

function dbUri(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

function sqliteServices(dir: string, command: 'up' | 'down'): string {
  const r = spawnSync('bash', [SERVICES, command], {
    // REDIS_URL set: only the MongoDB-protocol server is started.
    env: { ...process.env, BINA_SERVICES_DIR: dir, BINA_MONGO_SERVER: 'ferretdb-sqlite', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:1', MONGODB_URI: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`scripts/services ${command} failed: ${r.stderr}`);
  return /^MONGODB_URI=(.+)$/m.exec(r.stdout)?.[1] ?? '';
}

async function withDb<T>(uri: string, fn: (db: mongoose.mongo.Db) => Promise<T>): Promise<T> {
  const c = new MongoClient(uri);
  await c.connect();
  try {
    return await fn(c.db());
  } finally {
    await c.close();
  }
}

const ATTEMPTS = 2500; // more than two insert batches of the default 1000

async function seed(uri: string): Promise<void> {
  await withDb(uri, async (db) => {
    const attempts = db.collection('attempts');
    const docs = Array.from({ length: ATTEMPTS }, (_, i) => ({
      _id: new ObjectId(),
      examId: `exam-${i % 7}`,
      userId: `user-${i}`,
      state: i % 3 === 0 ? 'submitted' : 'in_progress',
      seq: new Int32(i),
      big: Long.fromString('9007199254740993'),
      score: new Double(i + 0.5),
      whole: new Double(3),
      at: new Date(Date.UTC(2026, 11, 7, 8, 0, i % 60)),
      // (no Decimal128: FerretDB 1.x does not store it)
      raw: new Binary(Buffer.from([1, 2, 3, i % 256])),
      answers: { s1: { response: { selected: ['a', 'c'] }, seq: 1 }, s2: null },
      tags: ['twk', 'tiu'],
    }));
    for (let i = 0; i < docs.length; i += 500) await attempts.insertMany(docs.slice(i, i + 500));
    await attempts.createIndex({ examId: 1, userId: 1 }, { unique: true, name: 'exam_user' });
    await attempts.createIndex({ state: 1, at: -1 }, { name: 'state_at' });
    await db.collection('settings').insertOne({ _id: 'site' as never, name: 'Bina', flags: { open: true } });
    await db.createCollection('empty_one');
    await db.collection('empty_one').createIndex({ k: 1 }, { name: 'k_1', sparse: true });
  });
}

/** Every document of a collection as canonical extended JSON, in _id order. */
async function dump(uri: string, name: string): Promise<string[]> {
  return withDb(uri, async (db) => {
    const docs = await db.collection(name).find({}, { promoteValues: false, promoteBuffers: false }).toArray();
    return docs.map((d) => mongoose.mongo.BSON.EJSON.stringify(d, { relaxed: false })).sort();
  });
}

async function indexSummary(uri: string, name: string): Promise<string[]> {
  return withDb(uri, async (db) => (await db.collection(name).listIndexes().toArray())
    .map((ix) => `${ix.name} ${JSON.stringify(ix.key)}${ix.unique ? ' unique' : ''}${ix.sparse ? ' sparse' : ''}`).sort());
}

describe('bina db copy between FerretDB on PostgreSQL and FerretDB on SQLite', function () {
  this.timeout(300_000);
  let sqliteDir: string;
  let sqliteBase: string;
  const base = process.env.MONGODB_URI!;
  const dbs: string[] = [];
  const name = (p: string) => {
    const n = uniqueName(p);
    dbs.push(n);
    return n;
  };

  before(() => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'bina-db-copy-'));
    sqliteBase = sqliteServices(sqliteDir, 'up');
    expect(sqliteBase).to.match(/^mongodb:\/\//);
  });
  after(async () => {
    for (const n of dbs) {
      for (const b of [base, sqliteBase]) await withDb(dbUri(b, n), (db) => db.dropDatabase()).catch(() => undefined);
    }
    if (sqliteDir) {
      sqliteServices(sqliteDir, 'down');
      rmSync(sqliteDir, { recursive: true, force: true });
    }
  });

  it('copies every collection, document (exact BSON types) and index one way and back, and verifies the counts', async () => {
    const origin = dbUri(base, name('copy_origin'));
    const onSqlite = dbUri(sqliteBase, name('copy_sqlite'));
    const back = dbUri(base, name('copy_back'));
    await seed(origin);

    const progress: string[] = [];
    const there = await copyDatabase({ from: origin, to: onSqlite, onProgress: (l) => progress.push(l) });
    expect(there.verified).to.equal(true);
    expect(there.documents).to.equal(ATTEMPTS + 1);
    expect(there.collections.map((c) => [c.name, c.documents, c.targetDocuments])).to.deep.equal([
      ['attempts', ATTEMPTS, ATTEMPTS], ['empty_one', 0, 0], ['settings', 1, 1],
    ]);
    expect(progress.join('\n')).to.include('attempts: 2500 documents, 2 indexes');

    const againBack = await copyDatabase({ from: onSqlite, to: back });
    expect(againBack.verified).to.equal(true);

    for (const uri of [onSqlite, back]) {
      for (const coll of ['attempts', 'settings', 'empty_one']) {
        expect(await dump(uri, coll), `${coll} in ${uri}`).to.deep.equal(await dump(origin, coll));
        expect(await indexSummary(uri, coll), `indexes of ${coll}`).to.deep.equal(await indexSummary(origin, coll));
      }
    }
    // The unique index is live on the copy: a second attempt for the same exam and user is refused.
    await withDb(back, async (db) => {
      const err = await db.collection('attempts').insertOne({ examId: 'exam-0', userId: 'user-0' }).catch((e) => e);
      expect(err).to.have.property('code', 11000);
    });
  });

  it('refuses a target that holds documents unless --force, and never copies a database onto itself', async () => {
    const origin = dbUri(sqliteBase, name('force_origin'));
    const target = dbUri(base, name('force_target'));
    await withDb(origin, (db) => db.collection('people').insertMany([{ n: 1 }, { n: 2 }]));
    await withDb(target, (db) => db.collection('people').insertOne({ n: 99 }));
    await withDb(target, (db) => db.collection('keep').insertOne({ mine: true }));

    const refused = await copyDatabase({ from: origin, to: target }).catch((e) => e);
    expect(refused).to.be.instanceOf(DbCopyError);
    expect(refused.code).to.equal('TARGET_NOT_EMPTY');
    expect(await dump(target, 'people')).to.have.length(1);

    const forced = await copyDatabase({ from: origin, to: target, force: true });
    expect(forced.verified).to.equal(true);
    expect((await dump(target, 'people')).length).to.equal(2);
    expect((await dump(target, 'keep')).length, 'collections the source lacks stay').to.equal(1);

    const self = await copyDatabase({ from: origin, to: origin.replace('127.0.0.1', 'localhost'), force: true }).catch((e) => e);
    expect(self.code).to.equal('SAME_DATABASE');
  });

  it('runs as `bina db copy` with progress on stderr, a verdict on stdout, and exit 2 for a non-empty target', async () => {
    const origin = dbUri(base, name('cli_origin'));
    const target = dbUri(sqliteBase, name('cli_target'));
    await withDb(origin, (db) => db.collection('units').insertMany([{ code: 'A' }, { code: 'B' }, { code: 'C' }]));
    const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'db', 'copy', ...args], { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'test' } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    const first = await run(['--from', origin, '--to', target]);
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.match(/^Copied and verified: 1 collections, 3 documents in /);
    expect(first.err).to.include('units: 3 documents, 0 indexes');
    const second = await run(['--from', origin, '--to', target]);
    expect(second.code).to.equal(2);
    expect(second.err).to.include('already holds documents (in units)');
  });
});
