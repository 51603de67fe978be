/**
 * One contract for every file store (ADR 0027, 0064): the local disk and an S3-compatible bucket
 * (a real moto server, test/support/s3-server.ts) must behave the same for what Bina relies on:
 * whole-or-absent puts (a stream cut off at a size limit leaves nothing), streamed and ranged
 * reads, stat, delete, ordered listing, a plugin's scoped view, and refusal of keys that could
 * leave the store.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { randomBytes } from 'node:crypto';
import { LocalStorage } from '../../src/storage/local-storage';
import { createStorage, verifyStorage } from '../../src/storage/create-storage';
import { scopedStorage, type Storage } from '../../src/storage/storage';
import { loadConfig, maskedConfig } from '../../src/config';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { testEnvVars } from '../support/harness';

const keysOf = async (s: Storage, prefix?: string) => {
  const out: string[] = [];
  for await (const f of s.list(prefix)) out.push(f.key);
  return out;
};

/** A stream that yields `chunks` and then fails the way a caller's size limit does. */
function cutOffStream(chunks: Buffer[]): Readable {
  return Readable.from(
    (async function* () {
      for (const c of chunks) yield c;
      throw Object.assign(new Error('The file is too large'), { status: 413 });
    })(),
  );
}

function contract(name: string, make: () => Promise<Storage>) {
  describe(`${name} store`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await make();
    });

    it('puts a buffer and a stream, stats, streams, lists in key order and deletes', async () => {
      await s.put('a/one.txt', Buffer.from('satu'), { contentType: 'text/plain' });
      await s.put('a/two.txt', Readable.from([Buffer.from('du'), Buffer.from('a')]));
      await s.put('b/three.txt', Buffer.from('tiga'));
      expect(await text(await s.get('a/two.txt'))).to.equal('dua');
      const st = (await s.stat('a/one.txt'))!;
      expect(st).to.include({ key: 'a/one.txt', size: 4 });
      expect(st.modifiedAt).to.be.instanceOf(Date);
      expect(await keysOf(s, 'a/')).to.deep.equal(['a/one.txt', 'a/two.txt']);
      expect(await keysOf(s)).to.deep.equal(['a/one.txt', 'a/two.txt', 'b/three.txt']);
      expect(await s.delete('a/one.txt')).to.equal(true);
      expect(await s.delete('a/one.txt')).to.equal(false);
      expect(await s.stat('a/one.txt')).to.equal(undefined);
    });

    it('replaces a file whole and reads byte ranges of it (video seeking)', async () => {
      await s.put('v/clip.mp4', Buffer.from('old content'));
      const bytes = randomBytes(300_000);
      await s.put('v/clip.mp4', Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]));
      expect((await s.stat('v/clip.mp4'))!.size).to.equal(bytes.length);
      expect((await buffer(await s.get('v/clip.mp4'))).equals(bytes)).to.equal(true);
      expect((await buffer(await s.get('v/clip.mp4', { start: 1000, end: 1999 }))).equals(bytes.subarray(1000, 2000))).to.equal(true);
      expect((await buffer(await s.get('v/clip.mp4', { start: bytes.length - 1, end: bytes.length - 1 }))).equals(bytes.subarray(-1))).to.equal(true);
    });

    it('keeps nothing of a stream cut off at a size limit, and keeps the old file', async () => {
      await s.put('lim/keep.png', Buffer.from('lama'));
      for (const key of ['lim/new.png', 'lim/keep.png']) {
        await s.put(key, cutOffStream([randomBytes(64 * 1024), randomBytes(64 * 1024)])).then(
          () => expect.fail('the put succeeded'),
          (e) => expect(e.message).to.equal('The file is too large'),
        );
      }
      expect(await s.stat('lim/new.png')).to.equal(undefined);
      expect(await text(await s.get('lim/keep.png'))).to.equal('lama');
      expect(await keysOf(s, 'lim/')).to.deep.equal(['lim/keep.png']);
    });

    it('answers 404 for a missing file and refuses keys that could leave the store', async () => {
      await s.get('nope.txt').then(() => expect.fail('no error'), (e) => expect(e.status).to.equal(404));
      expect(await s.stat('nope.txt')).to.equal(undefined);
      for (const bad of ['../x', 'a/../../x', '/etc/passwd', '.hidden', 'a//b', 'a b', 'a/', '', 'x/'.repeat(9) + 'y']) {
        await s.put(bad, Buffer.from('x')).then(() => expect.fail(`put accepted '${bad}'`), (e) => expect(e.status).to.equal(400));
        await s.get(bad).then(() => expect.fail(`get accepted '${bad}'`), (e) => expect(e.status).to.equal(400));
      }
    });

    it("keeps a plugin's files under its own prefix (ctx.storage)", async () => {
      const mine = scopedStorage(s, 'activity-lesson');
      await mine.put('l1/pic.png', Buffer.from('png'), { contentType: 'image/png' });
      await s.put('other/file.txt', Buffer.from('x'));
      expect((await s.stat('activity-lesson/l1/pic.png'))!.size).to.equal(3);
      expect(await keysOf(mine)).to.deep.equal(['l1/pic.png']);
      expect(await text(await mine.get('l1/pic.png', { start: 1, end: 2 }))).to.equal('ng');
    });
  });
}

describe('file stores (storage contract)', function () {
  this.timeout(60_000);

  const roots: string[] = [];
  after(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));
  contract('local', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bina-storage-'));
    roots.push(root);
    return new LocalStorage(root);
  });

  describe('S3-compatible', () => {
    let server: S3TestServer | undefined;
    const stores: Storage[] = [];
    before(async function () {
      server = await startS3Server(this);
    });
    after(async () => {
      for (const st of stores) st.close?.();
      await server?.stop();
    });

    // Each test gets its own bucket, reached through the configuration as Bina reaches it.
    contract('s3', async () => {
      const config = loadConfig(testEnvVars(server!.envFor(await server!.createBucket())));
      const st = await createStorage(config);
      stores.push(st);
      await verifyStorage(st, config);
      return st;
    });

    it('keeps files under BINA_S3_PREFIX, so one bucket can serve several sites', async () => {
      const bucket = await server!.createBucket();
      const a = await createStorage(loadConfig(testEnvVars({ ...server!.envFor(bucket), BINA_S3_PREFIX: 'site-a' })));
      const b = await createStorage(loadConfig(testEnvVars({ ...server!.envFor(bucket), BINA_S3_PREFIX: 'site-b' })));
      const whole = await createStorage(loadConfig(testEnvVars(server!.envFor(bucket))));
      stores.push(a, b, whole);
      await a.put('f/x.txt', Buffer.from('a'));
      await b.put('f/x.txt', Buffer.from('bb'));
      expect(await keysOf(a)).to.deep.equal(['f/x.txt']);
      expect((await b.stat('f/x.txt'))!.size).to.equal(2);
      expect(await keysOf(whole)).to.deep.equal(['site-a/f/x.txt', 'site-b/f/x.txt']);
    });

    it('stops start-up naming the setting when the bucket is missing or a setting is absent or bad', async () => {
      const missing = loadConfig(testEnvVars({ ...server!.envFor('tidak-ada-bucket') }));
      const st = await createStorage(missing);
      stores.push(st);
      await verifyStorage(st, missing).then(
        () => expect.fail('a missing bucket was accepted'),
        (e) => {
          expect(e.code).to.equal('BINA_ERR_CONFIG_INVALID');
          expect(e.message).to.match(/BINA_S3_BUCKET 'tidak-ada-bucket'/);
        },
      );
      expect(() => loadConfig(testEnvVars({ BINA_STORAGE: 's3', BINA_S3_BUCKET: 'b-1' }))).to.throw(/BINA_S3_ACCESS_KEY_ID is required with BINA_STORAGE=s3/);
      expect(() => loadConfig(testEnvVars({ ...server!.envFor('b-1'), BINA_S3_BUCKET: 'Not_A_Bucket' }))).to.throw(/BINA_S3_BUCKET must be an S3 bucket name/);
      expect(() => loadConfig(testEnvVars({ ...server!.envFor('b-1'), BINA_S3_SECRET_ACCESS_KEY: '' }))).to.throw(/BINA_S3_SECRET_ACCESS_KEY is required/);
      // `bina config` never prints the secret.
      expect(maskedConfig(loadConfig(testEnvVars(server!.envFor('b-1')))).BINA_S3_SECRET_ACCESS_KEY).to.equal('***');
    });
  });
});
