/**
 * Lessons with files in a real browser: a trainer opens the lesson editor, uploads an image (the
 * Markdown goes in at the cursor), saves; an enrolled learner sees the image inside the lesson
 * (loaded under the strict CSP), the headings below the page title and a "next activity" button;
 * a learner who is not enrolled gets 403 for the file's URL.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

/** A real 40×20 PNG, so the browser decodes it (naturalWidth > 0). */
function pngFile(): Buffer {
  const png = new PNG({ width: 40, height: 20 });
  png.data.fill(0x80);
  return PNG.sync.write(png);
}

describe('lesson files in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let learner: TestUser;
  let outsider: TestUser;
  let courseId: string;
  let lessonId: string;
  let dir: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Dra. Hasnawati');
    learner = await createUser(suite.env, 'learner', 'Muhammad Rizal');
    outsider = await createUser(suite.env, 'learner', 'Bukan Peserta');
    ({ courseId, lessonId } = await createCourseWithQuiz(trainer));
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    dir = await mkdtemp(join(tmpdir(), 'bina-lesson-file-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function pageAs(u: TestUser): Promise<Page> {
    const page = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(page, suite.env.url, u.username, TEST_PASSWORD);
    return page;
  }

  it('a trainer uploads an image into a lesson and an enrolled learner sees it; others get 403', async () => {
    const file = join(dir, 'Struktur Organisasi.png');
    await writeFile(file, pngFile());

    const t = await pageAs(trainer);
    await t.goto(`${suite.env.url}/activity-lesson/lessons/${lessonId}`);
    await t.getByRole('link', { name: 'Ubah materi' }).click();
    await t.locator('#markdown').fill('# Struktur\n\nBagan berikut:\n');
    await t.locator('#lesson-file').setInputFiles(file);
    await t.getByRole('button', { name: 'Unggah dan sisipkan' }).click();
    await t.locator('#lesson-file-status.alert-success').waitFor();
    const markdown = await t.locator('#markdown').inputValue();
    expect(markdown).to.match(/!\[Struktur Organisasi\]\(\/activity-lesson\/files\/[a-f0-9]{24}\/Struktur-Organisasi\.png\)/);
    expect(await t.getByTestId('lesson-files').textContent()).to.contain('Struktur-Organisasi.png');
    await Promise.all([t.waitForURL((u) => u.pathname === `/activity-lesson/lessons/${lessonId}`), t.getByRole('button', { name: 'Simpan' }).click()]);
    const url = /\((\/activity-lesson\/files\/[^)]+)\)/.exec(markdown)![1]!;

    const l = await pageAs(learner);
    const blocked: string[] = [];
    l.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await l.goto(`${suite.env.url}/activity-lesson/lessons/${lessonId}`);
    const img = l.getByTestId('lesson-body').locator(`img[src="${url}"]`);
    await img.waitFor();
    await l.waitForFunction((src) => {
      const i = (globalThis as any).document.querySelector(`img[src="${src}"]`);
      return i && i.complete && i.naturalWidth === 40;
    }, url);
    expect(blocked).to.deep.equal([]);
    // The lesson's heading sits below the page title.
    expect(await l.locator('h1').count()).to.equal(1);
    expect(await l.getByTestId('lesson-body').locator('h2').textContent()).to.equal('Struktur');
    // The next activity is the course's quiz.
    const next = l.getByTestId('next-activity');
    expect(await next.textContent()).to.contain('Aktivitas berikutnya: Kuis');
    expect(await next.getAttribute('href')).to.match(/^\/activity-quiz\//);

    const o = await pageAs(outsider);
    const res = await o.goto(`${suite.env.url}${url}`);
    expect(res!.status()).to.equal(403);
  });
});
