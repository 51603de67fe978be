/**
 * The public score board in a real browser (anonymous, as on a screen in the exam room): a new
 * participant appears, each answer moves the totals, and the final state shows, all without a
 * reload (server-sent events applied by public/board.js over its snapshot). Masked NIPs only.
 */
import { expect } from 'chai';
import { createUser, type TestUser } from '../support/harness';
import { withBrowserEnv } from '../support/browser';
import { createBank, createCourse, createExam, enrol, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

/** The page's document inside functions that run in the browser (inlined there: they are serialised; the project's TS lib has no DOM). */
type PageGlobal = { document: { querySelector(s: string): { textContent: string | null } | null } };

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 2, mark: 5, pass: { mode: 'points', value: 5 } }];

describe('public score board in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let trainer: TestUser;
  let courseId: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer');
    courseId = await createCourse(trainer);
    await createBank(suite.env, trainer, courseId, SECTIONS);
  });

  it('shows participants, answers and results live, with masked NIPs', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, { board: { identity: 'masked_nip', public: true } });
    const token = (await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}`)).body.exam.board.token as string;
    const context = await suite.browser.newContext({ locale: 'id-ID' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${suite.env.url}/activity-exam/board/${token}`);
      await page.locator('[data-testid="board-state"][data-live="true"]').waitFor();
      expect(await page.locator('#board tbody tr').count()).to.equal(0);

      const learner = await createUser(suite.env, 'learner', 'Andi Saputra');
      await enrol(learner, courseId);
      const s = (await learner.api.post(`/api/v1/activity-exam/exams/${exam.id}/attempts`)).body;
      const row = page.locator(`#board tbody tr[data-attempt-id="${s.attempt.id}"]`);
      // A participant the board did not know: it reloads its snapshot and the row appears.
      await learner.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${s.questions[0].slot}`, { seq: 1, response: { selected: ['a'] } });
      await row.waitFor();
      await page.waitForFunction((id) => (globalThis as unknown as PageGlobal).document.querySelector(`tr[data-attempt-id="${id}"] .total`)?.textContent === '5', s.attempt.id);
      const label = (await row.locator('td').nth(1).innerText()).trim();
      expect(label).to.match(/^\d{4}•+\d{4}$/);
      expect(await page.content()).not.to.contain('Andi Saputra');

      // Each further answer moves the total without a reload.
      await learner.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${s.questions[1].slot}`, { seq: 2, response: { selected: ['a'] } });
      await page.waitForFunction((id) => (globalThis as unknown as PageGlobal).document.querySelector(`tr[data-attempt-id="${id}"] .total`)?.textContent === '10', s.attempt.id);
      expect((await row.locator('td').nth(4).innerText()).trim(), 'answered').to.equal('2');

      // Submitted and graded by the worker: the row says so.
      await learner.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
      await page.waitForFunction((id) => /Lulus/.test((globalThis as unknown as PageGlobal).document.querySelector(`tr[data-attempt-id="${id}"]`)?.textContent ?? ''), s.attempt.id);
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
