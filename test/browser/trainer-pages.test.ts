/**
 * A trainer's pages in a real browser (issue 9, items 3, 5, 6 and part of 7): the quiz page once a
 * learner has an attempt (names the learner, never a 500), the language switch on pages whose
 * query schema is strict (the new lesson, quiz and exam forms and the inbox keep their query and
 * answer in English), the exam form's patterns (valid for the browser's `v` flag: no console
 * error, and the check runs), and the time limit in the reader's language.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

describe('trainer pages in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let course: Awaited<ReturnType<typeof createCourseWithQuiz>>;
  let page: Page;
  let errors: string[];

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Dra. Hasnawati');
    course = await createCourseWithQuiz(trainer, { quiz: { timeLimitMinutes: 15 } });
    const learner = await createUser(suite.env, 'learner', 'Yohanes Tandi');
    expect([200, 201]).to.include((await learner.api.post(`/api/v1/courses/${course.courseId}/enrol`)).status);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`);
    expect(start.status, JSON.stringify(start.body)).to.equal(201);
    const context = await suite.browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    errors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} (page ${page.url()})`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await loginThroughForm(page, suite.env.url, trainer.username, TEST_PASSWORD);
  });

  beforeEach(() => {
    errors.length = 0;
  });

  it('shows the quiz page with a learner\'s attempt, by name, with the time limit in minutes', async () => {
    const res = await page.goto(`${suite.env.url}/activity-quiz/quizzes/${course.quizId}?lang=id`);
    expect(res?.status()).to.equal(200);
    expect(await page.locator('main').textContent()).to.include('Yohanes Tandi').and.include('15 menit');
    await page.goto(`${suite.env.url}/activity-quiz/quizzes/${course.quizId}?lang=en`);
    expect(await page.locator('main').textContent()).to.include('15 min').and.not.include('menit');
    expect(errors).to.deep.equal([]);
  });

  for (const [name, path] of [['new lesson', '/activity-lesson/new'], ['new quiz', '/activity-quiz/new'], ['new exam', '/activity-exam/new']] as const) {
    it(`switches the ${name} form to English and back, keeping the course`, async () => {
      const res = await page.goto(`${suite.env.url}${path}?courseId=${course.courseId}&lang=id`);
      expect(res?.status()).to.equal(200);
      expect(await page.locator('html').getAttribute('lang')).to.equal('id');
      await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'en'), page.locator('a[lang="en"]').click()]);
      expect(await page.locator('html').getAttribute('lang')).to.equal('en');
      expect(new URL(page.url()).searchParams.get('courseId')).to.equal(course.courseId);
      expect(await page.locator('h1').textContent()).to.match(/New|new/);
      const direct = await page.goto(`${suite.env.url}${path}?lang=en&courseId=${course.courseId}`);
      expect(direct?.status()).to.equal(200);
      await page.goto(`${suite.env.url}/?lang=id`);
    });
  }

  it('creates a course with a decimal-comma JP; a refused form keeps every field, the level included', async () => {
    await page.goto(`${suite.env.url}/?lang=id`);
    await Promise.all([page.waitForURL('**/courses/new'), page.getByRole('link', { name: 'Kursus baru' }).click()]);
    expect(await page.locator('#level').inputValue(), 'a new course proposes level 3').to.equal('3');
    await page.locator('#title').fill('Et');
    await page.locator('#jp').fill('2,5');
    await page.locator('#competency').selectOption('MNJ-INT');
    await page.locator('#level').selectOption('4');
    await page.locator('#published').check();
    await page.locator('main button[type=submit]').click();
    await page.locator('#title.is-invalid').waitFor();
    expect(await page.locator('main').innerText()).to.include('Judul 3–200 karakter').and.not.include('Isi dengan angka');
    expect(await page.locator('#jp').inputValue()).to.equal('2,5');
    expect(await page.locator('#competency').inputValue()).to.equal('MNJ-INT');
    expect(await page.locator('#level').inputValue()).to.equal('4');
    expect(await page.locator('#published').isChecked()).to.equal(true);
    await page.locator('#title').fill('Etika Media Sosial ASN');
    await Promise.all([page.waitForURL(/\/courses\/[0-9a-f]{24}$/), page.locator('main button[type=submit]').click()]);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const saved = await suite.env.kernel.learning.models.Course.findById(id).lean();
    expect(saved).to.deep.include({ jp: 2.5, published: true });
    expect(saved!.competencies.map((c) => ({ code: c.code, level: c.level }))).to.deep.equal([{ code: 'MNJ-INT', level: 4 }]);
    // The edit form shows the same: JP with the Indonesian comma, the level as saved.
    await page.goto(`${suite.env.url}/courses/${id}/edit`);
    expect(await page.locator('#jp').inputValue()).to.equal('2,5');
    expect(await page.locator('#level').inputValue()).to.equal('4');
    await page.locator('#jp').fill('dua');
    await page.locator('main button[type=submit]').click();
    await page.locator('#jp.is-invalid').waitFor();
    expect(await page.locator('#level').inputValue()).to.equal('4');
    await page.screenshot({ path: '/tmp/bina-course-edit-error.png', fullPage: true });
    expect(errors.filter((e) => !e.includes('status of 400'))).to.deep.equal([]);
  });

  it('accepts ?lang on the inbox, whose query schema is strict', async () => {
    const res = await page.goto(`${suite.env.url}/notify-inbox?lang=en`);
    expect(res?.status()).to.equal(200);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await page.goto(`${suite.env.url}/?lang=id`);
  });

  it('checks the exam form\'s section key with a pattern the browser accepts', async () => {
    await page.goto(`${suite.env.url}/activity-exam/new?courseId=${course.courseId}`);
    const key = page.locator('#s1_key');
    await key.fill('twk-1');
    expect(await key.evaluate((el) => (el as unknown as { validity: { valid: boolean } }).validity.valid)).to.equal(true);
    await key.fill('TWK');
    expect(await key.evaluate((el) => (el as unknown as { validity: { patternMismatch: boolean } }).validity.patternMismatch)).to.equal(true);
    expect(errors).to.deep.equal([]);
  });

  it('moves a course activity up and down on the course page (a pre-test added last goes first); a learner cannot', async () => {
    // The course holds the lesson "Materi", then the quiz "Kuis"; a pre-test is added last.
    const pre = await trainer.api.post('/api/v1/activity-quiz/quizzes', { courseId: course.courseId, title: 'Pre-test', questions: course.questionIds.map((questionId) => ({ questionId })) });
    expect(pre.status, JSON.stringify(pre.body)).to.equal(201);
    const order = async () => (await page.locator('main ol.list-group > li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim().split(' ')[0]);
    await page.goto(`${suite.env.url}/courses/${course.courseId}?lang=id`);
    expect(await order()).to.deep.equal(['Materi', 'Kuis', 'Pre-test']);
    const preItem = page.locator('main ol.list-group > li', { hasText: 'Pre-test' });
    expect(await preItem.getByTestId('move-down').count(), 'the last has no "down"').to.equal(0);
    // A row with one arrow keeps it in the column of the rows with two (up left, down right).
    const rows = page.locator('main ol.list-group > li');
    const x = async (row: number, id: string) => Math.round((await rows.nth(row).getByTestId(id).boundingBox())!.x);
    expect(await x(0, 'move-down'), 'the first row\'s "down"').to.equal(await x(1, 'move-down'));
    expect(await x(2, 'move-up'), 'the last row\'s "up"').to.equal(await x(1, 'move-up'));
    for (let i = 0; i < 2; i++) {
      await Promise.all([page.waitForURL(/\/courses\/[a-f0-9]{24}#activity-/), page.locator('main ol.list-group > li', { hasText: 'Pre-test' }).getByRole('button', { name: 'Naikkan Pre-test satu urutan' }).click()]);
      await page.waitForLoadState('load');
    }
    expect(await order()).to.deep.equal(['Pre-test', 'Materi', 'Kuis']);
    await Promise.all([page.waitForURL(/#activity-/), page.locator('main ol.list-group > li', { hasText: 'Materi' }).getByTestId('move-down').click()]);
    await page.waitForLoadState('load');
    expect(await order()).to.deep.equal(['Pre-test', 'Kuis', 'Materi']);
    // The learner's course page follows the same order, with no move buttons; posting one is refused.
    const learner = await createUser(suite.env, 'learner');
    expect([200, 201]).to.include((await learner.api.post(`/api/v1/courses/${course.courseId}/enrol`)).status);
    const detail = (await learner.api.get(`/api/v1/courses/${course.courseId}`)).body;
    expect(detail.activities.map((a: { title: string }) => a.title)).to.deep.equal(['Pre-test', 'Kuis', 'Materi']);
    const html = String((await learner.api.request('GET', `/courses/${course.courseId}`, undefined, { accept: 'text/html' })).body);
    expect(html).not.to.include('/move"');
    const activityId = /id="activity-([a-f0-9]{24})"/.exec(html)![1]!;
    expect((await learner.api.request('POST', `/courses/${course.courseId}/activities/${activityId}/move`, { direction: 'down' }, { accept: 'text/html' })).status).to.equal(403);
    expect(errors).to.deep.equal([]);
  });
  it('keeps a lesson\'s text when its edit is refused, says why by the title, and saves once corrected', async () => {
    await page.goto(`${suite.env.url}/activity-lesson/lessons/${course.lessonId}/edit?lang=id`);
    const text = `# Alur layanan\n\n${'Warga datang ke loket, mengambil nomor antrean, lalu dilayani. '.repeat(40)}`;
    // A title of spaces passes the browser's "required" and is refused by the server.
    await page.locator('#title').fill('   ');
    await page.locator('#markdown').fill(text);
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/activity-lesson/lessons/')), page.getByRole('button', { name: 'Simpan' }).click()]);
    expect(refused.status()).to.equal(400);
    await page.getByTestId('lesson-refused').waitFor();
    expect(await page.locator('#markdown').inputValue(), 'what the trainer wrote is still there').to.equal(text);
    expect(await page.locator('#title').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.locator('#title-error').textContent()).to.include('Judul wajib diisi');
    // The browser logs the refused form's 400 as a failed load: that one is meant.
    expect(errors.splice(0).every((e) => e.includes('status of 400'))).to.equal(true);
    await page.locator('#title').fill('Alur layanan di loket');
    await Promise.all([page.waitForURL((u) => u.pathname === `/activity-lesson/lessons/${course.lessonId}`), page.getByRole('button', { name: 'Simpan' }).click()]);
    expect(await page.locator('main h1').first().textContent()).to.include('Alur layanan di loket');
    expect(await page.locator('main').textContent()).to.include('Warga datang ke loket');
    // A lesson with a link to its file list is still whole: the form's file section is back.
    await page.goto(`${suite.env.url}/activity-lesson/lessons/${course.lessonId}/edit?lang=id`);
    expect(await page.getByTestId('lesson-files').count()).to.equal(1);
    expect(errors).to.deep.equal([]);
  });
});
