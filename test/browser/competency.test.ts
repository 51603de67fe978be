/**
 * Competency profiles in a real browser: a unit head follows the navigation to the gap heat map of
 * their units and sees their people (not another unit's) with the chart and its table; an ASN
 * drafts a development plan from a gap with a recommended course and sends it, and their direct
 * supervisor finds it waiting and approves it. Screenshots go to /tmp/bina-competency-*.png
 * (id, en, phone width).
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Page } from 'playwright-core';
import type { CompetencyService } from '../../src/learning/competency/competency-service';
import { positionKey } from '../../src/learning/competency/competency-models';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv, openNavMenu } from '../support/browser';

/** A page condition: Chart.js drew a chart on the canvas with this id. */
const chartDrawn = (id: string) => `Boolean(window.Chart && window.Chart.getChart(document.getElementById(${JSON.stringify(id)})))`;

describe('competency profiles in a real browser', function () {
  this.timeout(240_000);
  const suite = withBrowserEnv();
  let head: TestUser;
  let boss: TestUser;
  let asn: TestUser;
  let outsider: TestUser;
  let courseId: string;

  before(async () => {
    const { kernel } = suite.env;
    const svc = kernel.services.providers.get('competency')!.impl as CompetencyService;
    const { Unit, User } = kernel.identity.models;
    const s = Date.now() % 100000;
    const agency = await Unit.create({ code: `KAB${s}`, name: 'Pemerintah Kabupaten Uji' });
    const bkpsdm = await Unit.create({ code: `BKP${s}`, name: 'BKPSDM', parentId: agency._id });
    const bidang = await Unit.create({ code: `BID${s}`, name: 'Bidang Pengembangan Kompetensi', parentId: bkpsdm._id });
    const dinas = await Unit.create({ code: `DIN${s}`, name: 'Dinas Kesehatan', parentId: agency._id });
    await svc.models.Position.create({ code: 'ANALIS', name: 'Analis SDM Aparatur', nameKey: positionKey('Analis SDM Aparatur'), standard: [{ competency: 'MNJ-KOM', required: 3 }, { competency: 'MNJ-PP', required: 3 }, { competency: 'MNJ-INT', required: 2 }], updatedAt: new Date() });
    head = await createUser(suite.env, 'learner', 'Muhammad Yusuf');
    boss = await createUser(suite.env, 'learner', 'Andi Mappanyukki');
    asn = await createUser(suite.env, 'learner', 'Agus Salim');
    outsider = await createUser(suite.env, 'learner', 'Pegawai Dinas Lain');
    await User.updateOne({ _id: head.id }, { $set: { unitId: bkpsdm._id, unitHeadOf: [bkpsdm._id] } });
    await User.updateOne({ _id: boss.id }, { $set: { unitId: bidang._id, positionName: 'Analis SDM Aparatur' } });
    await User.updateOne({ _id: asn.id }, { $set: { unitId: bidang._id, positionName: 'Analis SDM Aparatur', supervisorId: new Types.ObjectId(boss.id) } });
    await User.updateOne({ _id: outsider.id }, { $set: { unitId: dinas._id, positionName: 'Analis SDM Aparatur' } });
    for (const [c, l] of [['MNJ-KOM', 1], ['MNJ-PP', 3], ['MNJ-INT', 2]] as const) {
      await svc.recordEvidence({ userId: asn.id, competency: c, level: l, source: 'supervisor', by: boss.id, message: { key: 'competency.evidence.msg.supervisor', args: { level: l } } });
    }
    const trainer = await createUser(suite.env, 'trainer');
    const course = await trainer.api.post('/api/v1/courses', { title: 'Komunikasi Efektif di Tempat Kerja', jp: 6, competencies: [{ code: 'MNJ-KOM', level: 3 }], published: true });
    courseId = course.body.course.id;
  });

  async function open(user: TestUser, opts: { locale?: string; width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
    const context = await suite.browser.newContext({ locale: opts.locale ?? 'id-ID', viewport: { width: opts.width ?? 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`console: ${m.text()} (page ${page.url()})`);
    });
    await loginThroughForm(page, suite.env.url, user.username, TEST_PASSWORD);
    return { page, errors };
  }

  it('shows a unit head the gap heat map of their units, with its chart and tables', async () => {
    const { page, errors } = await open(head);
    await openNavMenu(page);
    await Promise.all([page.waitForURL((u) => u.pathname === '/competency'), page.locator('nav a[href="/competency"]').first().click()]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/competency/units'), page.getByTestId('heatmap-link').click()]);
    const map = page.getByTestId('heatmap');
    await map.waitFor();
    expect(await map.locator(`tr[data-person="${asn.id}"]`).count()).to.equal(1);
    expect(await map.locator(`tr[data-person="${boss.id}"]`).count()).to.equal(1);
    expect(await map.locator(`tr[data-person="${outsider.id}"]`).count(), 'another unit').to.equal(0);
    const row = map.locator(`tr[data-person="${asn.id}"]`);
    expect(await row.textContent()).to.contain('−2').and.contain('Kurang Optimal');
    // The chart was drawn (Chart.js served locally), and its table is there for screen readers.
    await page.waitForFunction(chartDrawn('competency-gap-chart'));
    expect(await page.locator('#gap-counts tbody tr').count()).to.equal(3);
    await page.screenshot({ path: '/tmp/bina-competency-heatmap-id.png', fullPage: true });
    // The export answers with a spreadsheet.
    const xlsx = await page.request.get(`${suite.env.url}/competency/units/export?format=xlsx`);
    expect(xlsx.status()).to.equal(200);
    expect(xlsx.headers()['content-type']).to.contain('spreadsheetml');
    await page.goto(`${suite.env.url}/competency/units?lang=en`);
    expect(await page.locator('h1').textContent()).to.equal('Competency gap heat map');
    await page.screenshot({ path: '/tmp/bina-competency-heatmap-en.png', fullPage: true });
    expect(errors).to.deep.equal([]);
    await page.context().close();
    const phone = await open(head, { width: 393 });
    await phone.page.goto(`${suite.env.url}/competency/units`);
    await phone.page.screenshot({ path: '/tmp/bina-competency-heatmap-phone.png', fullPage: true });
    await phone.page.context().close();
  });

  it('lets an ASN draft a plan from a gap and send it, and the direct supervisor approves it', async () => {
    const { page, errors } = await open(asn);
    await openNavMenu(page);
    await Promise.all([page.waitForURL((u) => u.pathname === '/competency'), page.locator('nav a[href="/competency"]').first().click()]);
    expect(await page.getByTestId('jpm-value').textContent()).to.contain('75,00');
    expect(await page.getByTestId('gaps').textContent()).to.contain('Komunikasi Efektif di Tempat Kerja');
    expect(await page.getByTestId('gaps').innerText()).to.match(/Tempat Kerja \(Level \d/);
    await page.waitForFunction(chartDrawn('competency-radar'));
    await page.screenshot({ path: '/tmp/bina-competency-profile-id.png', fullPage: true });
    // On a phone the gap column (the point of the table) is in view without sideways scrolling.
    await page.setViewportSize({ width: 393, height: 850 });
    const gapHeader = await page.locator('#competency-table thead th').last().boundingBox();
    expect(gapHeader!.x + gapHeader!.width, 'the gap column inside 393 px').to.be.at.most(393);
    // The evidence trail reads whole on the phone: nothing in it reaches past the screen's edge.
    const trailRight = await page.locator('section[aria-labelledby="trail-h"]').evaluate((el) => Math.max(...[...(el as any).querySelectorAll('*')].map((e: any) => e.getBoundingClientRect().right)));
    expect(trailRight, 'the evidence trail inside 393 px').to.be.at.most(393);
    expect(await page.getByTestId('evidence-trail').innerText()).to.contain('Level');
    await page.screenshot({ path: '/tmp/bina-competency-profile-phone.png', fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([page.waitForURL((u) => u.pathname === '/competency/plan'), page.getByTestId('plan-link').click()]);
    const gap = page.locator('fieldset[data-gap="MNJ-KOM"]');
    expect(await gap.locator('input[type=checkbox]').isChecked()).to.equal(true);
    await gap.locator('select').selectOption(courseId);
    await gap.locator('input[name="note_MNJ-KOM"]').fill('Coaching dengan atasan');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('msg') === 'planSubmitted'), page.getByTestId('submit-plan').click()]);
    expect(await page.getByTestId('plan-state').textContent()).to.equal('Menunggu persetujuan');
    await page.screenshot({ path: '/tmp/bina-competency-plan-id.png', fullPage: true });

    const sup = await open(boss);
    await sup.page.goto(`${suite.env.url}/competency`);
    await Promise.all([sup.page.waitForURL((u) => u.pathname === '/competency/approvals'), sup.page.getByTestId('approvals-link').click()]);
    const waiting = sup.page.locator(`[data-testid=approvals] tr[data-person="${asn.id}"]`);
    expect(await waiting.textContent()).to.contain('Agus Salim');
    await Promise.all([sup.page.waitForURL((u) => u.pathname === `/competency/people/${asn.id}`), waiting.getByRole('link', { name: 'Agus Salim' }).click()]);
    expect(await sup.page.getByTestId('person-plan').first().textContent()).to.contain('Komunikasi Efektif di Tempat Kerja');
    await Promise.all([sup.page.waitForURL((u) => u.searchParams.get('msg') === 'planApproved'), sup.page.getByTestId('approve-plan').click()]);
    expect(await sup.page.getByTestId('person-plan').first().textContent()).to.contain('Disetujui');
    expect(sup.errors).to.deep.equal([]);

    await page.goto(`${suite.env.url}/competency/plan`);
    expect(await page.getByTestId('plan-state').textContent()).to.equal('Disetujui');
    expect(await page.getByTestId('plan-progress').textContent()).to.contain('0 dari 1');
    await page.goto(`${suite.env.url}/competency/plan?lang=en`);
    await page.screenshot({ path: '/tmp/bina-competency-plan-en.png', fullPage: true });
    expect(errors).to.deep.equal([]);
  });
});
