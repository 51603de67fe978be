/**
 * A quiz's review in a real browser follows its review options: with the right answer and feedback
 * allowed at once, the result page shows each question's right answer (in the question's own
 * read-only input) and the feedback of the option chosen; with them never allowed, neither shows,
 * and the review over the API carries no key.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv } from '../support/browser';

const MC_STEM = 'Ibu kota Provinsi Sulawesi Barat adalah…';
const TF_STEM = 'Kabupaten Mamuju berada di Provinsi Sulawesi Barat.';
const WRONG_FEEDBACK = 'Majene ibu kota Kabupaten Majene, bukan provinsi.';
const QUESTIONS = [
  { type: 'multichoice', stem: MC_STEM, data: { single: true, shuffle: true, options: [{ id: 'mju', text: 'Mamuju', fraction: 1 }, { id: 'mjn', text: 'Majene', fraction: 0, feedback: WRONG_FEEDBACK }, { id: 'pwl', text: 'Polewali', fraction: 0 }] } },
  { type: 'truefalse', stem: TF_STEM, data: { correct: true } },
];
const card = (page: Page, stem: string) => page.locator('fieldset').filter({ has: page.getByText(stem, { exact: true }) });

describe('quiz review in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Tinjauan');
  });

  /** A learner enrols, answers both questions wrong in the room, submits and waits for the graded result page. */
  async function takeWrong(quizId: string, courseId: string, opts: { locale?: string; width?: number } = {}) {
    const learner = await createUser(suite.env, 'learner', 'Peserta Tinjauan');
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    const { page, errors } = await openLoggedIn(suite.browser, suite.env.url, learner, opts);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${suite.env.url}/activity-quiz/quizzes/${quizId}`);
    await Promise.all([page.waitForURL('**/activity-quiz/attempts/*'), page.getByTestId('start').click()]);
    const attemptId = new URL(page.url()).pathname.split('/').pop()!;
    await Promise.all([page.waitForURL('**?all=1'), page.getByTestId('show-all').click()]);
    // While the attempt is open, no answer key is on the page.
    expect(await page.getByTestId('right-answer').count()).to.equal(0);
    await card(page, MC_STEM).getByLabel('Majene', { exact: true }).check();
    await card(page, MC_STEM).locator('.save-state[data-state="saved"]').waitFor();
    await card(page, TF_STEM).locator('input[type=radio][value="false"]').check();
    await card(page, TF_STEM).locator('.save-state[data-state="saved"]').waitFor();
    await Promise.all([page.waitForURL(`**/attempts/${attemptId}/summary`), page.getByTestId('submit').click()]);
    await Promise.all([page.waitForURL(`**/attempts/${attemptId}/result`), page.getByTestId('submit-final').click()]);
    await page.getByTestId('score').waitFor({ timeout: 60_000 });
    return { learner, page, errors, attemptId };
  }

  it('shows the right answers and the feedback when the review options allow them', async () => {
    const review = { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'immediately' };
    const { courseId, quizId } = await createCourseWithQuiz(trainer, { questions: QUESTIONS, quiz: { review } });
    const { page, errors } = await takeWrong(quizId, courseId);
    const mc = card(page, MC_STEM);
    const key = mc.getByTestId('right-answer');
    expect(await key.innerText()).to.contain('Jawaban benar');
    expect(await key.getByLabel('Mamuju', { exact: true }).isChecked()).to.equal(true);
    expect(await key.getByLabel('Majene', { exact: true }).isChecked()).to.equal(false);
    // The learner's own answer stays as given, beside the key.
    expect(await mc.locator('input[value="mjn"]').first().isChecked()).to.equal(true);
    expect(await mc.innerText()).to.contain(WRONG_FEEDBACK);
    expect(await card(page, TF_STEM).getByTestId('right-answer').locator('input[value="true"]').isChecked()).to.equal(true);
    await page.screenshot({ path: '/tmp/bina-quiz-review-id.png', fullPage: true });
    expect(errors).to.deep.equal([]);

    // In English, at phone width.
    const en = await takeWrong(quizId, courseId, { locale: 'en-US', width: 393 });
    await en.page.goto(`${en.page.url()}?lang=en`);
    expect(await card(en.page, MC_STEM).getByTestId('right-answer').innerText()).to.contain('Right answer');
    await en.page.screenshot({ path: '/tmp/bina-quiz-review-en-phone.png', fullPage: true });
    expect(en.errors).to.deep.equal([]);
  });

  it('shows neither when the review options never allow them, and the review carries no key', async () => {
    const review = { marks: 'immediately', correctness: 'immediately', feedback: 'never', rightAnswer: 'never' };
    const { courseId, quizId } = await createCourseWithQuiz(trainer, { questions: QUESTIONS, quiz: { review } });
    const { page, errors, learner, attemptId } = await takeWrong(quizId, courseId);
    expect(await page.getByTestId('right-answer').count()).to.equal(0);
    expect(await page.content()).not.to.contain(WRONG_FEEDBACK);
    const api = await learner.api.get(`/api/v1/activity-quiz/attempts/${attemptId}`);
    expect(api.body.questions.map((q: { rightAnswer: unknown; rightAnswerForm: unknown }) => [q.rightAnswer, q.rightAnswerForm])).to.deep.equal([[null, null], [null, null]]);
    expect(JSON.stringify(api.body)).not.to.match(/fraction|Majene ibu kota/);
    expect(errors).to.deep.equal([]);
  });
});
