/**
 * The JP ledger in a real browser (issue 13): an ASN follows the dashboard to their JP page, claims
 * a seminar done elsewhere with a PDF as evidence (a refused form first keeps what was typed and
 * says why beside the field), their direct supervisor finds the claim waiting and approves it, and
 * the ASN's JP bar moves by the claim's JP. A unit head follows the navigation to the JP report and
 * sees the compliance chart (Chart.js, served by the app) with its table. Screenshots go to
 * /tmp/bina-jp-*.png (id, en, phone width).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { createUser, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv, openManageMenu } from '../support/browser';

const open = (browser: Browser, url: string, user: TestUser, opts: { locale?: string; width?: number } = {}) => openLoggedIn(browser, url, user, opts);

/** Today in WIB as yyyy-mm-dd: the claim counts in this year, whenever the suite runs. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

const barValue = async (page: Page) => Number(await page.getByTestId('jp-bar').getAttribute('value'));

describe('browser: JP ledger', function () {
  this.timeout(180_000);
  const ctx = withBrowserEnv({ only: ['notify-inbox'] });
  let dir: string;
  let pdf: string;
  let asn: TestUser;
  let supervisor: TestUser;
  let head: TestUser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bina-jp-'));
    pdf = join(dir, 'sertifikat-seminar.pdf');
    writeFileSync(pdf, '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const { env } = ctx;
    const Unit = env.kernel.identity.models.Unit;
    const agency = await Unit.create({ code: `AGB-${Date.now()}`, name: 'Pemerintah Kabupaten Mamuju' });
    const bkpsdm = await Unit.create({ code: `BKB-${Date.now()}`, name: 'BKPSDM', parentId: agency._id });
    const dinas = await Unit.create({ code: `DNB-${Date.now()}`, name: 'Dinas Pendidikan', parentId: agency._id });
    supervisor = await createUser(env, 'learner', 'Andi Atasan');
    asn = await createUser(env, 'learner', 'Rina Pegawai');
    head = await createUser(env, 'learner', 'Yusuf Kepala');
    const other = await createUser(env, 'learner', 'Orang Dinas Lain');
    const User = env.kernel.identity.models.User;
    await User.updateOne({ _id: supervisor.id }, { $set: { unitId: bkpsdm._id } });
    await User.updateOne({ _id: asn.id }, { $set: { unitId: bkpsdm._id, supervisorId: new Types.ObjectId(supervisor.id) } });
    await User.updateOne({ _id: head.id }, { $set: { unitId: bkpsdm._id, unitHeadOf: [bkpsdm._id] } });
    await User.updateOne({ _id: other.id }, { $set: { unitId: dinas._id } });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an ASN claims a seminar with evidence, the supervisor approves it, and the JP bar moves', async () => {
    const { env, browser } = ctx;
    const learner = await open(browser, env.url, asn);
    const page = learner.page;
    await page.getByTestId('jp-details').click();
    await page.waitForURL(/\/jp$/);
    const before = await barValue(page);
    await page.screenshot({ path: '/tmp/bina-jp-mine-empty.png', fullPage: true });
    await page.getByTestId('jp-claim-link').click();
    await page.waitForURL(/\/jp\/claims\/new$/);
    // A first try without a title: refused beside the field, the rest kept.
    await page.locator('#c-provider').fill('Lembaga Administrasi Negara');
    await page.locator('#c-kind').selectOption('seminar');
    await page.locator('#c-start').fill(today());
    await page.locator('#c-end').fill(today());
    await page.locator('#c-jp').fill('6');
    await page.locator('#c-evidence').setInputFiles(pdf);
    await Promise.all([page.waitForLoadState('load'), page.getByTestId('claim-submit').click()]);
    await page.locator('#c-title-err').waitFor();
    expect(await page.locator('#c-provider').inputValue()).to.equal('Lembaga Administrasi Negara');
    expect(await page.locator('#c-jp').inputValue()).to.equal('6');
    expect(await page.getByTestId('evidence-again').innerText(), 'the dropped file is named').to.include('sertifikat-seminar.pdf');
    await page.screenshot({ path: '/tmp/bina-jp-claim-refused.png', fullPage: true });
    await page.locator('#c-title').fill('Seminar Nasional Pelayanan Publik');
    await page.locator('#c-evidence').setInputFiles(pdf);
    await Promise.all([page.waitForURL(/\/jp\/claims\/[0-9a-f]{24}\?submitted=1$/), page.getByTestId('claim-submit').click()]);
    expect(await page.getByTestId('claim-status').getAttribute('data-status')).to.equal('pending');
    await page.screenshot({ path: '/tmp/bina-jp-claim.png', fullPage: true });

    const boss = await open(browser, env.url, supervisor);
    await boss.page.goto(`${env.url}/jp`);
    await boss.page.getByTestId('jp-waiting').click();
    await boss.page.waitForURL(/\/jp\/approvals$/);
    await boss.page.screenshot({ path: '/tmp/bina-jp-approvals.png', fullPage: true });
    await boss.page.getByTestId('claims-to-decide').getByRole('link', { name: /Seminar Nasional/ }).click();
    await boss.page.waitForURL(/\/jp\/claims\/[0-9a-f]{24}$/);
    const evidence = await boss.page.request.get(await boss.page.getByTestId('claim-evidence').getAttribute('href').then((h) => `${env.url}${h}`));
    expect(evidence.headers()['content-type']).to.match(/application\/pdf/);
    await Promise.all([boss.page.waitForURL(/\/jp\/approvals\?decided=approve$/), boss.page.getByTestId('claim-approve').click()]);
    await boss.page.getByTestId('claim-decided').waitFor();
    await boss.page.getByTestId('claims-to-decide-none').waitFor();

    await page.goto(`${env.url}/jp`);
    expect(await barValue(page)).to.equal(before + 6);
    expect(await page.getByTestId('jp-history').textContent()).to.contain('Seminar Nasional Pelayanan Publik');
    expect(await page.getByTestId('jp-by-kind').textContent()).to.contain('Seminar');
    await page.locator('canvas[data-jp-chart-drawn="true"]').waitFor();
    await page.screenshot({ path: '/tmp/bina-jp-mine.png', fullPage: true });
    await page.goto(`${env.url}/jp?lang=en`);
    await page.screenshot({ path: '/tmp/bina-jp-mine-en.png', fullPage: true });
    await page.setViewportSize({ width: 393, height: 850 });
    await page.goto(`${env.url}/jp?lang=id`);
    await page.screenshot({ path: '/tmp/bina-jp-mine-phone.png', fullPage: true });
    // The JP column is in view on a phone, without sideways scrolling.
    const cell = await page.getByTestId('jp-cell').first().boundingBox();
    expect(cell!.x + cell!.width, 'the JP column inside 393 px').to.be.at.most(393);
    expect([...learner.errors, ...boss.errors]).to.deep.equal([]);
    await learner.context.close();
    await boss.context.close();
  });

  it('a unit head follows the navigation to the JP report and sees the compliance chart of their units only', async () => {
    const { env, browser } = ctx;
    const { context, page, errors } = await open(browser, env.url, head);
    await openManageMenu(page);
    await page.locator('[data-nav="core.jp-report"]').click();
    await page.waitForURL(/\/jp\/report$/);
    await page.locator('canvas[data-testid="compliance-chart"][data-jp-chart-drawn="true"]').waitFor();
    const units = await page.getByTestId('report-units').textContent();
    expect(units).to.contain('BKPSDM');
    expect(units).to.not.contain('Dinas Pendidikan');
    expect(await page.getByTestId('report-people').textContent()).to.equal('3');
    const below = await page.getByTestId('report-below').textContent();
    expect(below).to.contain('Andi Atasan');
    expect(below).to.not.contain('Orang Dinas Lain');
    await page.screenshot({ path: '/tmp/bina-jp-report.png', fullPage: true });
    await page.goto(`${env.url}/jp/report?lang=en`);
    await page.screenshot({ path: '/tmp/bina-jp-report-en.png', fullPage: true });
    await page.setViewportSize({ width: 393, height: 850 });
    await page.goto(`${env.url}/jp/report?lang=id`);
    await page.screenshot({ path: '/tmp/bina-jp-report-phone.png', fullPage: true });
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
