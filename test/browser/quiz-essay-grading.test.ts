/**
 * A trainer grades a quiz essay in the browser (issue 12): from the course page to the quiz, the
 * learner's waiting attempt, its result page and the "Nilai" link beside the essay, then the form.
 * An empty score is refused with the reason beside the field and what was typed kept; a score
 * makes the attempt final, and the learner's result page shows it. In Indonesian, in English and
 * at phone width.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

const ESSAY_STEM = 'Jelaskan nilai dasar ASN BerAKHLAK.';
const ANSWER = 'Berorientasi pelayanan, akuntabel, kompeten, harmonis, loyal, adaptif, kolaboratif.';

describe('quiz essay grading in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let learner: TestUser;
  let courseId: string;
  let quizId: string;
  let attemptId: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Esai');
    ({ courseId, quizId } = await createCourseWithQuiz(trainer, { questions: [{ type: 'essay', stem: ESSAY_STEM, data: {} }, { type: 'truefalse', data: { correct: true } }] }));
    learner = await createUser(suite.env, 'learner', 'Peserta Esai');
    expect((await learner.api.post(`/api/v1/courses/${courseId}/enrol`)).status).to.equal(201);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/attempts`);
    attemptId = start.body.attempt.id;
    const essay = start.body.questions.find((q: { type: string }) => q.type === 'essay').slot;
    await learner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${essay}`, { seq: 1, response: { text: ANSWER } });
    await learner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
    await waitFor(async () => ((await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`)).body.attempt?.state === 'needs_grading' ? true : undefined), 'the essay waiting for a grade');
  });

  async function openGradingForm(page: Page): Promise<void> {
    await page.goto(`${suite.env.url}/courses/${courseId}`);
    await Promise.all([page.waitForURL(`**/activity-quiz/quizzes/${quizId}`), page.getByRole('link', { name: 'Kuis', exact: true }).click()]);
    await Promise.all([page.waitForURL(`**/attempts/${attemptId}/result`), page.locator(`a[href="/activity-quiz/attempts/${attemptId}/result"]`).first().click()]);
    await Promise.all([page.waitForURL(`**/attempts/${attemptId}/manual/*`), page.locator('a[data-testid^="grade-"]').click()]);
  }

  it('walks from the course to the essay, refuses an empty score, grades it, and the learner sees the result', async () => {
    const context = await suite.browser.newContext({ locale: 'id-ID', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await loginThroughForm(page, suite.env.url, trainer.username, TEST_PASSWORD);
      await page.goto(`${suite.env.url}/activity-quiz/quizzes/${quizId}`);
      expect(await page.getByText('Menunggu penilaian').count()).to.be.greaterThan(0);
      await openGradingForm(page);
      expect(await page.getByTestId('response').innerText()).to.equal(ANSWER);
      await page.locator('#comment').fill('Lengkap dan runtut.');
      const refused = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Simpan nilai' }).click()]);
      expect(refused[0].status()).to.equal(400);
      expect(await page.locator('#grade-error').innerText()).to.include('0 sampai 1');
      expect(await page.locator('#comment').inputValue(), 'the comment typed is kept').to.equal('Lengkap dan runtut.');
      await page.screenshot({ path: '/tmp/bina-quiz-grade-id.png', fullPage: true });
      await page.locator('#score').fill('1');
      await Promise.all([page.waitForURL(`**/attempts/${attemptId}/result`), page.getByRole('button', { name: 'Simpan nilai' }).click()]);
      expect((await page.getByTestId('score').innerText()).trim()).to.equal('1 / 2');
      expect(await page.locator('a[data-testid^="grade-"]').count(), 'nothing waits any more').to.equal(0);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
    const mine = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
    expect(mine.body).to.deep.include({ score: 1, passed: true });
  });

  it('shows the grading form in English and fits a phone', async () => {
    const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 393, height: 851 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    try {
      await loginThroughForm(page, suite.env.url, trainer.username, TEST_PASSWORD);
      await page.goto(`${suite.env.url}/activity-quiz/attempts/${attemptId}/manual/${(await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`)).body.questions.find((q: { type: string }) => q.type === 'essay').slot}?lang=en`);
      expect(await page.locator('html').getAttribute('lang')).to.equal('en');
      expect(await page.getByRole('button', { name: 'Save grade' }).count()).to.equal(1);
      expect(await page.locator('#score').inputValue(), 'the grade given is shown').to.equal('1');
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow).to.be.at.most(0);
      await page.screenshot({ path: '/tmp/bina-quiz-grade-en-phone.png', fullPage: true });
    } finally {
      await context.close();
    }
  });
});
