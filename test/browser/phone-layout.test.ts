/**
 * Most learners outside the offices use a phone: the pages they use every day must fit a phone's
 * width (no sideways scrolling), the navigation bar included.
 */
import { expect } from 'chai';
import { createUser, TEST_PASSWORD } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';
import { createBank, createCourse, createExam, enrol, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 2, mark: 5 }];

describe('pages on a phone screen', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();


  it('fit 393 px without sideways scrolling', async () => {
    const trainer = await createUser(suite.env, 'trainer');
    const courseId = await createCourse(trainer);
    await createBank(suite.env, trainer, courseId, SECTIONS);
    const { exam } = await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 30 });
    const learner = await createUser(suite.env, 'learner', 'Muhammad Rizal Saputra Wijayakusuma');
    await enrol(learner, courseId);

    const context = await suite.browser.newContext({ viewport: { width: 393, height: 851 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID' });
    const page = await context.newPage();
    try {
      await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
      const overflow = () => page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      for (const path of ['/', '/notify-inbox', '/certificate-openbadges/me', `/courses/${courseId}`, `/activity-exam/exams/${exam.id}`]) {
        await page.goto(`${suite.env.url}${path}`);
        expect(await overflow(), path).to.equal(0);
      }
      await Promise.all([page.waitForURL('**/activity-exam/attempts/*'), page.getByTestId('start').click()]);
      expect(await overflow(), 'the attempt page').to.equal(0);
    } finally {
      await context.close();
    }
  });
});
