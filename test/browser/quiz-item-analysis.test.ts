/**
 * Item analysis of a quiz, as a trainer reaches it: from the quiz's page, a link to the report,
 * which reads the quiz's graded attempts through its read API (the attempt engine's rows), names
 * each row by question number and name and each response by its option's text, reports a
 * description (0 marks) with empty figures, and takes in a new final grade by itself. In
 * Indonesian at desktop width and in English at phone width.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, waitFor, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv } from '../support/browser';

const QUESTIONS = [
  { type: 'multichoice', stem: 'Ibu kota Provinsi Sulawesi Barat adalah…', data: { single: true, shuffle: true, options: [{ id: 'mju', text: 'Mamuju', fraction: 1 }, { id: 'mjn', text: 'Majene', fraction: 0 }, { id: 'pwl', text: 'Polewali', fraction: 0 }] } },
  { type: 'truefalse', stem: 'Kabupaten Mamuju berada di Provinsi Sulawesi Barat.', data: { correct: true } },
  // Worth 0 marks: reported with empty statistics, not refused.
  { type: 'description', stem: 'Terima kasih telah menjawab.', data: {} },
];
/** Per learner: the multichoice option chosen and the true/false answer. */
const PLAN = [
  { mc: 'mju', tf: true },
  { mc: 'mju', tf: false },
  { mc: 'mjn', tf: true },
  { mc: 'pwl', tf: false },
];
/** Plenty for a grade job on a machine shared by many. */
const SLOW = 90_000;

describe('item analysis of a quiz in a real browser', function () {
  this.timeout(240_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let courseId: string;
  let quizId: string;

  /** A learner takes the quiz over the API with the given answers and submits. */
  async function take(answer: { mc: string; tf: boolean }): Promise<void> {
    const learner = await createUser(suite.env, 'learner');
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/attempts`);
    expect(start.status, JSON.stringify(start.body)).to.equal(201);
    const id = start.body.attempt.id as string;
    for (const q of start.body.questions) {
      if (q.type === 'description') continue;
      const response = q.type === 'truefalse' ? { value: answer.tf } : { selected: [answer.mc] };
      expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response })).status).to.equal(200);
    }
    expect((await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`)).status).to.equal(202);
  }
  const graded = async () => (await trainer.api.get(`/api/v1/activity-quiz/quizzes/${quizId}/attempts`)).body.attempts.filter((a: { state: string }) => a.state === 'graded').length;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Analisis');
    ({ courseId, quizId } = await createCourseWithQuiz(trainer, { questions: QUESTIONS }));
    // The description takes no mark: the quiz is out of 2, which every right answer reaches.
    expect((await trainer.api.get(`/api/v1/activity-quiz/quizzes/${quizId}`)).body.quiz.maxScore).to.equal(2);
    for (const answer of PLAN) await take(answer);
    await waitFor(async () => (await graded()) === PLAN.length, 'every attempt graded', SLOW);
  });

  it('is reached from the quiz page and labels rows by question and responses by option text', async () => {
    const { page, errors } = await openLoggedIn(suite.browser, suite.env.url, trainer);
    await page.goto(`${suite.env.url}/activity-quiz/quizzes/${quizId}`);
    await Promise.all([page.waitForURL(`**/report-item-analysis/quizzes/${quizId}`), page.getByTestId('activity-report-item-analysis').click()]);
    expect(await page.locator('h1').innerText()).to.contain('Analisis butir soal');
    expect(await page.getByTestId('ia-quiz').innerText()).to.match(/Percobaan\s+4/);
    const mc = page.locator('[data-testid=ia-items] tr[data-slot=s1]');
    const tf = page.locator('[data-testid=ia-items] tr[data-slot=s2]');
    expect(await mc.locator('th').innerText()).to.equal('Soal 1 Q1');
    // Options by their text, never their ids; true/false in the reader's language.
    expect(await mc.innerText()).to.match(/Mamuju: 50\s%/).and.to.match(/Majene: 25\s%/).and.not.to.contain('mju');
    expect(await tf.innerText()).to.match(/Benar: 50\s%/).and.to.match(/Salah: 50\s%/);
    // Half right in each: a facility of 50 %.
    expect(await mc.locator('td').nth(1).innerText()).to.equal('50');
    // The description (0 marks) has its row, with no figures.
    const description = page.locator('[data-testid=ia-items] tr[data-slot=s3]');
    expect(await description.locator('th').innerText()).to.equal('Soal 3 Q3');
    expect(await description.locator('td').nth(1).innerText()).to.equal('');
    // The breadcrumb leads back to the quiz.
    expect(await page.locator('.breadcrumb a').getAttribute('href')).to.equal(`/activity-quiz/quizzes/${quizId}`);
    await page.screenshot({ path: '/tmp/bina-quiz-item-analysis-id.png', fullPage: true });

    // A fifth attempt's grade comes in: the report takes it in by itself on the next view.
    await take({ mc: 'mju', tf: true });
    await waitFor(async () => (await graded()) === PLAN.length + 1, 'the fifth attempt graded', SLOW);
    await waitFor(async () => {
      await page.reload();
      return /Percobaan\s+5/.test(await page.getByTestId('ia-quiz').innerText());
    }, 'the report to count the fifth attempt', SLOW, 500);
    expect(errors).to.deep.equal([]);
  });

  it('reads in English at phone width, and only the quiz\'s trainers may see it', async () => {
    const { page, errors } = await openLoggedIn(suite.browser, suite.env.url, trainer, { locale: 'en-US', width: 393 });
    await page.goto(`${suite.env.url}/activity-quiz/quizzes/${quizId}?lang=en`);
    await Promise.all([page.waitForURL(`**/report-item-analysis/quizzes/${quizId}`), page.getByTestId('activity-report-item-analysis').click()]);
    expect(await page.locator('h1').innerText()).to.contain('Item analysis');
    expect(await page.locator('[data-testid=ia-items] tr[data-slot=s2] th').innerText()).to.equal('Question 2 Q2');
    expect(await page.locator('[data-testid=ia-items] tr[data-slot=s2]').innerText()).to.contain('True:');
    // Nothing wider than the phone's screen but the table's own scroller.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth)).to.be.at.most(0);
    await page.screenshot({ path: '/tmp/bina-quiz-item-analysis-en-phone.png', fullPage: true });
    expect(errors).to.deep.equal([]);

    const learner = await createUser(suite.env, 'learner');
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    expect((await learner.api.get(`/api/v1/report-item-analysis/quizzes/${quizId}`)).status).to.equal(403);
    const other = await createUser(suite.env, 'trainer');
    expect((await other.api.get(`/api/v1/report-item-analysis/quizzes/${quizId}`)).status).to.equal(403);
    expect((await trainer.api.get(`/api/v1/report-item-analysis/quizzes/${'0'.repeat(24)}`)).status).to.equal(404);
  });
});
