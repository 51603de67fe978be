/**
 * The inbox in a real browser: a notice delivered while the page is open appears without a reload
 * (server-sent events), with the unread count; opening it marks it read and follows its link; the
 * navigation bar shows the unread count on every page.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';
import { CERTIFICATE_ISSUED } from '../../src/learning/certificate-events';

describe('inbox in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let learner: TestUser;
  let page: Page;

  before(async () => {
    learner = await createUser(suite.env, 'learner', 'Nur Aisyah');
    page = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
  });

  it('shows a new notice live, then opens it and marks it read', async () => {
    await page.goto(`${suite.env.url}/notify-inbox`);
    expect(await page.getByTestId('inbox').textContent()).to.contain('Belum ada pemberitahuan');
    expect(await page.locator('[data-nav-badge="notify-inbox"]').count()).to.equal(0);
    // The page's stream is open once the script has connected; wait for the server to see it.
    const streams = (suite.env.kernel.k.services.require('notify-inbox').impl as { streams: { size: number } }).streams;
    await waitFor(async () => streams.size > 0, 'the inbox stream to connect');

    const certificateId = 'ab'.repeat(12);
    await suite.env.kernel.k.events.emit(CERTIFICATE_ISSUED, { certificateId, achievementName: 'Pelayanan Publik Prima', userId: learner.id, href: '/certificate-openbadges/me' });
    const item = page.locator(`[data-notice="certificate-issued:${certificateId}"]`);
    await item.waitFor();
    expect(await item.getByTestId('notice-message').textContent()).to.contain('“Pelayanan Publik Prima”');
    expect(await page.getByTestId('inbox-unread').textContent()).to.equal('1 belum dibaca');

    // Another page: the navigation bar carries the count.
    await page.goto(`${suite.env.url}/`);
    expect((await page.locator('[data-nav-badge="notify-inbox"]').textContent())?.trim()).to.match(/^1/);

    await page.goto(`${suite.env.url}/notify-inbox`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/certificate-openbadges/me'), page.locator(`[data-notice="certificate-issued:${certificateId}"] button[type=submit]`).click()]);
    expect(await page.locator('[data-nav-badge="notify-inbox"]').count()).to.equal(0);
    await page.goto(`${suite.env.url}/notify-inbox`);
    expect(await page.getByTestId('inbox-unread').textContent()).to.equal('0 belum dibaca');
  });
});

