/**
 * Two-step verification in a real browser. A trainer turns it on from the navigation's "Keamanan
 * akun" page (QR code and typed key, a code from the app — here otplib computing what the app
 * would show — and ten recovery codes shown once), logs out, and logs in again: after the
 * password comes the code step, where a wrong code is refused, the right one lets them in, and a
 * recovery code works exactly once. With BINA_TOTP_REQUIRED on, an admin without a second
 * factor is asked to enrol at login before anything else; a learner is not. Screenshots in
 * /tmp/bina-totp-*.png (id, en, phone width).
 */
import { expect } from 'chai';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, openNavMenu, withBrowserEnv } from '../support/browser';

/** The code the app shows `offsetSteps` periods from now (each code is accepted once). */
const codeFor = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

async function logOut(page: Page) {
  await openNavMenu(page); // at phone width the button sits behind "Menu"
  await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: /Keluar|Log out/ }).click()]);
}
async function passwordStep(page: Page, base: string, l: Pick<TestUser, 'username'>) {
  await page.goto(`${base}/login`);
  await page.locator('#username').fill(l.username);
  await page.locator('#password').fill(TEST_PASSWORD);
  await Promise.all([page.waitForURL('**/login/totp'), page.locator('form[action="/login"] button[type=submit]').click()]);
}

describe('two-step verification in a real browser', function () {
  this.timeout(120_000);

  describe('optional, turned on by the trainer', () => {
    const suite = withBrowserEnv();

    it('enrols from the security page, then asks for the code (or a recovery code, once) at every login', async () => {
      const trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Aman');
      const context = await suite.browser.newContext({ locale: 'id-ID', viewport: { width: 393, height: 860 } });
      const page = await context.newPage();
      try {
        const base = suite.env.url;
        await loginThroughForm(page, base, trainer.username, TEST_PASSWORD);
        await openNavMenu(page);
        await Promise.all([page.waitForURL('**/profile'), page.locator('[data-nav="core.profile"]').click()]);
        await Promise.all([page.waitForURL('**/account/security'), page.getByTestId('profile-security').click()]);
        expect(await page.getByTestId('totp-state').innerText()).to.contain('belum aktif');
        await page.getByTestId('totp-setup').click();
        await page.getByTestId('totp-qr').locator('svg').waitFor();
        await page.screenshot({ path: '/tmp/bina-totp-setup-id.png', fullPage: true });
        const secret = (await page.getByTestId('totp-secret').innerText()).trim();
        expect(secret).to.match(/^[A-Z2-7]{26,}$/);
        // A wrong code keeps the QR code on the page with the reason.
        await page.getByLabel('Kode 6 angka').fill('000000');
        await page.getByRole('button', { name: 'Aktifkan', exact: true }).click();
        expect(await page.getByTestId('totp-error').innerText()).to.contain('Kode salah');
        await page.getByLabel('Kode 6 angka').fill(await codeFor(secret));
        await page.getByRole('button', { name: 'Aktifkan', exact: true }).click();
        const codes = (await page.getByTestId('recovery-codes').locator('li').allInnerTexts()).map((c) => c.trim());
        expect(codes).to.have.length(10);
        for (const c of codes) expect(c).to.match(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
        await page.screenshot({ path: '/tmp/bina-totp-recovery-id.png', fullPage: true });
        await Promise.all([page.waitForURL('**/account/security'), page.getByTestId('continue').click()]);
        expect(await page.getByTestId('totp-state').innerText()).to.contain('aktif sejak');

        // Next login: the password alone is not enough.
        await logOut(page);
        await passwordStep(page, base, trainer);
        expect((await page.request.get(`${base}/api/v1/auth/me`)).status(), 'not signed in between the steps').to.equal(401);
        await page.locator('#code').fill('123456');
        await page.getByRole('button', { name: 'Verifikasi' }).click();
        expect(await page.getByTestId('totp-error').innerText()).to.contain('Kode salah');
        await page.screenshot({ path: '/tmp/bina-totp-login-id.png', fullPage: true });
        await page.locator('#code').fill(await codeFor(secret, 1));
        await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Verifikasi' }).click()]);
        expect(await page.getByTestId('user-name').innerText()).to.equal('Widyaiswara Aman');

        // A recovery code works once.
        for (const attempt of [1, 2]) {
          await logOut(page);
          await passwordStep(page, base, trainer);
          await page.locator('#code').fill(codes[0]!.toLowerCase());
          await page.getByRole('button', { name: 'Verifikasi' }).click();
          if (attempt === 1) await page.waitForURL(`${base}/`);
          else expect(await page.getByTestId('totp-error').innerText()).to.contain('Kode salah');
        }
        // In English too.
        await page.goto(`${base}/login/totp?lang=en`);
        expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Two-step verification');
        await page.screenshot({ path: '/tmp/bina-totp-login-en.png', fullPage: true });
      } finally {
        await context.close();
      }
    });
  });

  describe('required by the setting', () => {
    const suite = withBrowserEnv({ env: { BINA_TOTP_REQUIRED: 'true' } });

    it('makes an admin enrol at login before anything else, and leaves learners alone', async () => {
      // Through the service: the API login of createUser() is refused to an admin without a second factor (tested in accounts.test.ts).
      const admin = await suite.env.kernel.identity.createUser({ email: `admin-wajib-${Date.now()}@test.local`, name: 'Admin Wajib', password: TEST_PASSWORD, roles: ['admin'] });
      const learner = await createUser(suite.env, 'learner', 'Peserta Biasa');
      const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      try {
        const base = suite.env.url;
        await page.goto(`${base}/login?lang=en`);
        await passwordStep(page, base, admin);
        expect(await page.locator('main').innerText()).to.contain('must use two-step verification');
        await page.screenshot({ path: '/tmp/bina-totp-enrol-en.png', fullPage: true });
        // Other pages send them back to the login: nobody is signed in yet.
        await page.goto(`${base}/admin/plugins`);
        expect(new URL(page.url()).pathname).to.equal('/login');
        await page.goto(`${base}/login/totp`);
        const secret = (await page.getByTestId('totp-secret').innerText()).trim();
        await page.locator('#code').fill(await codeFor(secret));
        await page.getByRole('button', { name: 'Verify' }).click();
        expect(await page.getByTestId('recovery-codes').locator('li').count()).to.equal(10);
        await Promise.all([page.waitForURL(`${base}/`), page.getByTestId('continue').click()]);
        await page.goto(`${base}/account/security`);
        expect(await page.locator('main').innerText()).to.contain('cannot be turned off');

        await logOut(page);
        await loginThroughForm(page, base, learner.username, TEST_PASSWORD);
        expect(await page.getByTestId('user-name').innerText()).to.equal('Peserta Biasa');
      } finally {
        await context.close();
      }
    });
  });
});
