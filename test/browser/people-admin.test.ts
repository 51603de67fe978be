/**
 * People and units in a real browser (issue 10's journey): an admin follows the navigation to
 * People, opens the CSV import, chooses a units file and a people file of 50 people (the page
 * reads them into the text areas), previews, sees the 2 bad rows with their line and reason in
 * Indonesian, corrects them in place, previews again and imports; then finds one person by name,
 * edits their position and unit, and deactivates them, and that person can no longer log in. The
 * new-person form checks a NIP as it is typed. The profile page: change the password and end a
 * session on another device. Screenshots go to /tmp/bina-people*.png (id, en, phone width).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createUser, makeNip, TEST_PASSWORD, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv, openManageMenu, openNavMenu } from '../support/browser';

const stamp = Date.now() % 100000;
const UNITS = [
  'code,name,parent_code,region',
  `KAB${stamp},Pemerintah Kabupaten Mamuju Uji,,Sulawesi Barat`,
  `BKP${stamp},BKPSDM,KAB${stamp},Sulawesi Barat`,
  `DIK${stamp},Dinas Pendidikan,KAB${stamp},Sulawesi Barat`,
  `BID${stamp},Bidang Pengembangan Kompetensi,BKP${stamp},Sulawesi Barat`,
].join('\n');

function peopleCsv(nips: string[]): { text: string; badLines: number[] } {
  const rows = ['nip,name,front_title,back_title,golongan,position_name,position_type,functional_level,unit_code,supervisor_nip,time_zone,roles'];
  const units = [`BKP${stamp}`, `DIK${stamp}`, `BID${stamp}`];
  nips.forEach((nip, i) => {
    const name = i === 7 ? 'Nurul Hikmah' : `Pegawai Uji ${i + 1}`;
    rows.push(`${nip},${name},,S.Pd.,III/${'abcd'[i % 4]},Guru Ahli Pertama,fungsional,ahli-pertama,${units[i % 3]},${i ? nips[0] : ''},WITA,learner`);
  });
  // Two bad rows: a NIP with month 13, and a PNS with a PPPK golongan.
  rows[12] = rows[12]!.replace(nips[11]!, '199013452015031001');
  rows[31] = rows[31]!.replace(/,III\/[abcd],/, ',IX,');
  return { text: rows.join('\n'), badLines: [13, 32] };
}

const open = (browser: Browser, url: string, user: { username: string }, opts: { locale?: string; width?: number } = {}) => openLoggedIn(browser, url, user, { ...opts, ignoreFavicon: true });

describe('people and units in a real browser', function () {
  this.timeout(240_000);
  const suite = withBrowserEnv();
  let admin: TestUser;
  let dir: string;

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin BKPSDM');
    dir = mkdtempSync(join(tmpdir(), 'bina-people-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports 50 people and 4 units from CSV, fixing 2 bad rows in the preview, then finds, edits and deactivates one', async () => {
    const nips = Array.from({ length: 50 }, () => makeNip());
    const people = peopleCsv(nips);
    const { context, page, errors } = await open(suite.browser, suite.env.url, admin);
    try {
      await openManageMenu(page);
      await Promise.all([page.waitForURL('**/admin/users'), page.locator('a[data-nav="core.users"]').click()]);
      await Promise.all([page.waitForURL('**/admin/people-import'), page.getByRole('link', { name: 'Impor CSV' }).click()]);
      writeFileSync(join(dir, 'units.csv'), UNITS);
      writeFileSync(join(dir, 'users.csv'), people.text);
      await page.locator('input[data-fill="units-csv"]').setInputFiles(join(dir, 'units.csv'));
      await page.locator('input[data-fill="users-csv"]').setInputFiles(join(dir, 'users.csv'));
      await page.waitForFunction(() => (globalThis as any).document.getElementById('users-csv').value.includes('Nurul Hikmah'));
      await Promise.all([page.waitForURL('**/admin/people-import'), page.getByTestId('import-preview-button').click()]);
      const problems = page.getByTestId('import-problems');
      await problems.waitFor();
      const items = (await problems.locator('li').allInnerTexts()).map((s) => s.trim());
      expect(items, items.join('\n')).to.have.length(2);
      expect(items[0]).to.equal('Pegawai, baris 13, kolom nip: Angka 1–8 bukan tanggal lahir yang sah (19901345).');
      expect(items[1]).to.equal('Pegawai, baris 32, kolom golongan: Bukan golongan/ruang PNS (I/a–IV/e).');
      expect(await page.getByTestId('import-store').count()).to.equal(0);
      await page.screenshot({ path: '/tmp/bina-people-import-problems.png', fullPage: true });
      expect(await suite.env.kernel.identity.models.User.countDocuments({ username: { $in: nips } })).to.equal(0);

      // Correct the two rows where they are, then preview again.
      const fixed = (await page.locator('#users-csv').inputValue()).replace('199013452015031001', nips[11]!).replace(',IX,', ',III/b,');
      await page.locator('#users-csv').fill(fixed);
      await Promise.all([page.waitForURL('**/admin/people-import'), page.getByTestId('import-preview-button').click()]);
      expect(await page.getByTestId('import-counts').innerText()).to.equal('54 dibuat · 0 diubah · 0 tidak berubah');
      expect(await page.getByTestId('import-creates').locator('tbody tr').count()).to.equal(54);
      await Promise.all([page.waitForURL('**/admin/people-import'), page.getByTestId('import-store').click()]);
      await page.getByTestId('import-done').waitFor();
      expect(await suite.env.kernel.identity.models.User.countDocuments({ username: { $in: nips } })).to.equal(50);

      // Find one, edit, deactivate.
      await Promise.all([page.waitForURL('**/admin/users'), page.getByRole('link', { name: 'Ke daftar pegawai' }).click()]);
      await page.getByTestId('people-search').fill('nurul');
      await Promise.all([page.waitForURL('**/admin/users?q=nurul*'), page.getByTestId('people-search-button').click()]);
      expect(await page.getByTestId('people-total').innerText()).to.equal('1 orang');
      await Promise.all([page.waitForURL(/\/admin\/users\/[a-f0-9]{24}$/), page.getByRole('link', { name: 'Nurul Hikmah, S.Pd.' }).click()]);
      await page.locator('#positionName').fill('Guru Ahli Muda');
      await page.locator('#functionalLevel').selectOption('ahli-muda');
      await page.locator('#unitId').selectOption({ label: `\u2003\u2003Bidang Pengembangan Kompetensi` });
      await Promise.all([page.waitForURL('**?msg=saved'), page.getByTestId('save-person').click()]);
      expect(await page.getByTestId('person-msg').innerText()).to.equal('Perubahan tersimpan.');
      await page.screenshot({ path: '/tmp/bina-people-edit.png', fullPage: true });
      await Promise.all([page.waitForURL('**?msg=deactivated'), page.getByTestId('toggle-active').click()]);
      expect(await page.getByTestId('person-status').innerText()).to.equal('Nonaktif');
      const nurul = await suite.env.kernel.identity.models.User.findOne({ username: nips[7] }).lean();
      expect(nurul).to.include({ active: false, positionName: 'Guru Ahli Muda', functionalLevel: 'ahli-muda' });
      const login = await fetch(`${suite.env.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: nips[7], password: 'apa saja 123' }) });
      expect(login.status).to.equal(401);

      // The list at phone width and in English.
      await page.setViewportSize({ width: 393, height: 850 });
      await page.goto(`${suite.env.url}/admin/users?lang=en`);
      expect(await page.locator('h1').innerText()).to.equal('People');
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).to.be.at.most(393);
      await page.screenshot({ path: '/tmp/bina-people-list-en-phone.png', fullPage: true });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('checks a NIP as it is typed on the new-person form, and re-renders what was typed with reasons beside the fields', async () => {
    const { context, page, errors } = await open(suite.browser, suite.env.url, admin);
    try {
      await page.goto(`${suite.env.url}/admin/users`);
      await Promise.all([page.waitForURL('**/admin/users/new'), page.getByTestId('new-person').click()]);
      await page.locator('#nip').fill('199001152015131001');
      await page.getByTestId('nip-live').filter({ hasText: 'bulan TMT CPNS' }).waitFor();
      expect(await page.getByTestId('nip-live').innerText()).to.equal('Angka 9–14 bukan bulan TMT CPNS yang sah (201513).');
      await page.locator('#nip').fill('199406152022211003');
      await page.getByTestId('nip-live').filter({ hasText: 'PPPK' }).waitFor();
      await page.locator('#name').fill('Maria Goreti');
      await page.locator('#golongan').selectOption('III/a');
      await page.locator('#password').fill('Awal-2026-aman');
      await page.screenshot({ path: '/tmp/bina-people-new.png', fullPage: true });
      await Promise.all([page.waitForURL('**/admin/users/new'), page.getByTestId('save-person').click()]);
      expect(await page.getByTestId('error-golongan').innerText()).to.equal('Bukan golongan PPPK (I–XVII).');
      expect(await page.locator('#name').inputValue()).to.equal('Maria Goreti');
      await page.locator('#golongan').selectOption('IX');
      await page.locator('#password').fill('Awal-2026-aman');
      await Promise.all([page.waitForURL('**?msg=created'), page.getByTestId('save-person').click()]);
      // The same NIP again: one reason beside the number, in the reader's language, nothing in English.
      await page.goto(`${suite.env.url}/admin/users/new`);
      await page.locator('#nip').fill('199406152022211003');
      await page.locator('#name').fill('Maria Goreti Dua');
      await page.locator('#golongan').selectOption('IX');
      await page.locator('#password').fill('Awal-2026-aman');
      await Promise.all([page.waitForURL('**/admin/users/new'), page.getByTestId('save-person').click()]);
      expect(await page.getByTestId('error-nip').innerText()).to.equal('Pegawai dengan NIP/e-mail ini sudah ada.');
      expect(await page.locator('main').innerText()).not.to.match(/already exists/);
      expect(await page.locator('#name').inputValue()).to.equal('Maria Goreti Dua');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
    // The same refusal in English on a phone: the reason sits beside the number and fits the screen.
    const phone = await open(suite.browser, suite.env.url, admin, { locale: 'en', width: 393 });
    try {
      await phone.page.goto(`${suite.env.url}/admin/users/new?lang=en`);
      await phone.page.locator('#nip').fill('199406152022211003');
      await phone.page.locator('#name').fill('Maria Goreti Tiga');
      await phone.page.locator('#golongan').selectOption('IX');
      await phone.page.locator('#password').fill('Awal-2026-aman');
      await Promise.all([phone.page.waitForURL('**/admin/users/new**'), phone.page.getByTestId('save-person').click()]);
      expect(await phone.page.getByTestId('error-nip').innerText()).to.equal('Someone with this NIP/e-mail already exists.');
      await phone.page.waitForLoadState('networkidle'); // the live check would have asked by now
      expect(await phone.page.getByTestId('nip-live').innerText(), 'the reason is said once').to.equal('');
      expect(await phone.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth), 'no sideways scrolling').to.equal(true);
      await phone.page.getByTestId('error-nip').scrollIntoViewIfNeeded();
      await phone.page.screenshot({ path: '/tmp/bina-people-nip-taken-en-phone.png' });
      expect(phone.errors).to.deep.equal([]);
    } finally {
      await phone.context.close();
    }
  });

  it('lets anyone change their password on the profile page and end a session on another device', async () => {
    const learner = await createUser(suite.env, 'learner', 'Budi Profil');
    const other = await open(suite.browser, suite.env.url, learner);
    const { context, page, errors } = await open(suite.browser, suite.env.url, learner);
    try {
      await openNavMenu(page);
      await Promise.all([page.waitForURL('**/profile'), page.locator('a[data-nav="core.profile"]').click()]);
      // The harness's own login (for an API token) is a session too: three in all.
      const sessions = page.getByTestId('sessions').locator('li');
      expect(await sessions.count()).to.equal(3);
      await page.screenshot({ path: '/tmp/bina-people-profile.png', fullPage: true });
      // Newest first: the first "End" is the other browser's.
      await Promise.all([page.waitForURL('**/profile?msg=ended*'), page.getByTestId('end-session').first().click()]);
      expect(await page.getByTestId('sessions').locator('li').count()).to.equal(2);
      await other.page.goto(`${suite.env.url}/profile`);
      expect(new URL(other.page.url()).pathname).to.equal('/login');

      await page.locator('#current').fill(TEST_PASSWORD);
      await page.locator('#password').fill('Sandi-Baru-2026');
      await page.locator('#passwordAgain').fill('Sandi-Baru-2027');
      await Promise.all([page.waitForURL('**/profile/password'), page.getByTestId('change-password').click()]);
      expect(await page.locator('.invalid-feedback').first().innerText()).to.equal('Kedua kata sandi baru tidak sama.');
      await page.goto(`${suite.env.url}/profile`);
      await page.locator('#current').fill(TEST_PASSWORD);
      await page.locator('#password').fill('Sandi-Baru-2026');
      await page.locator('#passwordAgain').fill('Sandi-Baru-2026');
      await Promise.all([page.waitForURL('**/profile?msg=password'), page.getByTestId('change-password').click()]);
      expect(await page.getByTestId('profile-msg').innerText()).to.equal('Kata sandi diganti. Sesi di perangkat lain telah berakhir.');
      const login = await fetch(`${suite.env.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: learner.username, password: 'Sandi-Baru-2026' }) });
      expect(login.status).to.equal(200);
      await page.setViewportSize({ width: 393, height: 850 });
      await page.goto(`${suite.env.url}/profile?lang=en`);
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).to.be.at.most(393);
      await page.screenshot({ path: '/tmp/bina-people-profile-en-phone.png', fullPage: true });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
      await other.context.close();
    }
  });

  it('leads a person whose password an admin reset to the change page, and nowhere else, until it is changed', async () => {
    const learner = await createUser(suite.env, 'learner', 'Sari Reset');
    await admin.api.put(`/api/v1/users/${learner.id}/password`, { temporaryPassword: 'Sementara-2026' });
    const context = await suite.browser.newContext({ locale: 'id-ID' });
    const page = await context.newPage();
    try {
      await page.goto(`${suite.env.url}/login`);
      await page.locator('#username').fill(learner.username);
      await page.locator('#password').fill('Sementara-2026');
      await Promise.all([page.waitForURL('**/profile/password'), page.locator('form[action="/login"] button[type=submit]').click()]);
      await page.getByTestId('forced-change').waitFor();
      await page.goto(`${suite.env.url}/profile`);
      expect(new URL(page.url()).pathname).to.equal('/profile/password');
      await page.locator('#current').fill('Sementara-2026');
      await page.locator('#password').fill('Pilihan-Sendiri-1');
      await page.locator('#passwordAgain').fill('Pilihan-Sendiri-1');
      await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByTestId('change-password').click()]);
      await page.goto(`${suite.env.url}/profile`);
      expect(new URL(page.url()).pathname).to.equal('/profile');
    } finally {
      await context.close();
    }
  });
});
