/**
 * Quiz authoring forms refuse a mistake by re-rendering (issue 9): the new quiz, the bank picker,
 * the random draw and the inline question come back with status 400, what was typed, and the
 * reasons beside the fields in the reader's language, never the error page.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

describe('quiz authoring forms re-render a refused form, in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let courseId: string;
  let page: Page;
  let errors: string[];
  let editUrl: string;

  const submit = async (formSelector: string) => {
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()), page.locator(`${formSelector} button[type=submit]`).first().click()]);
    await page.waitForLoadState('load');
    return response;
  };

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Dra. Widyaiswara Uji');
    courseId = (await trainer.api.post('/api/v1/courses', { title: 'Latihan Kuis', jp: 2, published: true })).body.course.id;
    const bankId = (await trainer.api.post('/api/v1/banks', { name: 'Bank Latihan Kuis', owner: { type: 'course', id: courseId } })).body.bank.id;
    const categoryId = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories[0].id;
    const q = await trainer.api.post(`/api/v1/banks/${bankId}/questions`, {
      categoryId, type: 'multichoice', name: 'Sila pertama', stem: 'Sila pertama Pancasila adalah…',
      data: { single: true, shuffle: true, options: [{ id: 'ka', text: 'Ketuhanan Yang Maha Esa', fraction: 1 }, { id: 'kb', text: 'Persatuan Indonesia', fraction: 0 }] },
    });
    expect(q.status, JSON.stringify(q.body)).to.equal(201);
    // Another course of the same trainer, whose bank sorts first: the picker must still open on this course's own bank.
    const other = (await trainer.api.post('/api/v1/courses', { title: 'Kursus Lain', jp: 1, published: true })).body.course.id;
    expect((await trainer.api.post('/api/v1/banks', { name: 'Arsip Bank Kursus Lain', owner: { type: 'course', id: other } })).status).to.equal(201);
    page = await (await suite.browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    errors = [];
    page.on('console', (m) => {
      // A refused form answers 400 on purpose; the browser logs that as a failed load.
      if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(`${m.text()} (page ${page.url()})`);
    });
    await loginThroughForm(page, suite.env.url, trainer.username, TEST_PASSWORD);
  });

  it('new quiz: an empty title and 0 attempts come back as typed, with reasons in Indonesian', async () => {
    await page.goto(`${suite.env.url}/activity-quiz/new?courseId=${courseId}`);
    await page.locator('#intro').fill('Pengantar kuis latihan');
    await page.locator('#attemptsAllowed').fill('0');
    const refused = await submit('form[action="/activity-quiz/quizzes"]');
    expect(refused.status()).to.equal(400);
    expect(await page.locator('#intro').inputValue()).to.equal('Pengantar kuis latihan');
    expect(await page.locator('#attemptsAllowed').inputValue()).to.equal('0');
    expect(await page.locator('#title-error').innerText()).to.include('Judul wajib diisi');
    expect(await page.locator('#attemptsAllowed-error').innerText()).to.include('1–20');

    await page.locator('#title').fill('Kuis Latihan Pelayanan');
    await page.locator('#attemptsAllowed').fill('2');
    await submit('form[action="/activity-quiz/quizzes"]');
    expect(new URL(page.url()).pathname).to.match(/^\/activity-quiz\/quizzes\/[a-f0-9]{24}\/edit$/);
    editUrl = page.url();
  });

  it('a question with one option and no stem comes back as typed, with the reasons beside it', async () => {
    await page.locator('#new-question > summary').click();
    await page.locator('#option1').fill('Ramah');
    await page.locator('#mark').fill('2');
    const refused = await submit('form[action$="/questions"]');
    expect(refused.status()).to.equal(400);
    expect(await page.locator('#new-question').getAttribute('open')).to.not.equal(null);
    expect(await page.locator('#option1').inputValue()).to.equal('Ramah');
    expect(await page.locator('#mark').inputValue()).to.equal('2');
    expect(await page.locator('#stem-error').innerText()).to.include('Tulis pertanyaannya');
    expect(await page.locator('#new-question').innerText()).to.include('paling sedikit dua pilihan');

    await page.locator('#stem').fill('Sikap petugas layanan yang tepat adalah…');
    await page.locator('#option2').fill('Acuh');
    await page.locator('#correct').selectOption('1');
    await submit('form[action$="/questions"]');
    expect(await page.locator('main').innerText()).to.include('Sikap petugas layanan yang tepat');
  });

  it('a random draw of 0 questions and adding no ticked question come back with the reason, in English too', async () => {
    await page.goto(`${editUrl.split('#')[0]}${editUrl.includes('?') ? '&' : '?'}lang=en`);
    await page.locator('#rnd-count').fill('0');
    const refused = await submit('[data-testid="random-form"]');
    expect(refused.status()).to.equal(400);
    expect(await page.locator('#rnd-count').inputValue()).to.equal('0');
    expect(await page.locator('#rnd-count-error').innerText()).to.include('whole number from 1 to 100');

    await page.goto(`${suite.env.url}${new URL(editUrl).pathname}?lang=id`);
    const none = await submit('form[action$="/bank-questions"]');
    expect(none.status()).to.equal(400);
    expect(await page.locator('#pick-error').innerText()).to.include('Centang paling sedikit satu soal');
  });

  it("opens the bank picker on the course's own bank, its first category named as on the bank page", async () => {
    await page.goto(`${suite.env.url}${new URL(editUrl).pathname}?lang=id`);
    expect(await page.locator('#pk-bank option:checked').innerText()).to.equal('Bank Latihan Kuis');
    const categories = await page.locator('#pk-cat option').allInnerTexts();
    expect(categories).to.include('Umum (1)');
    expect(categories.join('|')).not.to.include('Default');
    expect(await page.locator('main').innerText()).to.include('Sila pertama');
    await page.screenshot({ path: '/tmp/bina-quiz-picker.png', fullPage: true });
  });

  it('logged no console error', () => {
    expect(errors).to.deep.equal([]);
  });
});
