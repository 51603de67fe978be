/**
 * The exam room as a learner meets it (BKN's CAT as the model), on a desktop and on a phone
 * (393 px): the site navigation is gone and the timer stays on screen; one question per screen
 * with next and previous, the grid and the section tabs; a question marked ragu-ragu turns the
 * grid amber and is kept on the server; a 10-word essay under a 20-word minimum is counted live,
 * saved and marked; the summary lists what is unanswered, flagged and outside the word limit, and
 * leads back to it; the one exit warns first; then the submit shows the result.
 *
 * Without JavaScript the same room works through form posts: each move saves the question on
 * screen (answer and flag) and opens the next one by its address.
 *
 * Screenshots (desktop and phone, id and en): /tmp/bina-room-*.png.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';
import { createBank, createCourse, createExam, enrol, examApi, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 3, mark: 5 },
  { key: 'tkp', kind: 'tkp', pool: 2, mark: 5 },
  { key: 'esai', kind: 'essay', pool: 1, mark: 10 },
];
const TOTAL = 6;
const TEN_WORDS = 'Pelayanan publik yang baik dimulai dari integritas setiap aparatur negara.';

describe('the exam room', function () {
  this.timeout(240_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let courseId: string;
  let examId: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Ruang Ujian');
    courseId = await createCourse(trainer);
    const ids = await createBank(suite.env, trainer, courseId, SECTIONS);
    // The essay asks for 20 to 150 words.
    await suite.env.kernel.learning.models.Question.updateMany({ _id: { $in: ids.esai } }, { $set: { 'data.minWords': 20, 'data.maxWords': 150 } });
    examId = (await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 90 })).exam.id;
  });

  const attemptDoc = (id: string) => examApi(suite.env).service.models.Attempt.findById(id).lean().then((a) => (a ? examApi(suite.env).service.withAnswers(a) : a)); // answers attached: they live in their own documents (ADR 0053)
  const visibleCards = (page: Page) => page.locator('[data-room-card]:visible');
  const cell = (page: Page, n: number) => page.locator(`[data-room-cell="${n}"]`);
  const openNumber = async (page: Page) => Number(await visibleCards(page).first().getAttribute('data-room-card'));

  async function startAs(page: Page, name: string): Promise<{ learner: TestUser; attemptId: string }> {
    const learner = await createUser(suite.env, 'learner', name);
    await enrol(learner, courseId);
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
    await page.goto(`${suite.env.url}/activity-exam/exams/${examId}`);
    await Promise.all([page.waitForURL('**/activity-exam/attempts/*'), page.getByTestId('start').click()]);
    return { learner, attemptId: new URL(page.url()).pathname.split('/').pop()! };
  }

  for (const device of [
    { name: 'desktop', viewport: { width: 1280, height: 860 }, mobile: false },
    { name: 'phone', viewport: { width: 393, height: 851 }, mobile: true },
  ]) {
    it(`takes an exam through the grid, with flags, the summary and a word-limited essay (${device.name})`, async () => {
      const context = await suite.browser.newContext({ locale: 'id-ID', viewport: device.viewport, isMobile: device.mobile, hasTouch: device.mobile, deviceScaleFactor: device.mobile ? 2 : 1 });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      const dialogs: string[] = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.accept(); });
      try {
        const { attemptId } = await startAs(page, `Peserta ${device.name}`);
        // Focus mode: no site navigation, one exit, the timer counting.
        expect(await page.locator('.bina-navbar').count()).to.equal(0);
        await page.getByTestId('room-exit').waitFor();
        await page.waitForFunction(() => /\d+:\d\d/.test((globalThis as any).document.getElementById('time-left')?.textContent ?? ''));
        // One question on screen, the grid of the open section (TWK: 3), three section tabs.
        expect(await visibleCards(page).count()).to.equal(1);
        expect(await openNumber(page)).to.equal(1);
        expect(await page.locator('[data-room-cell]:visible').count()).to.equal(3);
        expect(await page.locator('[data-room-tab]').count()).to.equal(3);
        await page.getByTestId('conn-state').and(page.locator('[data-online="true"]')).waitFor();

        // Question 1: answered, the grid turns green once it is on the server.
        await visibleCards(page).getByLabel('Benar', { exact: true }).check();
        await visibleCards(page).locator('.save-state[data-state="saved"]').waitFor();
        expect(await cell(page, 1).getAttribute('data-state')).to.equal('answered');

        // Next: question 2, marked ragu-ragu (amber), kept on the server.
        await visibleCards(page).getByRole('button', { name: 'Berikutnya' }).click();
        expect(await openNumber(page)).to.equal(2);
        expect(new URL(page.url()).searchParams.get('q')).to.equal('2');
        await visibleCards(page).getByText('Ragu-ragu', { exact: true }).click();
        expect(await cell(page, 2).getAttribute('data-state')).to.equal('flagged');
        const slot2 = await visibleCards(page).locator('fieldset').getAttribute('data-slot');
        await waitFor(async () => (await attemptDoc(attemptId))?.flags?.[slot2!] === true, 'the flag on the server');

        // The essay section's tab: a 10-word answer under the 20-word minimum is counted and marked, and saved.
        await page.locator('[data-room-tab="esai"]').click();
        expect(await openNumber(page)).to.equal(TOTAL);
        const essay = visibleCards(page).locator('textarea');
        await essay.fill(TEN_WORDS);
        const words = visibleCards(page).locator('[data-room-words]');
        await words.and(page.locator('[data-outside="true"]')).waitFor();
        expect(await words.innerText()).to.include('10 kata').and.include('20–150');
        await visibleCards(page).locator('.save-state[data-state="saved"]').waitFor();
        await page.screenshot({ path: `/tmp/bina-room-${device.name}-id.png`, fullPage: !device.mobile });
        // On a phone the timer stays on screen below the fold.
        await page.mouse.wheel(0, 2000);
        const bar = await page.locator('#time-left').boundingBox();
        expect(bar && bar.y >= 0 && bar.y < device.viewport.height, 'the timer on screen').to.equal(true);

        // Back through the grid: question 1 from the TWK tab.
        await page.locator('[data-room-tab="twk"]').click();
        await cell(page, 3).click();
        expect(await openNumber(page)).to.equal(3);

        // The summary: unanswered 2 to 5; flagged 2; the essay outside its limit.
        await Promise.all([page.waitForURL('**/summary'), page.getByTestId('submit').click()]);
        expect(await page.locator('.bina-navbar').count()).to.equal(0);
        await page.getByTestId('summary-warning').waitFor();
        const summary = page.getByTestId('summary');
        const listed = async (section: string, what: string) => (await summary.locator(`[data-section="${section}"] [data-testid="${what}"]`).innerText()).replace(/\s+/g, ' ').trim();
        expect(await listed('twk', 'unanswered')).to.equal('2 3');
        expect(await listed('twk', 'flagged')).to.equal('2');
        expect(await listed('tkp', 'unanswered')).to.equal('4 5');
        expect(await listed('tkp', 'flagged')).to.equal('Tidak ada');
        expect(await listed('esai', 'outside')).to.equal(`Soal ${TOTAL}: 10 kata`);
        await page.screenshot({ path: `/tmp/bina-room-${device.name}-summary-id.png`, fullPage: true });

        // Back to the flagged question from the summary; clear the flag; the summary no longer lists it.
        await Promise.all([page.waitForURL('**/attempts/*?q=2'), summary.locator('.room-link-flagged', { hasText: '2' }).click()]);
        expect(await openNumber(page)).to.equal(2);
        await visibleCards(page).getByText('Ragu-ragu', { exact: true }).click();
        await waitFor(async () => (await attemptDoc(attemptId))?.flags?.[slot2!] === false, 'the flag cleared on the server');

        // The one exit warns first, and leads back.
        await Promise.all([page.waitForURL('**/exit'), page.getByTestId('room-exit').click()]);
        expect(await page.locator('.bina-navbar').count()).to.equal(0);
        expect(await page.locator('#exit-body').innerText()).to.include('Waktu tetap berjalan');
        await Promise.all([page.waitForURL(`**/attempts/${attemptId}`), page.getByTestId('exit-stay').click()]);

        // The room in English, for the screenshot.
        await page.goto(`${suite.env.url}/activity-exam/attempts/${attemptId}?q=${TOTAL}&lang=en`);
        await page.locator('[data-room-words]').and(page.locator('[data-outside="true"]')).waitFor();
        expect(await page.locator('[data-room-words]').innerText()).to.include('10 words');
        await page.screenshot({ path: `/tmp/bina-room-${device.name}-en.png`, fullPage: !device.mobile });
        await page.goto(`${suite.env.url}/activity-exam/attempts/${attemptId}/summary?lang=id`);
        expect(await page.getByTestId('flagged').first().innerText()).to.equal('Tidak ada');

        // Submit from the summary: it warns (unanswered, word limit), then the result.
        await Promise.all([page.waitForURL('**/result'), page.getByTestId('submit-final').click()]);
        expect(dialogs.some((d) => /belum dijawab/.test(d)), dialogs.join(' | ')).to.equal(true);
        const done = (await attemptDoc(attemptId))!;
        expect(done.state).to.not.equal('in_progress');
        expect(Object.values(done.answers).filter((a) => a.r !== null), 'the two answers kept through the submit').to.have.length(2);
        expect(errors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }

  it('works without JavaScript: one question per page, moves by form posts that save the answer and the flag', async () => {
    const context = await suite.browser.newContext({ locale: 'id-ID', javaScriptEnabled: false, viewport: { width: 393, height: 851 } });
    const page = await context.newPage();
    try {
      const { attemptId } = await startAs(page, 'Peserta Tanpa Skrip');
      expect(await visibleCards(page).count()).to.equal(1);
      await visibleCards(page).getByLabel('Benar', { exact: true }).check();
      await visibleCards(page).getByText('Ragu-ragu', { exact: true }).click();
      await Promise.all([page.waitForURL('**?q=2'), visibleCards(page).getByRole('button', { name: 'Berikutnya' }).click()]);
      expect(await openNumber(page)).to.equal(2);
      const doc = (await attemptDoc(attemptId))!;
      const first = doc.slots[0]!.slot;
      expect(doc.answers[first]?.r).to.deep.equal({ selected: ['a'] });
      expect(doc.flags?.[first]).to.equal(true);
      expect(await cell(page, 1).getAttribute('data-state')).to.equal('flagged');
      // The grid jumps by a post too; nothing on the page but question 2 was posted, so question 1 keeps its answer.
      await Promise.all([page.waitForURL('**?q=3'), cell(page, 3).click()]);
      expect((await attemptDoc(attemptId))!.answers[first]?.r).to.deep.equal({ selected: ['a'] });
      await Promise.all([page.waitForURL('**/summary'), page.getByTestId('submit').click()]);
      expect(await page.getByTestId('flagged').first().innerText()).to.equal('1');
      await Promise.all([page.waitForURL('**/result'), page.getByTestId('submit-final').click()]);
      await page.screenshot({ path: '/tmp/bina-room-nojs-result.png', fullPage: true });
    } finally {
      await context.close();
    }
  });
});
