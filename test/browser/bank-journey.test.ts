/**
 * Issue 10's journey in a real browser: a trainer finds her course on her home page, builds a quiz
 * from bank questions (picker: filter, preview, tick) and random draws, an exam whose sections draw
 * from bank categories (the form counts each pool live), enrols a learner through the participants
 * page's search, and after the learner took both, downloads the grades as XLSX and finds his marks
 * per activity and per question in it.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

const mc = (stem: string) => ({ type: 'multichoice', name: stem, stem, data: { single: true, shuffle: true, options: [{ id: 'ka', text: 'Benar', fraction: 1 }, { id: 'kb', text: 'Keliru', fraction: 0 }] } });

describe('quiz and exam from the question bank, taken and graded, in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();

  let trainer: TestUser;
  let learner: TestUser;
  let courseId: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Dra. Widyaiswara Uji');
    learner = await createUser(suite.env, 'learner', 'Rahmat Peserta');
    courseId = (await trainer.api.post('/api/v1/courses', { title: 'Latihan SKD Bank', jp: 2, published: true })).body.course.id;
    const bankId = (await trainer.api.post('/api/v1/banks', { name: 'Bank Latihan', owner: { type: 'course', id: courseId } })).body.bank.id;
    const root = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories[0].id;
    for (const [name, stems] of [['TWK', ['Sila pertama', 'Sila kedua', 'Sila ketiga']], ['TIU', ['Deret satu', 'Deret dua', 'Deret tiga']]] as const) {
      const categoryId = (await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name, parentId: root })).body.category.id;
      for (const stem of stems) expect((await trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId, ...mc(stem) })).status).to.equal(201);
    }
  });

  async function open(user: TestUser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await suite.browser.newContext({ locale: 'id-ID', viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await loginThroughForm(page, suite.env.url, user.username, TEST_PASSWORD);
    return { context, page, errors };
  }

  /** Chooses the option whose text contains `text` (category labels are indented by depth). */
  async function choose(page: Page, select: string, text: string) {
    const value = await page.locator(`${select} option`, { hasText: text }).first().getAttribute('value');
    await page.locator(select).selectOption(value!);
  }

  /** Ticks "Benar" in every question, moving on with Next, and submits from the summary; lands on the result page. */
  async function answerAndSubmit(page: Page, kind: 'activity-quiz' | 'activity-exam') {
    const cards = page.locator('fieldset[data-slot]');
    const n = await cards.count();
    for (let i = 0; i < n; i++) {
      await cards.nth(i).getByLabel('Benar', { exact: true }).check();
      if (i < n - 1) await page.locator('[data-room-card]:visible').getByRole('button', { name: 'Berikutnya' }).click();
    }
    await Promise.all([page.waitForURL(`**/${kind}/attempts/*/summary`), page.getByTestId('submit').click()]);
    await Promise.all([page.waitForURL(`**/${kind}/attempts/*/result`), page.getByTestId('submit-final').click()]);
    return n;
  }

  it('builds, takes and exports', async () => {
    const t = await open(trainer);
    const { page } = t;
    try {
      // Home: the course she teaches (not "no courses").
      expect(await page.getByTestId('trainer-home').innerText()).to.include('Latihan SKD Bank');
      await Promise.all([page.waitForURL(`**/courses/${courseId}`), page.getByTestId('trainer-home').getByRole('link', { name: 'Latihan SKD Bank' }).click()]);

      // Quiz: two bank questions picked, then two random ones from TIU.
      await Promise.all([page.waitForURL('**/activity-quiz/new**'), page.getByRole('link', { name: 'Tambah: Kuis' }).click()]);
      await page.locator('#title').fill('Kuis dari Bank');
      await Promise.all([page.waitForURL('**/activity-quiz/quizzes/*/edit'), page.getByRole('button', { name: 'Buat kuis' }).click()]);
      await choose(page, '#pk-cat', 'TWK (3)');
      await Promise.all([page.waitForURL('**/edit?**'), page.getByTestId('picker-search').click()]);
      expect(await page.getByTestId('picker-total').innerText()).to.include('3 soal cocok');
      await page.locator('details', { hasText: 'Pratinjau' }).first().locator('summary').click();
      await page.getByLabel('Sila pertama').check();
      await page.getByLabel('Sila kedua').check();
      await Promise.all([page.waitForURL('**/edit**'), page.getByTestId('add-ticked').click()]);
      expect(await page.getByTestId('slots').locator('li').count()).to.equal(2);
      await choose(page, '#pk-cat', 'TIU (3)');
      await Promise.all([page.waitForURL('**/edit?**'), page.getByTestId('picker-search').click()]);
      await page.locator('#rnd-count').fill('2');
      await Promise.all([page.waitForURL('**/edit**'), page.getByTestId('add-random').click()]);
      const slots = await page.getByTestId('slots').innerText();
      expect(slots).to.include('Sila pertama').and.to.include('Soal acak dari Bank Latihan');
      expect(await page.getByTestId('slots').locator('li').count()).to.equal(4);
      await page.screenshot({ path: '/tmp/bank-quiz-edit.png', fullPage: true });

      // Exam: two sections drawing from the TWK and TIU categories, counted live.
      await page.goto(`${suite.env.url}/courses/${courseId}`);
      await Promise.all([page.waitForURL('**/activity-exam/new**'), page.getByRole('link', { name: 'Tambah: Ujian' }).click()]);
      await page.locator('#title').fill('Ujian dari Bank');
      for (const [n, key, cat] of [[1, 'twk', 'TWK (3)'], [2, 'tiu', 'TIU (3)']] as const) {
        await page.locator(`#s${n}_key`).fill(key);
        await choose(page, `#s${n}_source`, cat);
        await page.locator(`#s${n}_count`).fill('2');
        await page.locator(`#s${n}_mark`).fill('5');
        await waitFor(async () => (await page.locator(`[data-section-row="${n}"] [data-pool-count]`).innerText()).includes('Tersedia 3 soal'), `the live pool count of section ${n}`);
      }
      await page.screenshot({ path: '/tmp/bank-exam-form.png', fullPage: true });
      await Promise.all([page.waitForURL(/\/activity-exam\/exams\/[a-f0-9]{24}$/), page.getByRole('button', { name: 'Buat ujian' }).click()]);
      expect(await page.locator('table', { hasText: 'Persediaan soal' }).innerText()).to.match(/twk\s+2\s+3/);

      // Participants: find the learner by name and enrol him.
      await page.goto(`${suite.env.url}/courses/${courseId}/participants`);
      await page.locator('#q').fill('Rahmat');
      await Promise.all([page.waitForURL('**/participants?q=**'), page.getByTestId('people-search').click()]);
      await page.getByLabel(/Rahmat Peserta/).check();
      await Promise.all([page.waitForURL('**/participants?done=1'), page.getByTestId('enrol-ticked').click()]);
      expect(await page.getByTestId('participants').innerText()).to.include('Rahmat Peserta');
      expect(t.errors).to.deep.equal([]);
    } finally {
      await t.context.close();
    }

    // The learner takes the quiz and the exam.
    const l = await open(learner);
    try {
      await l.page.goto(`${suite.env.url}/courses/${courseId}`);
      await Promise.all([l.page.waitForURL('**/activity-quiz/quizzes/*'), l.page.getByRole('link', { name: 'Kuis dari Bank' }).click()]);
      await Promise.all([l.page.waitForURL('**/activity-quiz/attempts/*'), l.page.getByTestId('start').click()]);
      expect(await answerAndSubmit(l.page, 'activity-quiz')).to.equal(4);
      await l.page.goto(`${suite.env.url}/courses/${courseId}`);
      await Promise.all([l.page.waitForURL('**/activity-exam/exams/*'), l.page.getByRole('link', { name: 'Ujian dari Bank' }).click()]);
      await Promise.all([l.page.waitForURL('**/activity-exam/attempts/*'), l.page.getByTestId('start').click()]);
      expect(await answerAndSubmit(l.page, 'activity-exam')).to.equal(4);
      expect(l.errors).to.deep.equal([]);
    } finally {
      await l.context.close();
    }

    // The trainer downloads the grades as XLSX once both are graded.
    await waitFor(async () => {
      const g = (await trainer.api.get(`/api/v1/courses/${courseId}/grades`)).body;
      const row = g.learners?.[0];
      return row && g.activities.every((a: { id: string }) => row.grades[a.id]?.score !== null && row.grades[a.id]) ? g : null;
    }, 'both activities graded');
    const t2 = await open(trainer);
    try {
      await t2.page.goto(`${suite.env.url}/courses/${courseId}`);
      await Promise.all([t2.page.waitForURL('**/grades'), t2.page.getByRole('main').getByRole('link', { name: 'Nilai', exact: true }).first().click()]);
      expect(await t2.page.getByTestId('grades').innerText()).to.include('Rahmat Peserta');
      await t2.page.screenshot({ path: '/tmp/bank-grades.png', fullPage: true });
      const [download] = await Promise.all([t2.page.waitForEvent('download'), t2.page.getByTestId('grades-xlsx').click()]);
      expect(download.suggestedFilename()).to.equal('nilai-Latihan-SKD-Bank.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await download.path())!);
      const rows = (wb.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1));
      const header = rows[0] as string[];
      const mine = rows.find((r) => r.includes('Rahmat Peserta'))!;
      const col = (title: string) => header.findIndex((h) => typeof h === 'string' && h.startsWith(title));
      expect(mine[col('Kuis dari Bank (')]).to.equal(4);
      expect(mine[col('Ujian dari Bank (')]).to.equal(20);
      expect(mine[col('Ujian dari Bank · TWK 1')]).to.equal(5);
      expect(t2.errors).to.deep.equal([]);
    } finally {
      await t2.context.close();
    }
  });

  it('shows the trainer\'s new pages at phone width without sideways scrolling, in Indonesian and English', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 393, height: 851 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'id-ID' });
    const page = await context.newPage();
    try {
      await loginThroughForm(page, suite.env.url, trainer.username, TEST_PASSWORD);
      const quizId = (await trainer.api.get(`/api/v1/courses/${courseId}`)).body.activities.find((a: { type: string }) => a.type === 'activity-quiz').refId;
      const pages = ['/', `/courses/${courseId}/participants?q=Rahmat`, `/courses/${courseId}/grades`, `/courses/${courseId}/edit`, `/activity-quiz/quizzes/${quizId}/edit`];
      for (const lang of ['id', 'en']) {
        for (const path of pages) {
          const res = await page.goto(`${suite.env.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          expect(res?.status(), path).to.equal(200);
          const { overflow, wide } = await page.evaluate(() => {
            type El = { tagName: string; className: string; getBoundingClientRect(): { right: number } };
            const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): El[] } }).document;
            const root = doc.documentElement;
            const wide = [...doc.querySelectorAll('body *:not(.table-responsive *)')].filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1).slice(0, 4).map((e) => `${e.tagName}.${e.className}`);
            return { overflow: root.scrollWidth - root.clientWidth, wide };
          });
          expect(overflow, `${path} (${lang}) scrolls sideways: ${wide.join(' ')}`).to.be.at.most(0);
          await page.screenshot({ path: `/tmp/bank-phone-${lang}-${path.split('/').filter(Boolean).slice(-1)[0]?.split('?')[0] ?? 'home'}.png`, fullPage: true });
        }
      }
    } finally {
      await context.close();
    }
  });
});
