/**
 * Lesson files over HTTP: a trainer uploads, enrolled learners (and trainers, admins) get the
 * bytes with the sniffed type, anyone else a 403 (anonymous: the login page); types are told by
 * content and sizes limited by settings; video can be fetched in ranges.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, startTestEnv, type TestEnv, type TestUser } from '../../../test/support/harness';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(100, 7)]);

async function upload(u: TestUser, lessonId: string, name: string, bytes: Buffer, type = 'application/octet-stream') {
  const res = await fetch(`${u.api.base}/api/v1/activity-lesson/lessons/${lessonId}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${u.token}`, 'content-type': type, accept: 'application/json' },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const fetchAs = (env: TestEnv, u: TestUser | undefined, path: string, headers: Record<string, string> = {}) =>
  fetch(env.url + path, { headers: { ...(u ? { authorization: `Bearer ${u.token}` } : {}), ...headers }, redirect: 'manual' });

describe('activity-lesson files', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let trainer: TestUser;
  let learner: TestUser;
  let outsider: TestUser;
  let admin: TestUser;
  let lessonId: string;

  before(async () => {
    env = await startTestEnv({ only: ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse'], env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-lesson': { maxImageMB: 1 } }) } });
    trainer = await createUser(env, 'trainer');
    learner = await createUser(env, 'learner');
    outsider = await createUser(env, 'learner');
    admin = await createUser(env, 'admin');
    const c = await createCourseWithQuiz(trainer);
    lessonId = c.lessonId;
    expect((await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`)).status).to.be.oneOf([200, 201]);
  });
  after(() => env.stop());

  it('stores an upload under its sniffed type and serves it to those who may read the lesson', async () => {
    const r = await upload(trainer, lessonId, 'Foto Kantor.PNG', PNG, 'image/png');
    expect(r.status).to.equal(201);
    expect(r.body.file).to.include({ name: 'Foto-Kantor.png', mime: 'image/png', kind: 'image', size: PNG.length });
    expect(r.body.file.markdown).to.equal(`![Foto Kantor](${r.body.file.url})`);
    for (const who of [learner, trainer, admin]) {
      const res = await fetchAs(env, who, r.body.file.url);
      expect(res.status, who.username).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('image/png');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).to.equal(true);
    }
    expect((await fetchAs(env, outsider, r.body.file.url)).status).to.equal(403);
    const anon = await fetchAs(env, undefined, r.body.file.url, { accept: 'text/html' });
    expect(anon.status).to.equal(302);
    expect(anon.headers.get('location')).to.match(/^\/login/);
    expect((await fetchAs(env, learner, `/activity-lesson/files/${'0'.repeat(24)}/x.png`)).status).to.equal(404);
  });

  it('refuses a file whose content is not an allowed type, whatever its name', async () => {
    const r = await upload(trainer, lessonId, 'gambar.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/png');
    expect(r.status).to.equal(415);
    expect(r.body.error.code).to.equal('BINA_ERR_LESSON_FILE_TYPE');
    expect(r.body.error.message).to.contain('PNG');
    expect((await upload(trainer, lessonId, 'kosong.png', Buffer.alloc(0))).status).to.equal(415);
  });

  it('refuses an image above the size setting and keeps nothing of it', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    const r = await upload(trainer, lessonId, 'besar.png', big, 'image/png');
    expect(r.status).to.equal(413);
    expect(r.body.error.code).to.equal('BINA_ERR_LESSON_FILE_TOO_LARGE');
    expect(r.body.error.message).to.contain('1 MB');
    const list = await trainer.api.get(`/api/v1/activity-lesson/lessons/${lessonId}/files`);
    expect(list.body.files.map((f: { name: string }) => f.name)).not.to.include('besar.png');
  });

  it('lets only the course trainers upload, list and remove', async () => {
    expect((await upload(learner, lessonId, 'a.png', PNG)).status).to.equal(403);
    const other = await createUser(env, 'trainer');
    expect((await upload(other, lessonId, 'a.png', PNG)).status).to.equal(403);
    expect((await learner.api.get(`/api/v1/activity-lesson/lessons/${lessonId}/files`)).status).to.equal(403);
    const r = await upload(trainer, lessonId, 'hapus.png', PNG);
    expect((await learner.api.delete(`/api/v1/activity-lesson/lessons/${lessonId}/files/${r.body.file.id}`)).status).to.equal(403);
    expect((await trainer.api.delete(`/api/v1/activity-lesson/lessons/${lessonId}/files/${r.body.file.id}`)).status).to.equal(200);
    expect((await fetchAs(env, trainer, r.body.file.url)).status).to.equal(404);
  });

  it('serves a video in byte ranges (seeking) and shows it as a player in the lesson', async () => {
    const mp4 = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0mp42isom', 'latin1'), Buffer.alloc(5000, 1)]);
    const r = await upload(trainer, lessonId, 'kelas.mp4', mp4, 'video/mp4');
    expect(r.status).to.equal(201);
    expect(r.body.file.kind).to.equal('video');
    const part = await fetchAs(env, learner, r.body.file.url, { range: 'bytes=100-199' });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal(`bytes 100-199/${mp4.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(mp4.subarray(100, 200))).to.equal(true);
    expect((await fetchAs(env, learner, r.body.file.url, { range: 'bytes=99999-' })).status).to.equal(416);
    const saved = await trainer.api.put(`/api/v1/activity-lesson/lessons/${lessonId}`, { title: 'Materi', markdown: `# Video\n\n${r.body.file.markdown}` });
    expect(saved.body.lesson.html).to.contain(`<video controls preload="metadata" src="${r.body.file.url}"`).and.contain('<h2>Video</h2>');
  });
});
