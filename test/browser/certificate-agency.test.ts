/**
 * Certificates an agency can sign (issue 10), in a real browser: an admin sets the agency, the
 * place, the register-number pattern and the signatory; edits a template as a form and watches the
 * PDF preview follow; issues a certificate with that template; and the PDF (read with pdftotext)
 * carries the register number, the holder's NIP and unit, the place and date and the signatory.
 * A forged file shows the genuine record beside it on the verify page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page, Response } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

const API = '/api/v1/certificate-openbadges';
const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

describe('certificates an agency can sign, in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  const dir = mkdtempSync(join(tmpdir(), 'bina-agency-'));
  let admin: TestUser;
  let learner: TestUser;
  let page: Page;
  let errors: string[];
  let templateName: string;
  let certificateId: string;

  const pdfText = (bytes: Buffer, name: string) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
  };
  const isPreview = (r: Response) => /\/certificate-pdf\/templates\/[^/]+\/preview$/.test(new URL(r.url()).pathname);
  /**
   * The PDF a preview showed: the frame's response is Chromium's PDF viewer, and Chromium does not
   * always report the body of a frame's form post (under load the frame's request had no post data,
   * and a re-post of nothing was refused for its missing form token: the CI failure of d10e76e). So
   * the page's form as it is now, with the page's own form token, is posted again in the same
   * session to read the bytes.
   */
  const previewPdf = async (r: Response) => {
    const data = await page.evaluate(() => {
      const g = globalThis as any;
      return new g.URLSearchParams(new g.FormData(g.document.getElementById('template-form'))).toString() as string;
    });
    expect(data, 'the page\'s form carries its form token').to.match(/(^|&)_csrf=[0-9a-f]{20,}/);
    const again = await page.request.post(r.url(), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data });
    expect(again.status(), await again.text()).to.equal(200);
    return again.body();
  };

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Sertifikat');
    learner = await createUser(suite.env, 'learner', 'Andi Baso Tenri');
    const { Unit, User } = suite.env.kernel.identity.models;
    const top = await Unit.create({ code: 'PEMKAB-MAMUJU', name: 'Pemerintah Kabupaten Mamuju' });
    const unit = await Unit.create({ code: 'BKPSDM-MAMUJU', name: 'BKPSDM Kabupaten Mamuju', parentId: top._id });
    await User.updateOne({ _id: learner.id }, { $set: { unitId: unit._id } });
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = [];
    page.on('console', (m) => {
      // A refused form answers 400 on purpose; the browser logs that as a failed load.
      if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(`${m.text()} (page ${page.url()})`);
    });
    await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a fresh install has no signatory, and says so', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin`);
    await page.getByRole('link', { name: 'Pengaturan sertifikat' }).click();
    await page.waitForURL((u) => u.pathname === '/certificate-openbadges/admin/settings');
    expect(await page.locator('#signatoryName').inputValue()).to.equal('');
    expect(await page.locator('main').innerText()).to.include('Belum ada penanda tangan');
  });

  it('refuses a register pattern without {seq}, keeping what was typed, with the reason beside it', async () => {
    await page.locator('#issuerName').fill('BKPSDM Kabupaten Mamuju');
    await page.locator('#registerPattern').fill('800/BKPSDM/{yyyy}');
    await page.locator('#signatoryName').fill('Dr. Hj. Nurhayati Rahman, S.Sos., M.Si.');
    await Promise.all([page.waitForLoadState('load'), page.locator('form[action$="/admin/settings"] button[type=submit]').click()]);
    expect(await page.locator('#registerPattern').inputValue()).to.equal('800/BKPSDM/{yyyy}');
    expect(await page.locator('#signatoryName').inputValue()).to.equal('Dr. Hj. Nurhayati Rahman, S.Sos., M.Si.');
    expect(await page.locator('#registerPattern-error').innerText()).to.include('{seq}');
  });

  it('saves the agency, place, register pattern and signatory', async () => {
    await page.locator('#place').fill('Mamuju');
    await page.locator('#registerPattern').fill('800/{seq}/BKPSDM/{yyyy}');
    await page.locator('#signatoryNip').fill('19750312 200003 2 004');
    await page.locator('#signatoryPosition').fill('Kepala BKPSDM Kabupaten Mamuju');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === '1'), page.locator('form[action$="/admin/settings"] button[type=submit]').click()]);
    expect(await page.locator('#signatoryNip').inputValue()).to.equal('197503122000032004');
    expect(await page.locator('#registerPattern-help').innerText()).to.match(/800\/17\/BKPSDM\/\d{4}/);
  });

  it('edits a template as a form, the PDF preview following the fields', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin`);
    await page.getByRole('link', { name: 'Templat', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/certificate-pdf/templates');
    const first = page.waitForResponse(isPreview);
    await page.locator('#t-default').getByTestId('edit-template').click();
    const initial = await first;
    expect(initial.status()).to.equal(200);
    const initialText = pdfText(await previewPdf(initial), 'initial.pdf');
    expect(initialText).to.include('SERTIFIKAT KOMPETENSI');
    // The preview shows the agency's signatory and register format from the settings.
    expect(initialText).to.include('Dr. Hj. Nurhayati Rahman, S.Sos., M.Si.').and.include('800/1/BKPSDM/');

    templateName = 'Sertifikat Pelatihan BKPSDM';
    await page.locator('#tpl-name').fill(templateName);
    await page.locator('details:has(#t1_text) > summary').click();
    const live = page.waitForResponse(async (r) => isPreview(r) && r.status() === 200 && pdfText(await previewPdf(r), 'live.pdf').includes('SERTIFIKAT PELATIHAN'));
    await page.locator('#t1_text').fill('SERTIFIKAT PELATIHAN');
    await live;

    // A mistake: the title moved off the page. The form comes back as typed, the reason beside the field.
    await page.locator('#t1_x').fill('2900');
    // The refused form comes back as a new document (the page is already loaded, so waiting for
    // 'load' alone would read the old page before the answer arrives).
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document');
    await page.getByTestId('save-template').click();
    expect((await refused).status()).to.equal(400);
    await page.locator('main').getByText('keluar dari halaman').first().waitFor();
    expect(await page.locator('#t1_x').inputValue()).to.equal('2900');
    expect(await page.locator('#t1_text').inputValue()).to.equal('SERTIFIKAT PELATIHAN');
    expect(await page.locator('main').innerText()).to.include('keluar dari halaman');

    await page.locator('#t1_x').fill('90');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === '1'), page.getByTestId('save-template').click()]);
    expect(await page.getByTestId('template-saved').innerText()).to.include('versi 1');
  });

  it('issues a certificate with that template; its PDF shows the register number, NIP, unit, place, date and signatory', async () => {
    await page.goto(`${suite.env.url}/certificate-openbadges/admin/achievements`);
    await page.locator('#name').fill('Pelatihan Pengelolaan Arsip');
    await page.locator('#description').fill('Pelatihan pengelolaan arsip dinamis.');
    await page.locator('#criteria').fill('Hadir penuh dan lulus evaluasi.');
    await page.locator('#jp').fill('16');
    await page.locator('#templateId').selectOption({ label: templateName });
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/admin/achievements') && u.hash.startsWith('#a-')), page.locator('form[action$="/admin/achievements"] button[type=submit]').click()]);

    await page.goto(`${suite.env.url}/certificate-openbadges/admin`);
    await page.locator('#mi-a').selectOption({ label: 'Pelatihan Pengelolaan Arsip' });
    await page.locator('#mi-l').fill(learner.username);
    await page.locator('#mi-r').fill('Lulus pelatihan arsip angkatan I');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('notice') === 'issued'), page.locator('form[action$="/admin/issue"] button[type=submit]').click()]);

    certificateId = await waitFor(async () => {
      const mine = await learner.api.get(`${API}/me/certificates`);
      return (mine.body.certificates as Array<{ id: string; pdf: unknown }>).find((c) => c.pdf)?.id;
    }, 'the certificate to be issued');
    const res = await fetch(`${suite.env.url}${API}/certificates/${certificateId}/pdf`, { headers: { authorization: `Bearer ${learner.token}` } });
    expect(res.status).to.equal(200);
    const text = pdfText(Buffer.from(await res.arrayBuffer()), 'issued.pdf');
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: suite.env.config.BINA_DEFAULT_TIMEZONE, year: 'numeric' }).format(new Date()));
    expect(text).to.include('SERTIFIKAT PELATIHAN');
    expect(text).to.match(new RegExp(`Nomor: 800/1/BKPSDM/${year}`));
    const nip = learner.username;
    expect(text).to.include(`NIP ${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`);
    expect(text).to.include('BKPSDM Kabupaten Mamuju, Pemerintah Kabupaten Mamuju');
    expect(text).to.match(new RegExp(`Mamuju, \\d{1,2} (${MONTHS.join('|')}) ${year}`));
    expect(text).to.include('Kepala BKPSDM Kabupaten Mamuju');
    expect(text).to.include('Dr. Hj. Nurhayati Rahman, S.Sos., M.Si.');
    expect(text).to.include('NIP. 19750312 200003 2 004');
  });

  it('shows the genuine record beside a forged file on the verify page, naming the agency', async () => {
    const row = await admin.api.get(`${API}/certificates/${certificateId}`);
    const code = row.body.certificate.code as string;
    const credential = await (await fetch(`${suite.env.url}/verify/${code}/credential.json`)).json() as { credentialSubject: { name: string } };
    credential.credentialSubject.name = 'Nama Palsu';
    const visitor = await (await suite.browser.newContext({ viewport: { width: 393, height: 852 } })).newPage();
    await visitor.goto(`${suite.env.url}/verify?lang=id`);
    expect(await visitor.getByTestId('verify-agency').innerText()).to.include('BKPSDM Kabupaten Mamuju');
    await visitor.locator('#file').setInputFiles({ name: 'sertifikat.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(credential)) });
    await Promise.all([visitor.waitForURL((u) => u.pathname === '/verify'), visitor.locator('form[enctype="multipart/form-data"] button[type=submit]').click()]);
    expect(await visitor.getByTestId('verify-status').getAttribute('data-status')).to.equal('tampered');
    const genuine = await visitor.getByTestId('verify-genuine').innerText();
    expect(genuine).to.include('Andi Baso Tenri').and.include('Pelatihan Pengelolaan Arsip').and.not.include('Nama Palsu');
    // No more than the public page shows: no NIP.
    expect(genuine).not.to.include(learner.username);
    await visitor.context().close();
  });

  it('logged no console error', () => {
    expect(errors).to.deep.equal([]);
  });
});
