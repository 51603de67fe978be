/**
 * No English on Indonesian pages (issue 9, item 7), in a real browser: the plugin list, an error
 * page's details, the question bank's first category, and the item analysis's response values are
 * in the reader's language, and the English page says the same in English. (The verify page's
 * check details: certificate-admin.test.ts; notices' quotation marks: inbox.test.ts.)
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';
import { createBank, createCourse, createExam, enrol, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'bs', kind: 'tf', pool: 1, mark: 1 }, { key: 'ang', kind: 'num', pool: 1, mark: 1 }];

const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

describe('Indonesian pages without English in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let admin: TestUser;
  let trainer: TestUser;
  let adminPage: Page;
  let trainerPage: Page;
  let courseId: string;
  let examId: string;

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Bahasa');
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Bahasa');
    courseId = await createCourse(trainer);
    await createBank(suite.env, trainer, courseId, SECTIONS);
    examId = (await createExam(trainer, courseId, SECTIONS)).exam.id;
    for (const how of ['right', 'wrong'] as const) {
      const learner = await createUser(suite.env, 'learner');
      await enrol(learner, courseId);
      const s = (await learner.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
      let seq = 0;
      for (const q of s.questions) await learner.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), how) });
      await learner.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
    }
    const svc = (suite.env.kernel.services.providers.require('activity-exam').impl as { service: { models: { Attempt: { countDocuments(f: unknown): Promise<number> } } } }).service;
    await waitFor(async () => (await svc.models.Attempt.countDocuments({ examId, state: 'graded' })) === 2, 'both attempts graded');
    adminPage = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(adminPage, suite.env.url, admin.username, TEST_PASSWORD);
    trainerPage = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(trainerPage, suite.env.url, trainer.username, TEST_PASSWORD);
  });

  it('lists plugins with what they do and their state in Indonesian', async () => {
    await adminPage.goto(`${suite.env.url}/admin/plugins?lang=id`);
    const text = await mainText(adminPage);
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'plugins', 'activity-quiz', 'plugin.json'), 'utf8')) as { description: string };
    expect(text).not.to.include(manifest.description);
    expect(text).to.include('Kuis: percobaan dengan simpan otomatis');
    expect(text).to.match(/\baktif\b/).and.not.match(/\bactive\b/);
    await adminPage.goto(`${suite.env.url}/admin/plugins?lang=en`);
    expect(await mainText(adminPage)).to.include(manifest.description).and.match(/\bactive\b/);
    await adminPage.goto(`${suite.env.url}/?lang=id`);
  });

  it('explains an error without the developer\'s English', async () => {
    const res = await adminPage.goto(`${suite.env.url}/courses/bukan-id-kursus`);
    expect(res?.status()).to.equal(400);
    const text = await mainText(adminPage);
    expect(text).to.include('Data yang dikirim tidak valid');
    expect(text).not.to.match(/Invalid|must be/);
  });

  it('names the question bank\'s first category in Indonesian', async () => {
    const created = await trainer.api.post('/api/v1/banks', { name: 'Bank Soal Bahasa', owner: { type: 'course', id: courseId } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const bankId = created.body.bank.id as string;
    await trainerPage.goto(`${suite.env.url}/banks/${bankId}?lang=id`);
    const tree = await trainerPage.locator('.bank-tree').innerText();
    expect(tree).to.include('Umum').and.not.include('Default');
  });

  it('shows response values of the item analysis in Indonesian', async () => {
    await trainerPage.goto(`${suite.env.url}/report-item-analysis/exams/${examId}?lang=id`);
    const text = await mainText(trainerPage);
    // True/false answers are words in the reader's language; a numerical answer is its number
    // (the question type's response class), which needs no words.
    expect(text).to.include('Benar:').and.include('Salah:').and.include('17:').and.include('8:');
    expect(text).not.to.match(/\b(true|false|answered):/);
    await trainerPage.screenshot({ path: '/tmp/bina-exam-item-analysis-id.png', fullPage: true });
    await trainerPage.setViewportSize({ width: 393, height: 900 });
    await trainerPage.goto(`${suite.env.url}/report-item-analysis/exams/${examId}?lang=en`);
    expect(await mainText(trainerPage)).to.include('True:').and.include('False:');
    await trainerPage.screenshot({ path: '/tmp/bina-exam-item-analysis-en-phone.png', fullPage: true });
    await trainerPage.setViewportSize({ width: 1280, height: 720 });
  });
});
