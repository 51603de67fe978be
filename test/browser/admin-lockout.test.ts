/**
 * An agency never locks itself out of Bina's admin pages (ADR 0068): an admin who unticks their
 * own admin role on their person page is refused with the reason beside the roles, the ticks
 * they made kept, in Indonesian and in English at phone width; another admin's role goes as
 * before. Over the API, the last active admin can be neither stripped of the role nor deactivated
 * (a unit head over the admin's unit tries). Screenshots: /tmp/bina-admin-lockout*.png.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, loginForToken, ApiClient, TEST_PASSWORD, type TestUser } from '../support/harness';
import { openLoggedIn, openManageMenu, withBrowserEnv } from '../support/browser';

describe('an agency keeps an admin', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let admin: TestUser;

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Satu-satunya');
  });

  const roleOf = async (id: string) => (await suite.env.kernel.identity.models.User.findById(id).lean())!.roles;

  it('refuses an admin removing their own admin role, the reason beside the roles and the ticks kept', async () => {
    const { context, page, errors } = await openLoggedIn(suite.browser, suite.env.url, admin, { ignoreFavicon: true });
    try {
      await openManageMenu(page);
      await Promise.all([page.waitForURL('**/admin/users'), page.getByRole('link', { name: 'Pegawai', exact: true }).first().click()]);
      await page.getByTestId('people-search').fill('Satu-satunya');
      await Promise.all([page.waitForURL('**/admin/users?**'), page.getByTestId('people-search-button').click()]);
      await Promise.all([page.waitForURL(`**/admin/users/${admin.id}`), page.locator('main').getByRole('link', { name: 'Admin Satu-satunya' }).click()]);
      expect(await page.getByTestId('own-admin-help').innerText()).to.equal('Peran admin Anda sendiri hanya dapat dicabut oleh admin lain.');
      await page.locator('#role-admin').uncheck();
      await page.locator('#role-trainer').check();
      await Promise.all([page.waitForURL(`**/admin/users/${admin.id}/roles`), page.getByRole('button', { name: 'Simpan peran' }).click()]);
      expect(await page.getByTestId('error-roles').innerText()).to.equal('Anda tidak dapat mencabut peran admin Anda sendiri. Minta admin lain melakukannya.');
      expect(await page.getByTestId('form-errors').innerText()).to.contain('Peran');
      // What they ticked is what they see again.
      expect(await page.locator('#role-admin').isChecked()).to.equal(false);
      expect(await page.locator('#role-trainer').isChecked()).to.equal(true);
      await page.screenshot({ path: '/tmp/bina-admin-lockout.png', fullPage: true });
      expect(await roleOf(admin.id)).to.deep.equal(['admin']);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }

    const phone = await openLoggedIn(suite.browser, suite.env.url, admin, { locale: 'en', width: 393, ignoreFavicon: true });
    try {
      await phone.page.goto(`${suite.env.url}/admin/users/${admin.id}?lang=en`);
      await phone.page.locator('#role-admin').uncheck();
      await phone.page.locator('#role-mentor').check();
      await Promise.all([phone.page.waitForURL('**/roles'), phone.page.getByRole('button', { name: 'Save roles' }).click()]);
      expect(await phone.page.getByTestId('error-roles').innerText()).to.equal('You cannot remove your own admin role. Ask another admin to do it.');
      expect(await phone.page.locator('#role-mentor').isChecked()).to.equal(true);
      expect(await phone.page.locator('main').innerText()).not.to.match(/Anda|peran/);
      expect(await phone.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth), 'no sideways scrolling').to.equal(true);
      await phone.page.getByTestId('error-roles').scrollIntoViewIfNeeded();
      await phone.page.screenshot({ path: '/tmp/bina-admin-lockout-en-phone.png' });
      expect(phone.errors).to.deep.equal([]);
    } finally {
      await phone.context.close();
    }
  });

  it('lets an admin take another admin\'s role, but never the last active admin\'s', async () => {
    const other = await createUser(suite.env, 'admin', 'Admin Kedua');
    const { context, page, errors } = await openLoggedIn(suite.browser, suite.env.url, admin, { ignoreFavicon: true });
    try {
      await page.goto(`${suite.env.url}/admin/users/${other.id}`);
      expect(await page.getByTestId('own-admin-help').count()).to.equal(0);
      await page.locator('#role-admin').uncheck();
      await page.locator('#role-trainer').check();
      await Promise.all([page.waitForURL('**?msg=roles'), page.getByRole('button', { name: 'Simpan peran' }).click()]);
      expect(await roleOf(other.id)).to.deep.equal(['trainer']);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }

    // Now the only active admin: a unit head over their unit may deactivate people there, but never
    // an admin (who holds more than the head: refused before the last-admin rule is even asked).
    const { User, Unit } = suite.env.kernel.identity.models;
    const unit = await Unit.create({ code: `KUNCI-${Date.now()}`, name: 'Unit Uji Kunci' });
    await User.updateOne({ _id: admin.id }, { $set: { unitId: unit._id } });
    const headUser = await createUser(suite.env, 'learner', 'Kepala Unit Uji');
    await User.updateOne({ _id: headUser.id }, { $set: { unitHeadOf: [new Types.ObjectId(String(unit._id))], unitId: unit._id } });
    const head = new ApiClient(suite.env.url, await loginForToken(suite.env.url, headUser.username, TEST_PASSWORD));
    const refused = await head.put(`/api/v1/users/${admin.id}/active`, { active: false });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
    expect(refused.body.error.details).to.deep.include({ reason: 'outranked' });
    expect((await User.findById(admin.id).lean())!.active).to.equal(true);
    // The API refuses the admin's own role change as the page does.
    const own = await admin.api.put(`/api/v1/users/${admin.id}/roles`, { roles: ['learner'] });
    expect(own.status).to.equal(409);
    expect(own.body.error.details[0]).to.deep.include({ path: 'roles', i18n: 'people.err.ownAdmin' });
    expect(await roleOf(admin.id)).to.deep.equal(['admin']);
  });
});
