/**
 * The trainer's question bank in a real browser (headless chromium via playwright-core): log in
 * through the form, open a bank, import a GIFT file chosen with the file input (the page reads it
 * with FileReader and asks the API for a dry run), check the preview table (the broken question's
 * line and reason), confirm (a double click stores once), see the report and find the questions in
 * the bank; a big file goes through the job with a progress bar; the preview page (shuffle again,
 * try an answer); and the authoring form with its errors. Screenshots go to /tmp/bina-bank*.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

/** Three good questions and one its type rejects (multiple answers whose weights add up to 0 %), on line 10. */
const GIFT = [
  '// Soal latihan TWK',
  '$CATEGORY: $course$/top/TWK',
  '',
  '::Ibu kota Sulbar:: Ibu kota Provinsi Sulawesi Barat adalah {=Mamuju ~Majene ~Polewali}',
  '',
  '::Pancasila:: Pancasila disahkan pada 18 Agustus 1945. {T}',
  '',
  '::Hitung:: Berapa 12 × 3? {#36}',
  '',
  '::Tanpa kunci:: Pilih nilai dasar ASN {~Jujur ~Malas}',
  '',
].join('\n');

describe('question bank in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();

  let trainer: TestUser;
  let bankId: string;
  let dir: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Bank');
    const course = await trainer.api.post('/api/v1/courses', { title: 'Latsar CPNS 2025', jp: 2, published: true });
    bankId = (await trainer.api.post('/api/v1/banks', { name: 'Bank Soal Latsar', owner: { type: 'course', id: course.body.course.id } })).body.bank.id;
    const cats = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories;
    const sub = await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'Nilai Dasar', parentId: cats[0].id });
    await trainer.api.post(`/api/v1/banks/${bankId}/questions`, {
      categoryId: sub.body.category.id, type: 'multichoice', name: 'Sikap pelayanan (TKP)', stem: 'Seorang warga datang mengeluh saat jam istirahat. Sikap Anda…',
      data: { mode: 'weighted', shuffle: true, options: [{ id: 'tkpa', text: 'Meminta datang lagi besok', points: 1 }, { id: 'tkpb', text: 'Melayani segera dengan ramah', points: 5, feedback: 'Sikap melayani' }, { id: 'tkpc', text: 'Menyuruh menunggu sampai selesai istirahat', points: 3 }] },
      tags: ['tkp'], difficulty: 'medium', competency: { code: 'MNJ-PP', level: 2 },
    });
    dir = mkdtempSync(join(tmpdir(), 'bina-bank-'));
  });

  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await suite.browser.newContext({ locale: 'id-ID', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`console: ${m.text()} (page ${page.url()})`);
    });
    await loginThroughForm(page, suite.env.url, trainer.username, TEST_PASSWORD);
    return { context, page, errors };
  }

  it('imports a GIFT file: preview table with the broken question, confirm once, report, questions in the bank', async () => {
    const { context, page, errors } = await newPage();
    try {
      await page.goto(`${suite.env.url}/banks`);
      await page.screenshot({ path: '/tmp/bina-bank-list.png', fullPage: true });
      await Promise.all([page.waitForURL(`**/banks/${bankId}`), page.getByRole('link', { name: 'Bank Soal Latsar' }).click()]);
      expect(await page.getByTestId('bank-total').innerText()).to.equal('1 soal ditemukan.');
      await Promise.all([page.waitForURL(`**/banks/${bankId}/import`), page.getByRole('link', { name: 'Impor' }).click()]);

      const file = join(dir, 'latihan-twk.gift');
      writeFileSync(file, GIFT);
      // Choosing the file is enough: the page reads it and asks for the dry run.
      await page.locator('#import-file').setInputFiles(file);
      const preview = page.getByTestId('import-preview');
      await preview.waitFor();
      expect(await page.getByTestId('import-summary').innerText()).to.equal('4 soal terbaca: 3 valid, 1 ditolak.');
      const rows = preview.locator('tbody tr');
      expect(await rows.count()).to.equal(4);
      const cells = async (i: number) => (await rows.nth(i).locator('td').allInnerTexts()).map((s) => s.trim());
      expect((await cells(0)).slice(0, 5)).to.deep.equal(['4', 'Pilihan ganda', 'Ibu kota Sulbar', 'TWK', 'OK']);
      expect((await cells(2)).slice(0, 5)).to.deep.equal(['8', 'Numerik', 'Hitung', 'TWK', 'OK']);
      const broken = await cells(3);
      expect(broken.slice(0, 5)).to.deep.equal(['10', 'Pilihan ganda', 'Tanpa kunci', 'TWK', 'Ditolak']);
      expect(broken[5]).to.include('harus berjumlah 100 %');
      expect(await rows.nth(3).getAttribute('data-status')).to.equal('rejected');
      // Nothing stored yet.
      expect(await suite.env.kernel.learning.models.Question.countDocuments({ bankId })).to.equal(1);
      await page.screenshot({ path: '/tmp/bina-bank-import-preview.png', fullPage: true });

      // A double click on "Simpan 3 soal yang valid" stores the questions once.
      const confirm = page.getByTestId('confirm-import');
      expect((await confirm.innerText()).trim()).to.equal('Simpan 3 soal yang valid');
      await confirm.dblclick();
      const stored = page.getByTestId('stored-count');
      await stored.waitFor();
      expect(await stored.innerText()).to.equal('3');
      expect(await page.getByTestId('import-report').innerText()).to.include('Soal yang ditolak').and.include('10');
      expect(await suite.env.kernel.learning.models.Question.countDocuments({ bankId })).to.equal(4);
      await page.screenshot({ path: '/tmp/bina-bank-import-report.png', fullPage: true });

      await Promise.all([page.waitForURL(`**/banks/${bankId}`), page.getByRole('link', { name: 'Lihat bank soal' }).click()]);
      expect(await page.getByTestId('bank-total').innerText()).to.equal('4 soal ditemukan.');
      for (const name of ['Ibu kota Sulbar', 'Pancasila', 'Hitung']) expect(await page.locator('table.bank-questions').getByRole('link', { name, exact: true }).count(), name).to.equal(1);
      // The file's $CATEGORY made a category; its link filters the list.
      await Promise.all([page.waitForURL('**categoryId=*'), page.locator('.bank-tree').getByRole('link', { name: /TWK/ }).click()]);
      expect(await page.getByTestId('bank-total').innerText()).to.equal('3 soal ditemukan.');
      await page.locator('details.bank-actions').first().locator('summary').click();
      await page.screenshot({ path: '/tmp/bina-bank.png', fullPage: true });
      expect(errors, 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('imports a big file through the job with a progress bar', async () => {
    const { context, page, errors } = await newPage();
    try {
      const blocks = Array.from({ length: 600 }, (_, i) => `::Besar ${i}:: Pernyataan nomor ${i} benar. {T}`);
      const file = join(dir, 'besar.txt');
      writeFileSync(file, blocks.join('\n\n'));
      await page.goto(`${suite.env.url}/banks/${bankId}/import`);
      await page.locator('#import-file').setInputFiles(file);
      await page.getByTestId('import-preview').waitFor();
      expect(await page.getByTestId('import-summary').innerText()).to.equal('600 soal terbaca: 600 valid, 0 ditolak.');
      await page.getByTestId('confirm-import').click();
      await page.locator('progress.bank-progress').waitFor();
      await page.getByTestId('stored-count').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('stored-count').innerText()).to.equal('600');
      expect(errors, 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('previews a question as a learner and as a trainer, shuffles again and grades a tried answer', async () => {
    const { context, page, errors } = await newPage();
    try {
      await page.goto(`${suite.env.url}/banks/${bankId}?tag=tkp`);
      await Promise.all([page.waitForURL('**/preview'), page.getByRole('link', { name: 'Pratinjau: Sikap pelayanan (TKP)' }).click()]);
      const learner = page.getByTestId('as-learner');
      const trainerSide = page.getByTestId('as-trainer');
      expect(await learner.innerText()).to.include('Seorang warga datang mengeluh');
      // The learner side has no key; the trainer side has points, feedback and the right answer's grade.
      expect(await learner.innerText()).not.to.include('Sikap melayani');
      expect(await trainerSide.innerText()).to.include('Sikap melayani').and.include('5');
      expect(await page.getByTestId('right-grade').innerText()).to.include('1 / 1');
      await page.screenshot({ path: '/tmp/bina-bank-preview.png', fullPage: true });
      const order = async () => learner.locator('label.form-check-label').allInnerTexts();
      const first = await order();
      const seeds: string[][] = [first];
      for (let i = 0; i < 4; i++) {
        await Promise.all([page.waitForURL(/seed=\d+/), page.getByTestId('shuffle-again').click()]);
        seeds.push(await order());
      }
      expect(new Set(seeds.map((s) => s.join('|'))).size, 'shuffling again changes the order').to.be.greaterThan(1);
      await learner.getByLabel('Menyuruh menunggu sampai selesai istirahat').check();
      await Promise.all([page.waitForURL('**/preview'), page.getByTestId('try').click()]);
      expect(await page.getByTestId('attempt-result').innerText()).to.include('Nilai: 0,6 / 1');
      expect(await learner.getByLabel('Menyuruh menunggu sampai selesai istirahat').isChecked()).to.equal(true);
      // Versions list, reached by the keyboard-focusable heading.
      expect(await page.locator('#versions-card tbody tr').count()).to.equal(1);
      expect(errors, 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('refuses two 100 % options in one-answer mode, says why beside the options and keeps what was typed', async () => {
    const { context, page, errors } = await newPage();
    try {
      await page.goto(`${suite.env.url}/banks`);
      expect(await page.locator('main table thead th').allInnerTexts()).to.include('Soal');
      await page.goto(`${suite.env.url}/banks/${bankId}/questions/new?type=multichoice`);
      expect(await page.locator('#mc_mode').inputValue()).to.equal('single');
      await page.getByLabel('Teks soal').fill('Ibu kota Provinsi Sulawesi Barat adalah…');
      const options: Array<[string, string]> = [['Mamuju', '100'], ['Majene', '100'], ['Polewali', '0']];
      for (const [i, [text, value]] of options.entries()) {
        await page.getByLabel(`Teks opsi ${i + 1}`, { exact: true }).fill(text);
        await page.getByLabel(`Nilai baris ${i + 1}`, { exact: true }).fill(value);
      }
      await page.getByTestId('save').click();
      await page.getByTestId('form-errors').waitFor();
      expect(await page.locator('#type-fields .alert').innerText()).to.include('hanya boleh punya satu opsi bernilai 100 %: opsi 1, 2');
      for (const [i, [text, value]] of options.entries()) {
        expect(await page.getByLabel(`Teks opsi ${i + 1}`, { exact: true }).inputValue()).to.equal(text);
        expect(await page.getByLabel(`Nilai baris ${i + 1}`, { exact: true }).inputValue()).to.equal(value);
      }
      expect(await suite.env.kernel.learning.models.Question.countDocuments({ bankId, stem: /Sulawesi Barat adalah…/ })).to.equal(0);
      await page.screenshot({ path: '/tmp/bina-bank-mc-two-full.png', fullPage: true });
      await page.getByLabel('Nilai baris 2', { exact: true }).fill('0');
      await Promise.all([page.waitForURL(`**/banks/${bankId}?msg=created*`), page.getByTestId('save').click()]);
      // The API shares the type's validation: the same mistake is a 400 with the reason there too.
      const cats = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories;
      const viaApi = await trainer.api.post(`/api/v1/banks/${bankId}/questions`, {
        categoryId: cats[0].id, type: 'multichoice', name: 'Dua kunci', stem: 'Pilih satu',
        data: { single: true, options: [{ id: 'a1', text: 'A', fraction: 1 }, { id: 'b1', text: 'B', fraction: 1 }] },
      });
      expect(viaApi.status).to.equal(400);
      expect(JSON.stringify(viaApi.body)).to.include('only one option worth 100 %');
      expect(errors.filter((e) => !e.includes('status of 400')), 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('authors a question: errors shown next to the fields, then saved', async () => {
    const { context, page, errors } = await newPage();
    try {
      await page.goto(`${suite.env.url}/banks/${bankId}/questions/new`);
      await page.screenshot({ path: '/tmp/bina-bank-new.png', fullPage: true });
      await Promise.all([page.waitForURL('**type=matching*'), page.getByRole('link', { name: /Menjodohkan/ }).click()]);
      await page.getByLabel('Teks soal').fill('Jodohkan provinsi dengan ibu kotanya.');
      await page.getByLabel('Pertanyaan 1', { exact: true }).fill('Sulawesi Barat');
      await page.getByLabel('Jawaban 1', { exact: true }).fill('Mamuju');
      await page.getByTestId('save').click();
      await page.getByTestId('form-errors').waitFor();
      expect(await page.getByTestId('form-errors').innerText()).to.include('Jawaban (Menjodohkan): 2 masalah');
      expect(await page.locator('#type-fields .alert').innerText()).to.include('Isi paling sedikit dua pertanyaan');
      expect(await page.getByLabel('Pertanyaan 1', { exact: true }).inputValue()).to.equal('Sulawesi Barat');
      await page.screenshot({ path: '/tmp/bina-bank-form-errors.png', fullPage: true });
      await page.getByLabel('Pertanyaan 2', { exact: true }).fill('Sulawesi Selatan');
      await page.getByLabel('Jawaban 2', { exact: true }).fill('Makassar');
      await page.getByLabel('Jawaban 3', { exact: true }).fill('Kendari');
      await page.getByLabel('Tag').fill('provinsi, sulawesi');
      await Promise.all([page.waitForURL(`**/banks/${bankId}?msg=created*`), page.getByTestId('save').click()]);
      expect(await page.getByTestId('bank-msg').innerText()).to.equal('Soal disimpan.');
      const q = await suite.env.kernel.learning.models.Question.findOne({ bankId, type: 'matching' }).lean();
      expect((q!.data as { pairs: Array<{ question: string; answer: string }> }).pairs.map((p) => [p.question, p.answer])).to.deep.equal([['Sulawesi Barat', 'Mamuju'], ['Sulawesi Selatan', 'Makassar'], ['', 'Kendari']]);
      await page.goto(`${suite.env.url}/bank-questions/${q!.qid}/edit`);
      await page.screenshot({ path: '/tmp/bina-bank-form.png', fullPage: true });
      await page.goto(`${suite.env.url}/bank-questions/${q!.qid}/preview`);
      expect(await page.getByTestId('as-trainer').innerText()).to.include('(pengecoh)');
      await page.screenshot({ path: '/tmp/bina-bank-preview-matching.png', fullPage: true });
      const essay = await trainer.api.post(`/api/v1/banks/${bankId}/questions`, {
        categoryId: q!.categoryId!.toString(), type: 'essay', name: 'Esai pelayanan publik', stem: 'Uraikan standar pelayanan di unit Anda.',
        data: { minWords: 50, maxWords: 300, rubric: { criteria: [{ id: 'isi', description: 'Ketepatan isi', levels: [{ id: 'k', label: 'Kurang', points: 1 }, { id: 'b', label: 'Baik', points: 3 }] }, { id: 'bhs', description: 'Bahasa', levels: [{ id: 'k', label: 'Kurang', points: 0 }, { id: 'b', label: 'Baik', points: 2 }] }] } },
      });
      await page.goto(`${suite.env.url}/bank-questions/${essay.body.question.qid}/preview`);
      expect(await page.getByTestId('as-trainer').innerText()).to.include('Ketepatan isi').and.include('50 – 300');
      await page.screenshot({ path: '/tmp/bina-bank-preview-essay.png', fullPage: true });
      for (const type of ['multichoice', 'numerical', 'essay']) {
        await page.goto(`${suite.env.url}/banks/${bankId}/questions/new?type=${type}`);
        await page.screenshot({ path: `/tmp/bina-bank-form-${type}.png`, fullPage: true });
      }
      // The form with errors is answered 400 by design, which chromium logs as a failed load.
      expect(errors.filter((e) => !e.includes('status of 400')), 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
