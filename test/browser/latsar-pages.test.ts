/**
 * Latsar actualisation in a real browser with JavaScript turned off: the participant finds their
 * page from the navigation and uploads the plan through a plain multipart form (a wrong file and
 * no file come back with the reason); the coach sees it under review and can open the PDF. Every
 * Latsar page (participant, mentor, coach, penguji) fits a phone's 393 px, in Indonesian and English.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv, openNavMenu } from '../support/browser';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

describe('Latsar pages in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv({ only: ['activity-latsar'] });
  let participant: TestUser;
  let mentor: TestUser;
  let coach: TestUser;
  let penguji: TestUser;
  let pid: string;

  before(async () => {
    const admin = await createUser(suite.env, 'admin');
    participant = await createUser(suite.env, 'learner', 'Yohanes Tandi');
    mentor = await createUser(suite.env, 'mentor', 'Drs. Markus Pasang');
    coach = await createUser(suite.env, 'trainer', 'Dr. Hasnah Widyaiswara');
    penguji = await createUser(suite.env, 'trainer', 'Ir. Made Penguji');
    await suite.env.kernel.identity.models.User.updateOne({ _id: participant.id }, { $set: { supervisorId: new Types.ObjectId(mentor.id) } });
    const r = await admin.api.post('/api/v1/activity-latsar/participants', { userId: participant.id, cohort: 'Latsar CPNS/PPPK 2026 Angkatan I', coachId: coach.id, pengujiId: penguji.id });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    pid = r.body.participant.id;
  });

  async function loggedIn(u: TestUser, opts: { javaScriptEnabled?: boolean; width?: number; locale?: 'id' | 'en' } = {}): Promise<Page> {
    const context = await suite.browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, javaScriptEnabled: opts.javaScriptEnabled ?? true });
    const page = await context.newPage();
    await loginThroughForm(page, suite.env.url, u.username, TEST_PASSWORD);
    await page.goto(`${suite.env.url}/?lang=${opts.locale ?? 'id'}`);
    return page;
  }

  const submit = (page: Page) => Promise.all([page.waitForURL(/\/participants\//), page.getByRole('button', { name: 'Unggah' }).click()]);

  it('lets the participant upload the plan with a plain form, without JavaScript', async () => {
    const page = await loggedIn(participant, { javaScriptEnabled: false });
    await openNavMenu(page);
    await page.locator('nav a[href="/activity-latsar/"]').first().click();
    await page.waitForURL((u) => u.pathname === '/activity-latsar/');
    await Promise.all([page.waitForURL((u) => u.pathname === `/activity-latsar/participants/${pid}`), page.locator('main').getByRole('link', { name: 'Yohanes Tandi' }).click()]);
    expect(await page.getByTestId('upload-form').getAttribute('enctype')).to.equal('multipart/form-data');

    // Not a PDF: the page comes back with the reason, and nothing moved.
    await page.locator('#latsar-file').setInputFiles({ name: 'rancangan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>bukan pdf</html>') });
    await submit(page);
    expect(await page.getByTestId('latsar-error').textContent()).to.contain('Unggah berkas PDF');
    expect(await page.getByTestId('stage').textContent()).to.not.contain('ditinjau');

    await page.locator('#latsar-file').setInputFiles({ name: 'Rancangan Aktualisasi.pdf', mimeType: 'application/pdf', buffer: PDF });
    await submit(page);
    expect(await page.getByTestId('latsar-uploaded').textContent()).to.contain('Rancangan aktualisasi terunggah');
    expect(await page.locator('main').textContent()).to.contain('Rancangan Aktualisasi.pdf');

    const coachPage = await loggedIn(coach);
    await coachPage.goto(`${suite.env.url}/activity-latsar/`);
    await Promise.all([coachPage.waitForURL((u) => u.pathname === `/activity-latsar/participants/${pid}`), coachPage.locator('main').getByRole('link', { name: 'Yohanes Tandi' }).click()]);
    const pdf = await coachPage.request.get(`${suite.env.url}/activity-latsar/participants/${pid}/files/plan/rancangan-aktualisasi.pdf`);
    expect(pdf.status()).to.equal(200);
    expect((await pdf.body()).equals(PDF)).to.equal(true);
  });

  it('fits every Latsar page of every role on a 393 px phone, in Indonesian and English', async () => {
    for (const u of [participant, mentor, coach, penguji]) {
      for (const locale of ['id', 'en'] as const) {
        const page = await loggedIn(u, { width: 393, locale });
        for (const path of ['/activity-latsar/', `/activity-latsar/participants/${pid}`]) {
          const res = await page.goto(`${suite.env.url}${path}`);
          expect(res?.status(), `${u.username} ${locale} ${path}`).to.equal(200);
          const overflow = await page.evaluate(() => {
            const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
            return root.scrollWidth - root.clientWidth;
          });
          expect(overflow, `${u.username} ${locale} ${path} scrolls sideways`).to.equal(0);
          expect(await page.locator('html').getAttribute('lang'), `${u.username} ${path}`).to.equal(locale);
        }
        await page.context().close();
      }
    }
  });
});
