/**
 * Closing the loop in a real browser (issue 15, ADR 0060): citizens rate a service unit in two
 * periods; a unit head follows the navigation to the unit dashboard and sees the IKM with its
 * trend, JP compliance, competency gaps and open feedback side by side, with the low element that
 * recommends a course and why (element, period, average against the threshold); the unit's ASN
 * finds that course on their home page with the same reason. Screenshots (id, en, 393 px) go to
 * BINA_SCREENSHOTS_DIR when it is set.
 */
import { expect } from 'chai';
import { ApiClient, ManualClock, createUser, uniqueName, type TestUser } from '../support/harness';
import { openLoggedIn, openManageMenu, withBrowserEnv } from '../support/browser';

const html = { accept: 'text/html' };
const DAY = 86_400_000;

describe('browser: unit dashboard', function () {
  this.timeout(180_000);
  const clock = new ManualClock();
  const ctx = withBrowserEnv({ only: ['question-likert', 'survey-skm', 'feedback-public'], clock, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minFillSeconds: 0, submitsPerMinute: 1000 } }) } });
  const shots = process.env.BINA_SCREENSHOTS_DIR;
  let head: TestUser;
  let asn: TestUser;

  before(async () => {
    const { env } = ctx;
    const { Unit, User } = env.kernel.identity.models;
    const agency = await Unit.create({ code: uniqueName('AG'), name: 'Pemerintah Kabupaten Mamuju' });
    const bkpsdm = await Unit.create({ code: uniqueName('BK'), name: 'BKPSDM', parentId: agency._id });
    head = await createUser(env, 'learner', 'Yusuf Kepala');
    asn = await createUser(env, 'learner', 'Rina Pegawai');
    await User.updateOne({ _id: head.id }, { $set: { unitId: bkpsdm._id, unitHeadOf: [bkpsdm._id] } });
    await User.updateOne({ _id: asn.id }, { $set: { unitId: bkpsdm._id } });
    const now = clock.now();
    await env.kernel.learning.models.Course.create({ title: 'Komunikasi Pelayanan yang Santun', description: '', jp: 4, competencies: [{ code: 'MNJ-KOM', level: 2 }], trainerIds: [], published: true, createdAt: now, updatedAt: now });
    const admin = await createUser(env, 'admin');
    const slug = uniqueName('kepegawaian').toLowerCase().replace(/_/g, '-');
    await admin.api.request('POST', '/survey-skm/admin/units', { name: 'Layanan Kepegawaian BKPSDM', slug, coreUnitId: String(bkpsdm._id), serviceStandardDays: '5' }, html);
    // Two periods: perilaku pelaksana (U7) falls from 3 to 2.5 (threshold 3).
    const answer = async (scores: number[]) => {
      const c = new ApiClient(env.url);
      const page = String((await c.request('GET', `/survey-skm/u/${slug}`, undefined, html)).body);
      const form = { _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]!, ticket: /name="ticket" value="([^"]+)"/.exec(page)![1]!, website: '', ...Object.fromEntries(scores.map((v, i) => [`u${i + 1}`, String(v)])) };
      expect((await c.request('POST', `/survey-skm/u/${slug}`, form, html)).status).to.equal(303);
    };
    for (const s of [[3, 3, 3, 4, 3, 3, 3, 3, 3], [4, 3, 4, 4, 3, 4, 3, 4, 3]]) await answer(s);
    clock.advance(190 * DAY);
    for (const s of [[4, 4, 3, 4, 4, 4, 2, 4, 4], [4, 4, 4, 4, 4, 4, 3, 4, 3]]) await answer(s);
  });

  it('a unit head reads why a course is recommended on the dashboard, and the ASN finds it at home', async () => {
    const { env, browser } = ctx;
    const { context, page, errors } = await openLoggedIn(browser, env.url, head);
    await openManageMenu(page);
    await page.locator('[data-nav="core.unit-dashboard"]').click();
    await page.waitForURL(/\/units\/dashboard$/);
    const ikm = page.getByTestId('panel-survey-skm.ikm');
    expect(await ikm.locator('tbody tr').count()).to.be.greaterThan(2); // two periods, each with its bar
    const notes = await page.getByTestId('notes-survey-skm.ikm').textContent();
    expect(notes).to.match(/Warga menilai Perilaku pelaksana di Layanan Kepegawaian BKPSDM kurang pada periode \d{4}-S[12]: rata-rata 2,50 dari 4, di bawah 3,00\./);
    expect(notes).to.contain('Komunikasi Pelayanan yang Santun');
    for (const panel of ['core.jp', 'core.competency', 'feedback-public.open']) await page.getByTestId(`panel-${panel}`).waitFor();
    if (shots) await page.screenshot({ path: `${shots}/unit-dashboard-id.png`, fullPage: true });
    await page.goto(`${env.url}/units/dashboard?lang=en`);
    expect(await page.getByTestId('notes-survey-skm.ikm').textContent()).to.match(/Citizens rated .* at Layanan Kepegawaian BKPSDM low in period .*: an average of 2\.50 out of 4, below 3\.00\./);
    if (shots) await page.screenshot({ path: `${shots}/unit-dashboard-en.png`, fullPage: true });
    await page.setViewportSize({ width: 393, height: 851 });
    await page.goto(`${env.url}/units/dashboard?lang=id`);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).to.equal(0);
    if (shots) await page.screenshot({ path: `${shots}/unit-dashboard-phone.png`, fullPage: true });
    // The unit head follows the finding's course link.
    await page.getByTestId('notes-survey-skm.ikm').getByRole('link', { name: /Komunikasi Pelayanan yang Santun/ }).click();
    await page.waitForURL(/\/courses\/[a-f0-9]{24}$/);
    expect(errors).to.deep.equal([]);
    await context.close();

    const learner = await openLoggedIn(browser, env.url, asn);
    const rec = learner.page.getByTestId('recommended');
    expect(await rec.textContent()).to.contain('Komunikasi Pelayanan yang Santun');
    expect(await rec.getByTestId('rec-reason').first().textContent()).to.match(/Warga menilai Perilaku pelaksana di .* rata-rata 2,50 dari 4, di bawah 3,00/);
    if (shots) await learner.page.screenshot({ path: `${shots}/home-recommended-id.png`, fullPage: true });
    await learner.page.goto(`${env.url}/?lang=en`);
    if (shots) await learner.page.screenshot({ path: `${shots}/home-recommended-en.png`, fullPage: true });
    await learner.page.setViewportSize({ width: 393, height: 851 });
    await learner.page.goto(`${env.url}/?lang=id`);
    if (shots) await learner.page.screenshot({ path: `${shots}/home-recommended-phone.png`, fullPage: true });
    // Once the ASN takes the course it sits under "my courses" and is no longer recommended.
    await learner.page.getByTestId('recommended').getByRole('link', { name: /Komunikasi Pelayanan yang Santun/ }).click();
    await learner.page.waitForURL(/\/courses\/[a-f0-9]{24}$/);
    await learner.page.locator('form[action$="/enrol"] button[type=submit]').click();
    await learner.page.locator('main .alert-success').waitFor(); // "you are enrolled", after the form's redirect
    await learner.page.goto(`${env.url}/?lang=id`);
    expect(await learner.page.locator('main').textContent()).to.contain('Komunikasi Pelayanan yang Santun');
    expect(await learner.page.getByTestId('recommended').count()).to.equal(0);
    expect(learner.errors).to.deep.equal([]);
    await learner.context.close();
  });
});
