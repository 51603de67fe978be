/**
 * A person's data in a real browser (UU 27/2022, ADR 0036): an admin goes People → the person →
 * "Data pribadi", sees what each part of Bina holds, downloads the JSON and the PDF summary, is
 * refused an erasure without a reference or with a wrong confirmation (reasons beside the fields,
 * typed values kept), then erases; the person can no longer sign in. The audit log page: filter by
 * subject, follow "more by this actor", export CSV; the erasure is there with its reference.
 * Screenshots: /tmp/bina-privacy-*.png (id, en, phone width).
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv, openManageMenu } from '../support/browser';

const open = (browser: Browser, url: string, user: { username: string }, opts: { locale?: string; width?: number } = {}) => openLoggedIn(browser, url, user, { ...opts, acceptDownloads: true });

describe('personal data and the audit log in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let admin: TestUser;
  let person: TestUser;

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Privasi');
    person = await createUser(suite.env, 'learner', 'Larasati Permohonan');
  });

  it('exports and erases a person from their page', async () => {
    const { context, page, errors } = await open(suite.browser, suite.env.url, admin);
    try {
      await openManageMenu(page);
      await page.getByRole('link', { name: 'Pegawai' }).first().click();
      await page.getByTestId('people-search').fill('Larasati');
      await page.keyboard.press('Enter');
      await page.getByRole('link', { name: /Larasati Permohonan/ }).first().click();
      await page.getByTestId('person-privacy').click();
      await page.waitForURL(`**/admin/users/${person.id}/personal-data`);
      expect(await page.locator('h1').innerText()).to.contain('Data pribadi').and.contain('Larasati Permohonan');
      expect(await page.getByTestId('privacy-stores').locator('tr[data-collection="notify-inbox_notices"]').count()).to.equal(1);
      await page.screenshot({ path: '/tmp/bina-privacy-id.png', fullPage: true });

      const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-json').click()]);
      const data = JSON.parse(await streamText(await json.createReadStream()));
      expect(data.person.name).to.equal('Larasati Permohonan');
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-pdf').click()]);
      expect(pdf.suggestedFilename()).to.match(/\.pdf$/);
      expect((await streamText(await pdf.createReadStream())).slice(0, 5)).to.equal('%PDF-');

      // A refusal says why beside each field and keeps what was typed.
      await page.getByLabel('Nomor surat permintaan').fill('');
      await page.getByLabel(/Ketik .* untuk mengonfirmasi/).fill('salah');
      await page.getByTestId('privacy-erase').click();
      await page.locator('#reference-error').waitFor();
      expect(await page.locator('#reference-error').innerText()).to.contain('nomor surat');
      expect(await page.locator('#confirm-error').innerText()).to.contain('NIP');
      expect(await page.getByLabel(/Ketik .* untuk mengonfirmasi/).inputValue()).to.equal('salah');

      await page.getByLabel('Nomor surat permintaan').fill('800/123/BKPSDM/2026');
      await page.getByLabel('Ganti juga nama pada sertifikat').check();
      await page.getByLabel(/Ketik .* untuk mengonfirmasi/).fill(person.username);
      await page.getByTestId('privacy-erase').click();
      await page.getByTestId('privacy-msg').waitFor();
      expect(await page.locator('h1').innerText()).to.contain('(dihapus)');
      expect(await page.getByTestId('privacy-stores').locator('tr[data-collection="notify-inbox_notices"] td').last().innerText()).to.equal('0');
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
    const login = await fetch(`${suite.env.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: person.username, password: TEST_PASSWORD }) });
    expect(login.status).not.to.equal(200);
  });

  it('reads the person-data page in English and at phone width', async () => {
    const other = await createUser(suite.env, 'learner', 'Dimas Tampilan');
    for (const [locale, width, shot] of [['en', 1280, 'en'], ['id', 393, 'phone']] as const) {
      const { context, page, errors } = await open(suite.browser, suite.env.url, admin, { width });
      try {
        await page.goto(`${suite.env.url}/admin/users/${other.id}/personal-data?lang=${locale}`);
        const text = await page.locator('main').innerText();
        if (locale === 'en') expect(text).to.contain('Personal data').and.contain('Erase on a lawful request').and.not.contain('Hapus data pribadi');
        else expect(text).to.contain('Hapus data pribadi');
        const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
        expect(overflow, 'horizontal scroll').to.be.at.most(0);
        await page.screenshot({ path: `/tmp/bina-privacy-${shot}.png`, fullPage: true });
        expect(errors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    }
  });

  it('lets an admin filter the audit log, follow its links and export it', async () => {
    const { context, page, errors } = await open(suite.browser, suite.env.url, admin);
    try {
      await openManageMenu(page);
      await page.getByRole('link', { name: 'Log audit' }).first().click();
      await page.waitForURL('**/admin/audit');
      await page.getByTestId('audit-rows').waitFor();
      await page.getByLabel('Jenis objek').fill('user');
      await page.getByRole('button', { name: 'Saring' }).click();
      await page.waitForURL(/subjectType=user/);
      const erased = page.locator('td[data-action="audit.person.erased"]');
      expect(await erased.count()).to.be.greaterThan(0);
      // The erased person's own rows keep their place in the chain with their values gone.
      await erased.first().locator('xpath=..').getByRole('link').last().click();
      await page.waitForURL(/subjectId=/);
      expect(await page.getByTestId('audit-rows').locator('tbody tr').count()).to.be.greaterThan(1);
      await page.getByTestId('audit-rows').locator('tbody tr').first().getByRole('link').first().click();
      await page.waitForURL(/actorId=/);
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
      const text = await streamText(await csv.createReadStream());
      expect(text.split('\n')[0]).to.contain('seq,at,actor_id');
      await page.screenshot({ path: '/tmp/bina-audit-id.png', fullPage: true });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('latin1');
}
