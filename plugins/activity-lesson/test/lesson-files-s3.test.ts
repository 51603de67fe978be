/**
 * Lesson files with BINA_STORAGE=s3 (ADR 0064), against a real S3-compatible server (moto,
 * test/support/s3-server.ts): the image a trainer uploads lands in the bucket, not on the disk, and
 * is served from there under the lesson's access rule (enrolled learners yes, others 403, anonymous
 * to the login page), whole or in ranges; an oversized upload leaves no object behind.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createCourseWithQuiz, createUser, startTestEnv, type TestEnv, type TestUser } from '../../../test/support/harness';
import { startS3Server, type S3TestServer } from '../../../test/support/s3-server';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(2000, 7)]);

describe('activity-lesson files in an S3-compatible store', function () {
  this.timeout(90_000);
  let server: S3TestServer | undefined;
  let env: TestEnv | undefined;
  let trainer: TestUser;
  let learner: TestUser;
  let outsider: TestUser;
  let lessonId: string;

  before(async function () {
    server = await startS3Server(this);
    const bucket = await server!.createBucket();
    env = await startTestEnv({
      only: ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse'],
      env: { ...server!.envFor(bucket), BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-lesson': { maxImageMB: 1 } }) },
    });
    trainer = await createUser(env, 'trainer');
    learner = await createUser(env, 'learner');
    outsider = await createUser(env, 'learner');
    const c = await createCourseWithQuiz(trainer);
    lessonId = c.lessonId;
    expect((await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`)).status).to.be.oneOf([200, 201]);
  });
  after(async () => {
    await env?.stop();
    await server?.stop();
  });

  /** `chunked`: sent without a length, so only the stream's cut-off at the limit can refuse it. */
  const upload = (bytes: Buffer, name: string, chunked = false) =>
    fetch(`${env!.url}/api/v1/activity-lesson/lessons/${lessonId}/files?name=${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${trainer.token}`, 'content-type': 'image/png', accept: 'application/json' },
      body: chunked ? (Readable.toWeb(Readable.from([bytes.subarray(0, 64 * 1024), bytes.subarray(64 * 1024)])) as ReadableStream) : bytes,
      ...(chunked ? { duplex: 'half' } : {}),
    } as RequestInit).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const fetchAs = (u: TestUser | undefined, path: string, headers: Record<string, string> = {}) =>
    fetch(env!.url + path, { headers: { ...(u ? { authorization: `Bearer ${u.token}` } : {}), ...headers }, redirect: 'manual' });
  const bucketKeys = async () => {
    const keys: string[] = [];
    for await (const f of env!.kernel.services.storage.list('activity-lesson/')) keys.push(f.key);
    return keys;
  };

  it('keeps an uploaded lesson image in the bucket and serves it only to readers of the lesson', async () => {
    expect(env!.kernel.services.storage.constructor.name).to.equal('S3Storage');
    const r = await upload(PNG, 'peta.png');
    expect(r.status).to.equal(201);
    expect(await bucketKeys()).to.deep.equal([`activity-lesson/${lessonId}/${r.body.file.id}`]);
    expect(existsSync(join(env!.config.BINA_DATA_DIR, 'files'))).to.equal(false);

    const saved = await trainer.api.put(`/api/v1/activity-lesson/lessons/${lessonId}`, { title: 'Peta', markdown: `Peta wilayah:\n\n${r.body.file.markdown}` });
    expect(saved.body.lesson.html).to.contain(`<img src="${r.body.file.url}"`);

    const got = await fetchAs(learner, r.body.file.url);
    expect(got.status).to.equal(200);
    expect(got.headers.get('content-type')).to.equal('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).to.equal(true);
    const part = await fetchAs(learner, r.body.file.url, { range: 'bytes=8-15' });
    expect(part.status).to.equal(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(PNG.subarray(8, 16))).to.equal(true);
    expect((await fetchAs(outsider, r.body.file.url)).status).to.equal(403);
    const anon = await fetchAs(undefined, r.body.file.url, { accept: 'text/html' });
    expect(anon.status).to.equal(302);
    expect(anon.headers.get('location')).to.match(/^\/login/);
  });

  it('refuses an image above the size setting and leaves no object in the bucket', async () => {
    const before = await bucketKeys();
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    expect((await upload(big, 'besar.png')).status).to.equal(413);
    expect((await upload(big, 'besar.png', true)).status).to.equal(413);
    expect(await bucketKeys()).to.deep.equal(before);
  });
});
