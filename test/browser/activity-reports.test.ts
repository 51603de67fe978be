/**
 * Reports about an activity are linked from its page through the core's report registry (ADR
 * 0071): with report-item-analysis switched off, a quiz's and an exam's pages show their trainer
 * tools without an item-analysis link, and the report's pages are not there (404). With it on,
 * both pages link to it and the link works (quiz-item-analysis.test.ts follows the quiz's link
 * through to the report).
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, type TestEnv, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv } from '../support/browser';
import { createBank, createExam, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'tf', kind: 'tf', pool: 1, mark: 1 }];
const LINK = 'activity-report-item-analysis';

/** A trainer with a quiz and an exam in one course. */
async function trainerWithActivities(env: TestEnv): Promise<{ trainer: TestUser; quizId: string; examId: string }> {
  const trainer = await createUser(env, 'trainer', 'Widyaiswara Laporan');
  const { courseId, quizId } = await createCourseWithQuiz(trainer);
  await createBank(env, trainer, courseId, SECTIONS);
  const examId = (await createExam(trainer, courseId, SECTIONS)).exam.id;
  return { trainer, quizId, examId };
}

describe('reports linked from an activity page in a real browser', function () {
  this.timeout(240_000);

  describe('with report-item-analysis switched off', () => {
    const suite = withBrowserEnv({ env: { BINA_DISABLED_PLUGINS: 'report-item-analysis' } });

    it('shows no item-analysis link on the quiz and exam pages, and the report is not there', async () => {
      const { trainer, quizId, examId } = await trainerWithActivities(suite.env);
      const { page, errors } = await openLoggedIn(suite.browser, suite.env.url, trainer);
      await page.goto(`${suite.env.url}/activity-quiz/quizzes/${quizId}`);
      // The trainer's tools are there (the page is the author's view), the report's link is not.
      expect(await page.locator(`a[href="/activity-quiz/quizzes/${quizId}/edit"]`).count()).to.equal(1);
      expect(await page.getByTestId(LINK).count()).to.equal(0);
      expect(await page.locator('a[href^="/report-item-analysis"]').count()).to.equal(0);
      await page.goto(`${suite.env.url}/activity-exam/exams/${examId}`);
      expect(await page.getByTestId('edit-exam').count()).to.equal(1);
      expect(await page.getByTestId(LINK).count()).to.equal(0);
      expect(await page.locator('a[href^="/report-item-analysis"]').count()).to.equal(0);
      const quizReport = await page.goto(`${suite.env.url}/report-item-analysis/quizzes/${quizId}`);
      expect(quizReport?.status()).to.equal(404);
      const examReport = await page.goto(`${suite.env.url}/report-item-analysis/exams/${examId}`);
      expect(examReport?.status()).to.equal(404);
      expect(errors.filter((e) => !/404/.test(e))).to.deep.equal([]);
    });
  });

  describe('with report-item-analysis on', () => {
    const suite = withBrowserEnv();

    it('links the exam page to its item analysis, in Indonesian and English', async () => {
      const { trainer, examId } = await trainerWithActivities(suite.env);
      const { page, errors } = await openLoggedIn(suite.browser, suite.env.url, trainer);
      await page.goto(`${suite.env.url}/activity-exam/exams/${examId}`);
      expect(await page.getByTestId(LINK).innerText()).to.equal('Analisis butir soal');
      await page.screenshot({ path: '/tmp/bina-exam-report-links-id.png', fullPage: true });
      await Promise.all([page.waitForURL(`**/report-item-analysis/exams/${examId}`), page.getByTestId(LINK).click()]);
      expect(await page.locator('h1').innerText()).to.contain('Analisis butir soal');
      await page.goto(`${suite.env.url}/activity-exam/exams/${examId}?lang=en`);
      expect(await page.getByTestId(LINK).innerText()).to.equal('Item analysis');
      expect(errors).to.deep.equal([]);
    });
  });
});
