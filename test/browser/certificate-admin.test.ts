/**
 * The certificate admin pages in a real browser (issue 9, items 2 and 4): an admin revokes and then
 * reissues a certificate with the row forms of the search page (each carries the page's CSRF
 * token), opens the template editor (the built-in template's JSON, not the view engine's data),
 * previews it as a PDF, and reads the built-in template over the API.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

const API = '/api/v1/certificate-openbadges';

describe('certificate admin pages in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let admin: TestUser;
  let learner: TestUser;
  let page: Page;
  let errors: string[];

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Sertifikat');
    learner = await createUser(suite.env, 'learner', 'Andi Baso Tenri');
    const context = await suite.browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    errors = [];
    page.on('console', (m) => {
      // A refused form comes back with status 400 on purpose (the revoke sent without "Saya yakin").
      if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(`${m.text()} (page ${page.url()})`);
    });
    await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
  });

  describe('revoke and reissue from the search page', () => {
    let achievementId: string;
    let certificateId: string;

    before(async () => {
      const a = await admin.api.post(`${API}/achievements`, {
        name: 'Peserta Bimtek Arsip', description: 'Mengikuti bimbingan teknis kearsipan.', criteria: 'Hadir penuh.',
        competency: { code: 'MNJ-PP', level: 1 }, jp: 8, achievementType: 'CertificateOfCompletion',
      });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      achievementId = a.body.achievement.id;
      const r = await admin.api.post(`${API}/certificates`, { achievementId, userId: learner.id, reason: 'Hadir pada bimtek 3 Desember' });
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
      certificateId = await waitFor(async () => {
        const mine = await learner.api.get(`${API}/me/certificates`);
        return (mine.body.certificates as Array<{ id: string; achievementId: string; pdf: unknown }>).find((c) => c.achievementId === achievementId && c.pdf)?.id;
      }, 'the certificate to be issued');
    });

    it('checks the issued PDF on the verify page, with every check explained in Indonesian', async () => {
      const pdf = await fetch(`${suite.env.url}${API}/certificates/${certificateId}/pdf`, { headers: { authorization: `Bearer ${learner.token}` } });
      expect(pdf.status).to.equal(200);
      const bytes = Buffer.from(await pdf.arrayBuffer());
      const visitor = await (await suite.browser.newContext()).newPage();
      await visitor.goto(`${suite.env.url}/verify?lang=id`);
      await visitor.locator('#file').setInputFiles({ name: 'sertifikat.pdf', mimeType: 'application/pdf', buffer: bytes });
      await Promise.all([visitor.waitForURL((u) => u.pathname === '/verify'), visitor.locator('form[enctype="multipart/form-data"] button[type=submit]').click()]);
      await visitor.getByTestId('verify-checks').waitFor();
      expect(await visitor.getByTestId('verify-status').getAttribute('data-status')).to.equal('valid');
      const checks = (await visitor.getByTestId('verify-checks').innerText()).replace(/\s+/g, ' ');
      expect(checks).to.include('Tanda tangan digital sah').and.include('sama persis dengan berkas yang diterbitkan');
      expect(checks).not.to.match(/Issued by|Matches|proof|The PDF carries|The file is/);
      await visitor.context().close();
    });

    it('revokes a certificate with the row form, after confirming which certificate and whose', async () => {
      await page.goto(`${suite.env.url}/certificate-openbadges/admin?achievementId=${achievementId}`);
      const row = page.locator(`tr[data-certificate-id="${certificateId}"]`);
      await row.locator('summary').click();
      await row.locator(`#rv-${certificateId}`).fill('Data peserta keliru');
      await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/revoke')), row.locator(`form[action$="/revoke"] button[type=submit]`).click()]);
      // Not revoked yet: the page names the certificate and its holder, with the reason as typed.
      const state = async () => (await admin.api.get(`${API}/certificates/${certificateId}`)).body.certificate.state;
      expect(await state()).to.equal('issued');
      expect(await page.getByTestId('revoke-achievement').innerText()).to.equal('Peserta Bimtek Arsip');
      expect(await page.getByTestId('revoke-holder').innerText()).to.contain('Andi Baso Tenri');
      expect(await page.locator('#revoke-reason').inputValue()).to.equal('Data peserta keliru');
      // Sent without "Saya yakin": refused beside the box, the reason kept.
      const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/revoke')), page.getByTestId('revoke-submit').click()]);
      expect(refused.status()).to.equal(400);
      await page.getByTestId('revoke-sure-error').waitFor();
      expect(await page.getByTestId('revoke-sure-error').innerText()).to.contain('Saya yakin');
      expect(await page.locator('#revoke-reason').inputValue()).to.equal('Data peserta keliru');
      expect(await state()).to.equal('issued');
      for (const [lang, width] of [['id', 1280], ['id', 393], ['en', 393]] as const) {
        await page.setViewportSize({ width, height: 900 });
        if (lang === 'en') await page.goto(`${suite.env.url}/certificate-openbadges/admin?achievementId=${achievementId}&lang=en`);
        if (lang === 'en') {
          await row.locator('summary').click();
          await row.locator(`#rv-${certificateId}`).fill('Data peserta keliru');
          await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/revoke')), row.locator(`form[action$="/revoke"] button[type=submit]`).click()]);
          expect(await page.locator('main').innerText()).to.contain('I am sure').and.not.contain('Saya yakin');
        }
        expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth), `${lang} ${width} fits`).to.equal(true);
        await page.screenshot({ path: `/tmp/bina-certificate-revoke-${lang}-${width}.png`, fullPage: true });
      }
      await page.setViewportSize({ width: 1200, height: 900 });
      await page.goto(`${suite.env.url}/certificate-openbadges/admin?achievementId=${achievementId}&lang=id`);
      await row.locator('summary').click();
      await row.locator(`#rv-${certificateId}`).fill('Data peserta keliru');
      await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/revoke')), row.locator(`form[action$="/revoke"] button[type=submit]`).click()]);
      await page.getByLabel('Saya yakin mencabut sertifikat ini').check();
      await Promise.all([page.waitForURL((u) => u.searchParams.get('notice') === 'revoked'), page.getByTestId('revoke-submit').click()]);
      expect(await page.locator('.alert-success').textContent()).to.be.a('string').that.is.not.empty;
      expect(await state()).to.equal('revoked');
    });

    it('reissues the revoked certificate with the row form', async () => {
      await page.goto(`${suite.env.url}/certificate-openbadges/admin?achievementId=${achievementId}`);
      const row = page.locator(`tr[data-certificate-id="${certificateId}"]`);
      await row.locator('summary').click();
      await row.locator(`#ri-${certificateId}`).fill('Nama sudah dibetulkan');
      await Promise.all([page.waitForURL((u) => u.searchParams.get('notice') === 'reissued'), row.locator(`form[action$="/reissue"] button[type=submit]`).click()]);
      await waitFor(async () => {
        const mine = await learner.api.get(`${API}/me/certificates`);
        return (mine.body.certificates as Array<{ id: string; achievementId: string; state: string }>).some((c) => c.achievementId === achievementId && c.id !== certificateId && c.state === 'issued');
      }, 'the reissued certificate');
    });
  });

  describe('the template editor', () => {
    it('shows the built-in template as JSON and previews it as a PDF', async () => {
      await page.goto(`${suite.env.url}/certificate-pdf/templates`);
      const json = await page.locator('#json-default').inputValue();
      expect(json.length, 'the textarea holds the template, not the view data').to.be.below(20_000);
      const parsed = JSON.parse(json) as Record<string, unknown>;
      expect(parsed).to.be.an('object');
      expect(json).not.to.include('csrfToken');
      // The JSON is the advanced option, folded away under the template's editor link.
      await page.locator('#t-default summary').click();
      const form = page.locator('#t-default form');
      const [response] = await Promise.all([
        page.context().waitForEvent('response', (r) => new URL(r.url()).pathname === '/certificate-pdf/preview'),
        form.locator('button[formaction="/certificate-pdf/preview"]').click(),
      ]);
      expect(response.status()).to.equal(200);
      expect(response.headers()['content-type']).to.match(/^application\/pdf/);
      for (const p of page.context().pages()) if (p !== page) await p.close();
    });

    it('answers the built-in template over the API', async () => {
      const r = await admin.api.get('/api/v1/certificate-pdf/templates/default');
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.template).to.include({ id: 'default', builtIn: true });
      expect((await admin.api.get('/api/v1/certificate-pdf/templates/no-such-template')).status).to.equal(404);
    });

    it('logged no console error', () => {
      expect(errors).to.deep.equal([]);
    });
  });
});
