/**
 * Exam access in real browsers: two separate browser contexts, each logged in through the form as
 * the same learner, are two devices. The exam-session identity is the HttpOnly cookie the server
 * sets when it lets a browser into an attempt; nothing in these tests sends an id of its own.
 *
 * - access-code: the second device resumes only with the room code (none and a wrong one are
 *   refused on the exam page, and the attempt's own link sends it there too); once in, its saves
 *   count, and the integrity log has the resume on a new device, the device change and, as it
 *   arrives through the proxy from another address, the IP change.
 * - access-code with access-singlesession: the second device gives both codes, each in its own
 *   field, and takes over; the first device's next answer asks for the takeover code (a prompt)
 *   and takes it back. Both takeovers are logged.
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';
import { createBank, createCourse, createExam, enrol, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 3, draw: 3, mark: 5 }];

describe('exam access on a second device, in real browsers', function () {
  this.timeout(180_000);
  // Behind a proxy, as in production: the second device arrives from another address.
  const suite = withBrowserEnv({ env: { BINA_TRUST_PROXY: 'true' } });

  let trainer: TestUser;
  let courseId: string;
  const contexts: BrowserContext[] = [];

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Pengawas Ujian');
    courseId = await createCourse(trainer);
    await createBank(suite.env, trainer, courseId, SECTIONS);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  /** A device: its own browser context (cookies, storage), logged in through the form. */
  async function device(l: TestUser, opts: { ip?: string; locale?: string; width?: number } = {}): Promise<Page> {
    const context = await suite.browser.newContext({
      locale: opts.locale ?? 'id-ID', viewport: { width: opts.width ?? 1100, height: 900 },
      ...(opts.ip ? { extraHTTPHeaders: { 'x-forwarded-for': opts.ip } } : {}),
    });
    contexts.push(context);
    const page = await context.newPage();
    await loginThroughForm(page, suite.env.url, l.username, TEST_PASSWORD);
    return page;
  }
  async function newLearner(name: string): Promise<TestUser> {
    const l = await createUser(suite.env, 'learner', name);
    await enrol(l, courseId);
    return l;
  }
  const examUrl = (examId: string) => `${suite.env.url}/activity-exam/exams/${examId}`;
  const card = (page: Page, i: number) => page.locator('fieldset[data-slot]').nth(i);
  async function answer(page: Page, i: number, label: string) {
    // The room shows one question per screen: open it from the grid.
    await page.locator(`[data-room-cell="${i + 1}"]`).click();
    await card(page, i).getByLabel(label, { exact: true }).check();
    await card(page, i).locator('.save-state[data-state="saved"]').waitFor();
  }
  /** Device A starts the exam with the room code and answers the first question. */
  async function startOnFirstDevice(l: TestUser, examId: string, code: string): Promise<{ a: Page; attemptId: string }> {
    const a = await device(l);
    await a.goto(examUrl(examId));
    await a.getByLabel('Kode akses').fill(code);
    await Promise.all([a.waitForURL('**/activity-exam/attempts/*'), a.getByTestId('start').click()]);
    const attemptId = new URL(a.url()).pathname.split('/').pop()!;
    await answer(a, 0, 'Benar');
    return { a, attemptId };
  }
  /** Submits the exam page's start/resume form; resolves with the HTTP status of the answer. */
  async function pressResume(page: Page): Promise<number> {
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/start')), page.getByTestId('resume').click()]);
    await page.waitForLoadState();
    return res.status();
  }
  const integrity = async (attemptId: string) => (await trainer.api.get(`/api/v1/activity-exam/attempts/${attemptId}/integrity`)).body.events as Array<{ kind: string; ip: string; details: any }>;
  const answersOnServer = async (attemptId: string) => {
    const { service } = (suite.env.kernel.services.providers.require('activity-exam').impl as { service: { models: { Attempt: any }; answersOf(a: unknown): Promise<Record<string, unknown>> } });
    const a = await service.models.Attempt.findById(attemptId).lean();
    return Object.keys(await service.answersOf(a)).length;
  };

  it('lets a second device in only with the access code, and logs the device and the IP change', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-code', settings: { code: 'RUANG-7' } }] });
    const l = await newLearner('Peserta Dua Perangkat');
    const { a, attemptId } = await startOnFirstDevice(l, exam.id, 'ruang-7');

    // Device B, from another address: the attempt's link leads to the exam page, which asks for the code.
    const b = await device(l, { ip: '10.20.30.40' });
    const direct = await b.goto(`${suite.env.url}/activity-exam/attempts/${attemptId}`);
    expect(direct!.status()).to.equal(403);
    expect(await b.getByTestId('start-error').innerText()).to.equal('Masukkan kode akses ruang ujian.');
    expect(await b.locator('fieldset[data-slot]').count(), 'no question is shown without the code').to.equal(0);
    // No code, then a wrong one: refused on the exam page, with the code field kept.
    await b.goto(examUrl(exam.id));
    expect(await pressResume(b)).to.equal(403);
    expect(new URL(b.url()).pathname).to.equal(`/activity-exam/exams/${exam.id}/start`);
    await b.getByLabel('Kode akses').fill('SALAH-99');
    expect(await pressResume(b)).to.equal(403);
    await b.getByTestId('start-error').waitFor();
    expect(await answersOnServer(attemptId)).to.equal(1);
    // The right code: the same attempt, with device A's answer, and B's answers count.
    await b.getByLabel('Kode akses').fill('RUANG-7');
    await Promise.all([b.waitForURL(`**/activity-exam/attempts/${attemptId}`), b.getByTestId('resume').click()]);
    expect(await card(b, 0).getByLabel('Benar', { exact: true }).isChecked()).to.equal(true);
    await answer(b, 1, 'Salah');
    expect(await answersOnServer(attemptId)).to.equal(2);
    // Device A keeps working (access-code alone allows two devices) and needs no code on a reload.
    await a.reload();
    await answer(a, 2, 'Keliru');
    expect(await answersOnServer(attemptId)).to.equal(3);

    const log = await integrity(attemptId);
    const newDevice = log.find((e) => e.kind === 'resume' && e.details?.sessionChanged === true);
    expect(newDevice, 'the resume on a new device').to.not.equal(undefined);
    expect(newDevice!.ip).to.equal('10.20.30.40');
    expect(log.filter((e) => e.kind === 'device_change').length).to.be.greaterThanOrEqual(1);
    const ip = log.find((e) => e.kind === 'ip_change');
    expect(ip?.details).to.deep.equal({ from: '127.0.0.1', to: '10.20.30.40' });
  });

  it('with access-code and access-singlesession, takes over with both codes, and back with the takeover code', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, {
      access: [{ rule: 'access-code', settings: { code: 'RUANG-7' } }, { rule: 'access-singlesession', settings: { takeoverCode: 'ALIH-42' } }],
    });
    const l = await newLearner('Peserta Alih Perangkat');
    const { a, attemptId } = await startOnFirstDevice(l, exam.id, 'RUANG-7');

    // Device B: the resume form has both fields; the access code alone is not enough.
    const b = await device(l, { width: 393 });
    await b.goto(examUrl(exam.id));
    await b.getByLabel('Kode akses').fill('RUANG-7');
    expect(await pressResume(b)).to.equal(409);
    expect(await b.getByTestId('start-error').innerText()).to.equal('Percobaan ini terbuka di perangkat lain. Masukkan kode pengambilalihan untuk melanjutkan di sini.');
    await b.screenshot({ path: '/tmp/bina-exam-takeover-id.png', fullPage: true });
    await b.getByLabel('Kode akses').fill('RUANG-7');
    await b.getByLabel('Kode pengambilalihan (dari pengawas)').fill('alih-42');
    await Promise.all([b.waitForURL(`**/activity-exam/attempts/${attemptId}`), b.getByTestId('resume').click()]);
    await answer(b, 1, 'Salah');

    // Device A's next answer is refused (B holds the attempt): A is asked for the takeover code and takes it back.
    let asked = '';
    a.once('dialog', (d) => {
      asked = d.message();
      void d.accept('ALIH-42');
    });
    await answer(a, 2, 'Keliru');
    expect(asked).to.equal('Kode pengambilalihan (dari pengawas)');
    await waitFor(async () => (await answersOnServer(attemptId)) === 3, 'three answers on the server');
    const takeovers = (await integrity(attemptId)).filter((e) => e.kind === 'takeover');
    expect(takeovers).to.have.length(2);

    // The same form in English.
    const c = await device(l, { locale: 'en-US', width: 393 });
    await c.goto(`${examUrl(exam.id)}?lang=en`);
    expect(await c.getByLabel('Access code').count()).to.equal(1);
    expect(await c.getByLabel('Takeover code (from the proctor)').count()).to.equal(1);
    await c.screenshot({ path: '/tmp/bina-exam-takeover-en.png', fullPage: true });
  });

  it('lets the trainer set the access code in the exam form (the rule\'s own field), with a refused code shown beside it and a rule set over the API kept', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, {
      access: [{ rule: 'access-code', settings: { code: 'RUANG-7' } }, { rule: 'access-singlesession', settings: { takeoverCode: 'ALIH-42' } }],
    });
    const page = await device(trainer);
    await page.goto(`${examUrl(exam.id)}/edit`);
    const field = page.getByLabel('Kode akses (ruang ujian)');
    expect(await field.inputValue()).to.equal('RUANG-7');
    await field.fill('ab');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/exams/${exam.id}/edit`)), page.getByRole('button', { name: 'Simpan perubahan' }).click()]);
    expect(refused.status()).to.equal(400);
    await page.waitForURL(`**/exams/${exam.id}/edit`);
    expect(await page.locator('.invalid-feedback', { hasText: 'Kode akses tidak valid.' }).count()).to.equal(1);
    expect(await page.getByLabel('Kode akses (ruang ujian)').inputValue()).to.equal('ab');
    await page.getByLabel('Kode akses (ruang ujian)').fill('RUANG-9');
    await Promise.all([page.waitForURL(examUrl(exam.id)), page.getByRole('button', { name: 'Simpan perubahan' }).click()]);
    const saved = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}`);
    expect(saved.body.exam.access).to.deep.equal([{ rule: 'access-singlesession', settings: { takeoverCode: 'ALIH-42' } }, { rule: 'access-code', settings: { code: 'RUANG-9' } }]);
  });
});
