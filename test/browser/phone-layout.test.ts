/**
 * Most learners outside the offices use a phone: the pages they use every day must fit a phone's
 * width (no sideways scrolling), the navigation bar included, and the page starts under one row of
 * bar: the links fold behind "Menu", which opens by touch or keyboard, with or without script.
 */
import { expect } from 'chai';
import { createUser, TEST_PASSWORD } from '../support/harness';
import { loginThroughForm, openNavMenu, withBrowserEnv } from '../support/browser';
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

  it('fold the navigation behind "Menu", which opens by touch, by keyboard and without script', async () => {
    const admin = await createUser(suite.env, 'admin', 'Admin Menu');
    for (const javaScriptEnabled of [true, false]) {
      const context = await suite.browser.newContext({ viewport: { width: 393, height: 851 }, isMobile: true, hasTouch: true, locale: 'id-ID', javaScriptEnabled });
      const page = await context.newPage();
      try {
        await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
        // One row of bar, then the page (the admin has the most links: it used to take six rows).
        const main = await page.locator('main h1').first().boundingBox();
        expect(main!.y, 'the page heading starts under one row of bar').to.be.below(110);
        const toggle = page.getByTestId('nav-toggle');
        expect(await toggle.locator('summary').innerText()).to.contain('Menu');
        expect(await toggle.locator('summary').getAttribute('aria-controls')).to.equal('bina-nav-items');
        expect(await page.locator('#bina-nav-items').count()).to.equal(1);
        expect(await page.locator('nav a[data-nav="core.profile"]').isVisible()).to.equal(false);
        expect(await page.getByRole('button', { name: 'Keluar' }).isVisible()).to.equal(false);
        await page.screenshot({ path: `/tmp/bina-nav-phone-closed${javaScriptEnabled ? '' : '-nojs'}.png` });

        if (javaScriptEnabled) {
          // From the keyboard: the skip link, the brand, then "Menu"; Enter opens it and Tab reaches the links.
          await page.keyboard.press('Tab');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Tab');
          expect(await page.evaluate(() => (globalThis as any).document.activeElement?.closest('[data-testid="nav-toggle"]') !== null), 'Menu has the focus').to.equal(true);
          await page.keyboard.press('Enter');
          expect(await toggle.getAttribute('open')).to.equal('');
          await page.keyboard.press('Tab');
          expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('href'))).to.equal('/');
        } else {
          await openNavMenu(page);
        }
        expect(await page.getByRole('button', { name: 'Keluar' }).isVisible()).to.equal(true);
        const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
        expect(overflow, 'the open menu fits the screen').to.equal(0);
        await page.screenshot({ path: `/tmp/bina-nav-phone-open${javaScriptEnabled ? '' : '-nojs'}.png`, fullPage: true });
        await Promise.all([page.waitForURL('**/profile'), page.locator('nav a[data-nav="core.profile"]').click()]);
        // A new page starts with the menu folded again.
        expect(await page.getByTestId('nav-toggle').getAttribute('open')).to.equal(null);
      } finally {
        await context.close();
      }
    }

    // In English the bar names itself so; on a laptop there is no "Menu" and the links are in the bar.
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
      await page.goto(`${suite.env.url}/?lang=en`);
      expect(await page.locator('nav.bina-navbar').getAttribute('aria-label')).to.equal('Main');
      expect(await page.getByTestId('nav-toggle').isVisible()).to.equal(false);
      expect(await page.locator('nav a[data-nav="core.profile"]').isVisible()).to.equal(true);
      expect(await page.getByRole('button', { name: 'Log out' }).isVisible()).to.equal(true);
    } finally {
      await context.close();
    }
  });
});
