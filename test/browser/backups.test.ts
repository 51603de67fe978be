/**
 * The backup page in a real browser: an admin follows the navigation link, sees that no backup has
 * run yet, starts one, and sees the last backup's time, size and result; the page fits a phone.
 */
import { expect } from 'chai';
import { createUser, TEST_PASSWORD, waitFor } from '../support/harness';
import { loginThroughForm, withBrowserEnv, openManageMenu } from '../support/browser';

describe('backup status page in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv({ env: { BINA_BACKUP_PASSPHRASE: 'kata-sandi-peramban-2026', BINA_BACKUP_WORK_FACTOR: '10' } });

  it('an admin sees the last backup’s time, size and result', async () => {
    const admin = await createUser(suite.env, 'admin', 'Admin Cadangan');
    const page = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
    // The admin's bar keeps one row: running the site is behind one "Kelola" menu.
    const barLinks = await page.locator('.bina-nav-items > a.nav-link:not(.bina-user-name)').count();
    expect(barLinks, 'links in the bar beside the menu').to.be.at.most(12);
    expect(await page.locator('[data-testid="nav-manage"] a[data-nav="core.backups"]').isVisible()).to.equal(false);
    await openManageMenu(page);
    if (process.env.BINA_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.BINA_SCREENSHOT_DIR}/nav-manage-id.png` });
    await Promise.all([page.waitForURL((u) => u.pathname === '/admin/backups'), page.getByRole('link', { name: 'Cadangan', exact: true }).click()]);
    expect(await page.getByTestId('backup-none').textContent()).to.contain('Belum ada pencadangan');

    await Promise.all([page.waitForURL((u) => u.search === '?started=1'), page.getByRole('button', { name: 'Cadangkan sekarang' }).click()]);
    await waitFor(async () => {
      await page.reload();
      return (await page.getByTestId('backup-result').textContent())?.includes('Berhasil');
    }, 'the backup to finish', 60_000, 500);
    expect(await page.getByTestId('backup-size').textContent()).to.match(/^\d+(,\d)? MB$/);
    expect(await page.getByTestId('backup-time').textContent()).to.match(/WIB$/);
    // BINA_SCREENSHOT_DIR=/tmp keeps pictures of the page for a look (not needed by the test).
    if (process.env.BINA_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.BINA_SCREENSHOT_DIR}/backups-id.png`, fullPage: true });

    await page.goto(`${suite.env.url}/admin/backups?lang=en`);
    expect(await page.getByTestId('backup-result').textContent()).to.contain('Succeeded');
    await page.setViewportSize({ width: 393, height: 800 });
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
    expect(overflow).to.be.at.most(0);
    if (process.env.BINA_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.BINA_SCREENSHOT_DIR}/backups-en-phone.png`, fullPage: true });
  });
});
