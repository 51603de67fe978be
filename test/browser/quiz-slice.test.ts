/**
 * The first slice in a real browser (headless chromium via playwright-core): log in through the
 * form, enrol, read the lesson, take the quiz with JS autosave (answers survive a reload, the
 * answer key never reaches the page), submit, and see the worker's score on the result page,
 * equal to what the API reports. A second test walks the same attempt with JavaScript off.
 */
import { expect } from 'chai';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

const MC_STEM = 'Ibu kota Provinsi Sulawesi Barat adalah…';
const TF_STEM = 'Kabupaten Mamuju berada di Provinsi Sulawesi Barat.';
const SA_STEM = 'Sebutkan ibu kota Provinsi Sulawesi Selatan.';
const SA_RIGHT = 'Makassar';

const QUESTIONS = [
  { type: 'multichoice', stem: MC_STEM, data: { single: true, shuffle: true, options: [{ id: 'mju', text: 'Mamuju', fraction: 1 }, { id: 'mjn', text: 'Majene', fraction: 0 }, { id: 'pwl', text: 'Polewali', fraction: 0 }] } },
  { type: 'truefalse', stem: TF_STEM, data: { correct: true } },
  { type: 'shortanswer', stem: SA_STEM, data: { caseSensitive: false, answers: [{ text: SA_RIGHT, fraction: 1 }] } },
];

/** The question card (fieldset) whose stem is `stem`; the quiz shuffles, so never by position. */
const card = (page: Page, stem: string): Locator => page.locator('fieldset[data-slot]').filter({ has: page.locator('.question-stem', { hasText: stem }) });

/** The score as the result template prints it (`{{number score}} / {{number maxScore}}`). */
async function expectedScoreText(page: Page, score: number, maxScore: number): Promise<string> {
  const lang = await page.locator('html').getAttribute('lang');
  const fmt = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'id-ID', { maximumFractionDigits: 2 });
  return `${fmt.format(score)} / ${fmt.format(maxScore)}`;
}

/** The answer key must never be in an open attempt page: no right short answer, no fractions. */
async function expectNoAnswerKey(page: Page, { typed }: { typed: boolean }): Promise<void> {
  const html = await page.content();
  // Before the learner types anything, not even a lower-case variant may appear.
  if (typed) expect(html, 'attempt page leaks the right short answer').not.to.include(SA_RIGHT);
  else expect(html, 'attempt page leaks the right short answer').not.to.match(/makassar/i);
  expect(html, 'attempt page leaks fractions').not.to.match(/fraction/i);
}

describe('quiz slice in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();

  let trainer: TestUser;
  let courseId: string;
  let lessonId: string;
  let quizId: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Uji');
    ({ courseId, lessonId, quizId } = await createCourseWithQuiz(trainer, { questions: QUESTIONS }));
  });


  /** A new context; `errors` collects uncaught page errors and console errors. */
  async function newContext(opts: { javaScriptEnabled: boolean }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await suite.browser.newContext({ javaScriptEnabled: opts.javaScriptEnabled, locale: 'id-ID', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // The layout links no icon, so the browser's own /favicon.ico probe 404s: not a page error.
      if (m.type() !== 'error' || m.location().url.endsWith('/favicon.ico')) return;
      errors.push(`console: ${m.text()} at ${m.location().url} (page ${page.url()})`);
    });
    return { context, page, errors };
  }

  /** Logs in, opens the course and enrols with the button; returns on the course page. */
  async function loginAndEnrol(page: Page, learner: TestUser, name: string): Promise<void> {
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
    expect(new URL(page.url()).pathname).to.equal('/');
    expect(await page.getByTestId('user-name').textContent()).to.equal(name);
    await page.goto(`${suite.env.url}/courses/${courseId}`);
    const enrol = page.locator(`form[action="/courses/${courseId}/enrol"] button[type=submit]`);
    await Promise.all([page.waitForURL(`**/courses/${courseId}`), enrol.click()]);
    await page.locator('.alert-success').waitFor();
    expect(await enrol.count(), 'enrol button still shown after enrolling').to.equal(0);
  }

  it('logs in, enrols, reads the lesson, autosaves answers, submits and shows the graded score', async () => {
    const learner = await createUser(suite.env, 'learner', 'Peserta Satu');
    const { context, page, errors } = await newContext({ javaScriptEnabled: true });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.accept();
    });
    try {
      await loginAndEnrol(page, learner, 'Peserta Satu');

      // The lesson, through its link on the course page.
      await Promise.all([page.waitForURL(`**/activity-lesson/**`), page.getByRole('link', { name: 'Materi', exact: true }).click()]);
      expect(page.url()).to.include(lessonId);
      expect(await page.getByTestId('lesson-body').innerText()).to.include('Isi materi.');
      // The lesson's own '# Judul' sits below the page title (h1), as an h2.
      expect(await page.locator('[data-testid=lesson-body] h2').innerText()).to.equal('Judul');

      // The quiz, through its link on the course page.
      await page.goto(`${suite.env.url}/courses/${courseId}`);
      await Promise.all([page.waitForURL(`**/activity-quiz/quizzes/${quizId}`), page.getByRole('link', { name: 'Kuis', exact: true }).click()]);
      await Promise.all([page.waitForURL('**/activity-quiz/attempts/*'), page.getByTestId('start').click()]);
      const attemptId = new URL(page.url()).pathname.split('/').pop()!;
      expect(attemptId).to.match(/^[a-f0-9]{24}$/);
      expect(await page.locator('fieldset[data-slot]').count()).to.equal(3);
      // A short quiz: every question on one page (the room's "show all").
      await Promise.all([page.waitForURL('**?all=1'), page.getByTestId('show-all').click()]);
      await expectNoAnswerKey(page, { typed: false });

      // Question "1" (multichoice): a click autosaves, shown only once the server acknowledged it.
      const mc = card(page, MC_STEM);
      expect(await mc.locator('.save-state').getAttribute('data-state')).to.equal('idle');
      await mc.getByLabel('Mamuju', { exact: true }).check();
      await mc.locator('.save-state[data-state="saved"]').waitFor();
      // True/false: answered wrong on purpose, so the score is a non-trivial 2 / 3.
      const tf = card(page, TF_STEM);
      await tf.locator('input[type=radio][value="false"]').check();
      await tf.locator('.save-state[data-state="saved"]').waitFor();
      // Short answer: typing autosaves after a short pause (case-insensitive right answer).
      const sa = card(page, SA_STEM);
      await sa.locator('input[name^="q_"]').pressSequentially('makassar');
      await sa.locator('.save-state[data-state="saved"]').waitFor();
      // "saved" could belong to a prefix if typing stalled past the debounce: wait for the full text.
      const saSlot = (await sa.getAttribute('data-slot'))!;
      const open = await waitFor(async () => {
        const r = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
        const q = r.body?.questions?.find((x: { slot: string }) => x.slot === saSlot);
        return q?.response?.text === 'makassar' ? r.body : undefined;
      }, 'the typed short answer on the server');
      // The open attempt over the API carries no answer key either.
      expect(JSON.stringify(open)).not.to.include(SA_RIGHT);
      expect(JSON.stringify(open)).not.to.match(/fraction/i);
      await page.screenshot({ path: '/tmp/bina-attempt.png', fullPage: true });

      // The server has the answers: after a reload they are still selected and filled.
      await page.reload();
      expect(await mc.getByLabel('Mamuju', { exact: true }).isChecked()).to.equal(true);
      expect(await tf.locator('input[type=radio][value="false"]').isChecked()).to.equal(true);
      expect(await sa.locator('input[name^="q_"]').inputValue()).to.equal('makassar');
      for (const c of [mc, tf, sa]) expect(await c.locator('.save-state').getAttribute('data-state')).to.equal('saved');
      await expectNoAnswerKey(page, { typed: true });

      // Submit through the summary (the script asks confirm(); the dialog handler accepts it) and land on the result.
      await Promise.all([page.waitForURL(`**/activity-quiz/attempts/${attemptId}/summary`), page.getByTestId('submit').click()]);
      await page.getByTestId('summary-clear').waitFor();
      await Promise.all([page.waitForURL(`**/activity-quiz/attempts/${attemptId}/result`), page.getByTestId('submit-final').click()]);
      expect(dialogs).to.deep.equal(['confirm: Serahkan sekarang? Jawaban tidak dapat diubah lagi.']);
      // The worker grades in the background; result.js reloads the page once it is graded.
      const score = page.getByTestId('score');
      await score.waitFor({ timeout: 60_000 });
      const api = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(api.status).to.equal(200);
      expect(api.body.attempt.state).to.equal('graded');
      expect(api.body.score).to.equal(2);
      expect(api.body.maxScore).to.equal(3);
      expect((await score.innerText()).trim()).to.equal(await expectedScoreText(page, api.body.score, api.body.maxScore));
      await page.screenshot({ path: '/tmp/bina-result.png', fullPage: true });
      expect(errors, 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('works without JavaScript: save, reload, submit and (after reloads) the score', async () => {
    const learner = await createUser(suite.env, 'learner', 'Peserta Dua');
    const { context, page, errors } = await newContext({ javaScriptEnabled: false });
    try {
      await loginAndEnrol(page, learner, 'Peserta Dua');
      await page.goto(`${suite.env.url}/activity-quiz/quizzes/${quizId}`);
      await Promise.all([page.waitForURL('**/activity-quiz/attempts/*'), page.getByTestId('start').click()]);
      const attemptId = new URL(page.url()).pathname.split('/').pop()!;
      await Promise.all([page.waitForURL('**?all=1'), page.getByTestId('show-all').click()]);
      await expectNoAnswerKey(page, { typed: false });

      const mc = card(page, MC_STEM);
      await mc.getByLabel('Mamuju', { exact: true }).check();
      const sa = card(page, SA_STEM);
      await sa.locator('input[name^="q_"]').fill('Makasar');
      // "Simpan jawaban" posts the whole form and comes back to the attempt page.
      // The page is already on this URL, so waitForURL would not wait: wait for the redirected GET
      // that ends the POST, then for it to load, before reloading.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/activity-quiz/attempts/${attemptId}`),
        page.getByRole('button', { name: 'Simpan jawaban' }).click(),
      ]);
      await page.waitForLoadState('load');
      await page.reload();
      expect(await mc.getByLabel('Mamuju', { exact: true }).isChecked()).to.equal(true);
      expect(await sa.locator('input[name^="q_"]').inputValue()).to.equal('Makasar');
      expect(await mc.locator('.save-state').getAttribute('data-state')).to.equal('saved');
      expect(await card(page, TF_STEM).locator('.save-state').getAttribute('data-state')).to.equal('idle');
      await expectNoAnswerKey(page, { typed: true });

      // Without JS there is no confirm(): the summary page is the warning, and its button submits straight away.
      await Promise.all([page.waitForURL(`**/activity-quiz/attempts/${attemptId}/summary`), page.getByTestId('submit').click()]);
      expect(await page.getByTestId('unanswered').innerText()).to.match(/\d/);
      await Promise.all([page.waitForURL(`**/activity-quiz/attempts/${attemptId}/result`), page.getByRole('button', { name: 'Selesai dan serahkan' }).click()]);
      // No script reloads the page for us: reload until the worker's score is there (bounded).
      const scoreText = await waitFor(async () => {
        if ((await page.getByTestId('score').count()) > 0) return page.getByTestId('score').innerText();
        await page.reload();
        return undefined;
      }, 'the score on the result page (no JS)', 60_000, 250);
      const api = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
      expect(api.status).to.equal(200);
      expect(api.body.attempt.state).to.equal('graded');
      // Mamuju is right (1), the misspelt short answer is wrong (0), true/false blank (0).
      expect(api.body.score).to.equal(1);
      expect(api.body.maxScore).to.equal(3);
      expect(scoreText.trim()).to.equal(await expectedScoreText(page, api.body.score, api.body.maxScore));
      expect(errors, 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
