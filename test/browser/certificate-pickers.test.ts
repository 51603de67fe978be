/**
 * The certificate admin forms pick people and records by name, never by database id (issue 9,
 * item 8), in a real browser: a manual issue finds the learner by part of the name (the person
 * picker's suggestions) and a refused form comes back as typed with the reason beside the field,
 * in Indonesian; a bulk issue picks its course by name through the record picker's search box;
 * an achievement's earn rule picks its quiz by title (a refused one keeps what was typed); and the
 * search filters by a unit chosen by name.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

const API = '/api/v1/certificate-openbadges';

describe('certificate admin pickers in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let admin: TestUser;
  let learnerNip: string;
  let unitId: string;
  let page: Page;
  let errors: string[];

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Pemilih');
    const trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Pemilih');
    const course = await createCourseWithQuiz(trainer);
    await trainer.api.patch(`/api/v1/courses/${course.courseId}`, { title: 'Etika Pelayanan Publik' });
    const unit = await admin.api.post('/api/v1/units', { code: 'BKPSDM-MMJ', name: 'BKPSDM Kabupaten Mamuju' });
    expect(unit.status, JSON.stringify(unit.body)).to.equal(201);
    unitId = unit.body.unit.id;
    const learner = await createUser(suite.env, 'learner', 'Nurul Hidayah Pratiwi');
    learnerNip = learner.username;
    expect([200, 201]).to.include((await learner.api.post(`/api/v1/courses/${course.courseId}/enrol`)).status);
    const a = await admin.api.post(`${API}/achievements`, { name: 'Peserta Rakor Kepegawaian', description: 'Hadir pada rapat koordinasi.', criteria: 'Hadir penuh.', competency: { code: 'MNJ-PP', level: 1 }, jp: 4, achievementType: 'CertificateOfCompletion' });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    page = await (await suite.browser.newContext({ viewport: { width: 1200, height: 1000 } })).newPage();
    errors = [];
    page.on('console', (m) => {
      // A refused form answers 400 on purpose; the browser logs that as a failed load.
      if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(`${m.text()} (page ${page.url()})`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
  });

  it('issues manually to a learner found by name; a refused form keeps what was typed', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin?lang=id`);
    await page.locator('#mi-a').selectOption({ label: 'Peserta Rakor Kepegawaian' });
    const learner = page.locator('#mi-l');
    await learner.pressSequentially('Nurul Hid');
    // The picker's suggestions: the learner's NIP, labelled with the name.
    const suggestion = page.locator(`#mi-l-options option[value="${learnerNip}"]`);
    await suggestion.waitFor({ state: 'attached' });
    await learner.fill(await suggestion.getAttribute('value') ?? '');
    await page.locator('#mi-r').fill('ab');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/certificate-openbadges/admin/issue')), page.locator('form[action$="/admin/issue"] button[type=submit]').click()]);
    expect(refused.status()).to.equal(400);
    expect(await page.locator('#mi-l').inputValue()).to.equal(learnerNip);
    expect(await page.locator('#mi-a option:checked').textContent()).to.equal('Peserta Rakor Kepegawaian');
    expect(await page.locator('#mi-r').inputValue()).to.equal('ab');
    expect(await page.locator('#mi-r-error').textContent()).to.include('3 sampai 500 karakter');
    expect(await page.locator('main').innerText()).not.to.match(/Invalid form|Unknown learner/);

    await page.locator('#mi-l').fill('Orang Tak Dikenal');
    await page.locator('#mi-r').fill('Hadir pada rakor 2 Desember');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/admin/issue')), page.locator('form[action$="/admin/issue"] button[type=submit]').click()]);
    expect(await page.locator('#mi-l-error').textContent()).to.include('Tidak ada peserta');
    expect(await page.locator('#mi-r').inputValue()).to.equal('Hadir pada rakor 2 Desember');

    await page.locator('#mi-l').fill(learnerNip);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('notice') === 'issued'), page.locator('form[action$="/admin/issue"] button[type=submit]').click()]);
  });

  it('starts a bulk issue for a course picked by name with the search box', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin`);
    await page.locator('#bk-a').selectOption({ label: 'Peserta Rakor Kepegawaian' });
    await page.getByRole('searchbox', { name: /Kursus atau unit/ }).fill('etika pel');
    // Each cohort says how many it reaches.
    expect(await page.locator('#bk-c option:checked').textContent()).to.equal('Etika Pelayanan Publik (1 orang)');
    await page.locator('#bk-r').fill('Rakor angkatan I');
    await Promise.all([page.waitForURL((u) => u.pathname.includes('/admin/bulk')), page.locator('form[action$="/admin/bulk"] button[type=submit]').click()]);
    expect(new URL(page.url()).pathname, await page.locator('main').innerText()).to.match(/\/admin\/bulk\/[a-f0-9]{24}$/);
  });

  it('creates an achievement whose rule names a quiz picked by title; a refused one keeps what was typed', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin/achievements`);
    await page.locator('#description').fill('Lulus kuis etika.');
    await page.locator('#criteria').fill('Nilai minimal kelulusan kuis.');
    await page.getByRole('searchbox', { name: /Syarat$/ }).fill('kuis (etika');
    expect(await page.locator('#requirement option:checked').textContent()).to.equal('Kuis (Etika Pelayanan Publik)');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/admin/achievements') && r.request().method() === 'POST'), page.locator('form[action$="/admin/achievements"] button[type=submit]').click()]);
    expect(refused.status()).to.equal(400);
    expect(await page.locator('#name').getAttribute('aria-invalid') ?? await page.locator('#name').getAttribute('class')).to.include('is-invalid');
    expect(await page.locator('#description').inputValue()).to.equal('Lulus kuis etika.');
    expect(await page.locator('#requirement option:checked').textContent()).to.equal('Kuis (Etika Pelayanan Publik)');
    expect(await page.locator('main').innerText()).to.include('Tulis nama capaian');
    await page.locator('#name').fill('Lulus Etika Pelayanan Publik');
    await Promise.all([page.waitForURL((u) => u.hash.startsWith('#a-')), page.locator('form[action$="/admin/achievements"] button[type=submit]').click()]);
    expect(await page.locator('table').innerText()).to.include('Kuis (Etika Pelayanan Publik)'.replace(' (Etika Pelayanan Publik)', ''));
    expect(await page.locator('main').innerText()).not.to.match(/[a-f0-9]{24}/);
  });

  it('filters certificates by a unit chosen by name', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin`);
    await page.locator('#unitId').selectOption({ label: 'BKPSDM Kabupaten Mamuju' });
    await Promise.all([page.waitForURL((u) => u.searchParams.get('unitId') === unitId), page.locator('form[role=search] button[type=submit]').click()]);
    expect(await page.locator('#unitId option:checked').textContent()).to.equal('BKPSDM Kabupaten Mamuju');
    await page.screenshot({ path: '/tmp/pages-cert-admin-id.png', fullPage: true });
  });

  it('logged no console error', () => {
    expect(errors).to.deep.equal([]);
  });
});
