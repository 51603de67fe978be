/**
 * The lesson forms' posts (lesson-pages.ts) from outside the browser: who may post them, and what
 * a post that no form would send gets. The refused-and-kept journey is in test/browser/trainer-pages.test.ts.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, startTestEnv, type TestEnv, type TestUser } from '../../../test/support/harness';

describe('activity-lesson forms', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let trainer: TestUser;
  let course: Awaited<ReturnType<typeof createCourseWithQuiz>>;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (u: TestUser, path: string, fields: Record<string, string>) =>
    u.api.request('POST', path, form(fields), { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' });

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    course = await createCourseWithQuiz(trainer);
  });
  after(() => env?.stop());

  it('refuses a learner and another course\'s trainer, and changes nothing', async () => {
    const learner = await createUser(env, 'learner');
    const other = await createUser(env, 'trainer');
    expect((await post(learner, `/activity-lesson/lessons/${course.lessonId}`, { title: 'Diubah', markdown: 'x' })).status).to.equal(403);
    expect((await post(other, `/activity-lesson/lessons/${course.lessonId}`, { title: 'Diubah', markdown: 'x' })).status).to.equal(403);
    expect((await post(other, '/activity-lesson/lessons', { courseId: course.courseId, title: 'Baru', markdown: 'x' })).status).to.equal(403);
    expect((await trainer.api.get(`/api/v1/activity-lesson/lessons/${course.lessonId}`)).body.lesson.title).to.equal('Materi');
  });

  it('answers 404 for a course id that is no id and for a lesson that does not exist', async () => {
    expect((await post(trainer, '/activity-lesson/lessons', { courseId: 'bukan-id', title: 'Baru', markdown: 'x' })).status).to.equal(404);
    expect((await post(trainer, '/activity-lesson/lessons', { title: 'Baru', markdown: 'x' })).status).to.equal(404);
    expect((await post(trainer, '/activity-lesson/lessons/0123456789abcdef01234567', { title: 'Baru', markdown: 'x' })).status).to.equal(404);
  });

  it('gives a refused new lesson back as typed, with the reason by the field (400)', async () => {
    const long = 'a'.repeat(200_001);
    const res = await post(trainer, '/activity-lesson/lessons?lang=id', { courseId: course.courseId, title: 'Materi panjang', markdown: long });
    expect(res.status).to.equal(400);
    expect(String(res.body)).to.include('value="Materi panjang"').and.include('id="markdown-error"').and.include('paling panjang 200.000 karakter');
  });
});
