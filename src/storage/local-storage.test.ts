import { expect } from 'chai';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LocalStorage } from './local-storage';
import { scopedStorage } from './storage';
import { createStorage } from './create-storage';

describe('storage', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bina-storage-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  describe('local store', () => {
    it('puts, stats, streams, lists and deletes files', async () => {
      const s = new LocalStorage(root);
      await s.put('a/one.txt', Buffer.from('satu'));
      await s.put('a/two.txt', Readable.from([Buffer.from('du'), Buffer.from('a')]));
      await s.put('b/three.txt', Buffer.from('tiga'));
      expect(await text(await s.get('a/two.txt'))).to.equal('dua');
      expect((await s.stat('a/one.txt'))!.size).to.equal(4);
      const keys: string[] = [];
      for await (const f of s.list('a/')) keys.push(f.key);
      expect(keys).to.deep.equal(['a/one.txt', 'a/two.txt']);
      expect(await s.delete('a/one.txt')).to.equal(true);
      expect(await s.delete('a/one.txt')).to.equal(false);
      expect(await s.stat('a/one.txt')).to.equal(undefined);
    });

    it('answers 404 for a missing file and refuses keys that could leave the store', async () => {
      const s = new LocalStorage(root);
      await s.get('nope.txt').then(() => expect.fail('no error'), (e) => expect(e.status).to.equal(404));
      for (const bad of ['../x', 'a/../../x', '/etc/passwd', '.hidden', 'a//b', 'a b']) {
        await s.put(bad, Buffer.from('x')).then(() => expect.fail(`accepted ${bad}`), (e) => expect(e.status).to.equal(400));
      }
    });

    it('leaves no temporary file behind when a write fails', async () => {
      const s = new LocalStorage(root);
      const failing = new Readable({ read() { this.destroy(new Error('disk gone')); } });
      await s.put('x/y.bin', failing).then(() => expect.fail('no error'), (e) => expect(e.message).to.equal('disk gone'));
      expect(await readdir(join(root, 'x'))).to.deep.equal([]);
    });
  });

  describe('scoped store (ctx.storage)', () => {
    it('keeps a plugin under its own prefix', async () => {
      const s = new LocalStorage(root);
      const mine = scopedStorage(s, 'activity-lesson');
      await mine.put('l1/pic.png', Buffer.from('png'));
      await s.put('other/file.txt', Buffer.from('x'));
      expect((await s.stat('activity-lesson/l1/pic.png'))!.size).to.equal(3);
      const keys: string[] = [];
      for await (const f of mine.list()) keys.push(f.key);
      expect(keys).to.deep.equal(['l1/pic.png']);
    });
  });

  describe('configuration', () => {
    it('asks for the bucket and credentials before using s3, instead of writing to the disk', async () => {
      await createStorage({ BINA_STORAGE: 's3', BINA_DATA_DIR: root }).then(
        () => expect.fail('no error'),
        (e) => expect(e.message).to.match(/BINA_S3_BUCKET is required with BINA_STORAGE=s3/),
      );
    });
  });
});
