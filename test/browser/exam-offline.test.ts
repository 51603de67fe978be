/**
 * A CAT exam in a real browser (headless chromium via playwright-core) on a bad connection: the
 * learner starts a timed exam through the pages, answers two questions online (each shown as
 * saved once the server acknowledged it), loses the connection (playwright's offline mode),
 * answers two more (shown as kept on the device, queued in localStorage, and not on the server),
 * gets the connection back (the queue is sent in order: all four on the server with increasing
 * sequence numbers), and the countdown keeps the server's remaining time even when the device's
 * clock jumps. A reload resumes exactly there; the submit shows the graded result.
 *
 * Another shows an answer the question type refuses (a numerical answer that is no number) with
 * the reason in the learner's language, and saves it once corrected.
 *
 * A last test renders every exam page once (trainer and learner, screenshots in
 * /tmp/bina-exam-*.png) and checks that none shows a raw i18n key, breaks the CSP (no inline
 * style or script) or logs an error.
 */
import { expect } from 'chai';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, waitForJob, type TestUser } from '../support/harness';
import { examSessionCookies, loginThroughForm, withBrowserEnv } from '../support/browser';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 4, draw: 4, mark: 5 }];
/** The option label each question gets, in display order: 2 online, then 2 offline. */
const ANSWERS = [
  { label: 'Benar', id: 'a' },
  { label: 'Salah', id: 'b' },
  { label: 'Benar', id: 'a' },
  { label: 'Keliru', id: 'c' },
];

/** Moves the page's wall clock (Date, Date.now) 3 hours ahead. */
const SHIFT_CLOCK = `(() => {
  if (globalThis.__binaShifted) return;
  globalThis.__binaShifted = true;
  const Real = Date;
  const shift = 3 * 3600 * 1000;
  class Shifted extends Real {
    constructor(...args) { super(...(args.length ? args : [Real.now() + shift])); }
    static now() { return Real.now() + shift; }
  }
  globalThis.Date = Shifted;
})()`;

describe('exam in a real browser, with the network cut for part of it', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();

  let trainer: TestUser;
  let courseId: string;

  before(async () => {
    trainer = await createUser(suite.env, 'trainer', 'Widyaiswara Ujian');
    courseId = await createCourse(trainer);
    await createBank(suite.env, trainer, courseId, SECTIONS);
  });


  /** A new context; `errors` collects uncaught page errors and console errors (CSP violations are console errors). */
  async function newContext(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await suite.browser.newContext({ locale: 'id-ID', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() !== 'error' || m.location().url.endsWith('/favicon.ico')) return;
      // Requests that fail while the test has cut the network are expected.
      if (/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(m.text())) return;
      errors.push(`console: ${m.text()} at ${m.location().url} (page ${page.url()})`);
    });
    page.on('dialog', (d) => void d.accept());
    return { context, page, errors };
  }

  /** The room shows one question per screen: opens question `i` (0-based) from the grid, which works offline too. */
  const openQuestion = (page: Page, i: number) => page.locator(`[data-room-cell="${i + 1}"]`).click();
  /** The attempt page's offline store (localStorage) as a string. */
  const stored = (page: Page, attemptId: string) => page.evaluate((k) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(k), `bina:exam:${attemptId}`);
  /** The attempt as the learner's browser (its exam-session cookie) sees it over the API. */
  const attemptApi = async (l: TestUser, id: string, context: BrowserContext) => l.api.request('GET', `/api/v1/activity-exam/attempts/${id}`, undefined, await examSessionCookies(context));
  /** The countdown as the page shows it (ms, the script keeps it in data-ms) next to the server's. */
  async function timerVsServer(page: Page, l: TestUser, attemptId: string): Promise<{ shown: number; server: number }> {
    const shown = Number(await page.getByTestId('time-left').getAttribute('data-ms'));
    const clock = await l.api.get(`/api/v1/activity-exam/attempts/${attemptId}/clock`);
    expect(clock.status).to.equal(200);
    return { shown, server: clock.body.remainingMs as number };
  }

  /** A new learner in the course, logged in through the form, who starts `examId` on its page; the attempt's id. */
  async function startAsNewLearner(page: Page, examId: string, name: string): Promise<{ learner: TestUser; attemptId: string }> {
    const learner = await createUser(suite.env, 'learner', name);
    await enrol(learner, courseId);
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
    await page.goto(`${suite.env.url}/activity-exam/exams/${examId}`);
    await Promise.all([page.waitForURL('**/activity-exam/attempts/*'), page.getByTestId('start').click()]);
    const attemptId = new URL(page.url()).pathname.split('/').pop()!;
    expect(attemptId).to.match(/^[a-f0-9]{24}$/);
    return { learner, attemptId };
  }

  it('keeps answers given offline, sends them in order when back online, and keeps the server\'s time', async () => {
    const { exam } = await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 30 });
    const { context, page, errors } = await newContext();
    try {
      const { learner, attemptId } = await startAsNewLearner(page, exam.id, 'Peserta Ujian');
      const cards = page.locator('fieldset[data-slot]');
      expect(await cards.count()).to.equal(4);
      const card = (i: number): Locator => cards.nth(i);
      const slots: string[] = await Promise.all([0, 1, 2, 3].map(async (i) => (await card(i).getAttribute('data-slot')) ?? ""));
      const state = (i: number) => card(i).locator('.save-state');
      await page.getByTestId('conn-state').and(page.locator('[data-online="true"]')).waitFor();

      // Online: each answer is shown as saved once the server acknowledged it.
      for (const i of [0, 1]) {
        expect(await state(i).getAttribute('data-state')).to.equal('idle');
        await openQuestion(page, i);
        await card(i).getByLabel(ANSWERS[i]!.label, { exact: true }).check();
        await card(i).locator('.save-state[data-state="saved"]').waitFor();
      }

      // Offline: the answers stay on the device (page and localStorage), the server does not have them.
      await context.setOffline(true);
      for (const i of [2, 3]) {
        await openQuestion(page, i);
        await card(i).getByLabel(ANSWERS[i]!.label, { exact: true }).check();
        await card(i).locator('.save-state[data-state="offline"]').waitFor();
      }
      await page.getByTestId('pending-count').and(page.locator('[data-count="2"]')).waitFor();
      await page.getByTestId('conn-state').and(page.locator('[data-online="false"]')).waitFor();
      expect(await page.getByTestId('pending-count').innerText()).to.match(/2/);
      const kept = JSON.parse((await stored(page, attemptId))!) as { seq: number; queue: Array<{ slot: string; seq: number; fields: Record<string, string> }> };
      expect(kept.queue.map((q) => q.slot)).to.deep.equal([slots[2], slots[3]]);
      expect(kept.queue.map((q) => q.fields[`q_${q.slot}`])).to.deep.equal([ANSWERS[2]!.id, ANSWERS[3]!.id]);
      for (const i of [0, 1]) expect(await state(i).getAttribute('data-state')).to.equal('saved');
      await page.screenshot({ path: '/tmp/bina-exam-offline.png', fullPage: true });
      const during = await attemptApi(learner, attemptId, context);
      expect(during.status).to.equal(200);
      const bySlot = (body: any) => new Map<string, any>(body.questions.map((q: any) => [q.slot, q]));
      for (const i of [2, 3]) expect(bySlot(during.body).get(slots[i]!)).to.include({ response: null, seq: 0 });
      expect(bySlot(during.body).get(slots[0]!).response).to.deep.equal({ selected: [ANSWERS[0]!.id] });

      // The countdown ran on while offline, from the server's time.
      const offline = await timerVsServer(page, learner, attemptId);
      expect(Math.abs(offline.shown - offline.server), JSON.stringify(offline)).to.be.below(3000);

      // Back online: the queue goes out oldest first; everything ends up saved, on the page and on the server.
      await context.setOffline(false);
      for (const i of [2, 3]) await card(i).locator('.save-state[data-state="saved"]').waitFor({ state: 'attached', timeout: 30_000 });
      await page.getByTestId('pending-count').and(page.locator('[data-count="0"]')).waitFor({ state: 'attached' });
      const after = await waitFor(async () => {
        const r = await attemptApi(learner, attemptId, context);
        return r.body.questions.every((q: any) => q.seq > 0) ? r.body : null;
      }, 'all four answers on the server');
      const seqs = slots.map((s, i) => {
        const q = bySlot(after).get(s);
        expect(q.response, `question ${i + 1}`).to.deep.equal({ selected: [ANSWERS[i]!.id] });
        return q.seq as number;
      });
      for (let i = 1; i < seqs.length; i++) expect(seqs[i], `seq of question ${i + 1} after ${seqs[i - 1]}`).to.be.above(seqs[i - 1]!);
      expect(JSON.parse((await stored(page, attemptId))!).queue).to.deep.equal([]);

      // The device's clock jumps 3 hours ahead: the countdown does not follow it.
      const before = await timerVsServer(page, learner, attemptId);
      expect(Math.abs(before.shown - before.server), JSON.stringify(before)).to.be.below(3000);
      // Only the wall clock moves (Date), as when a device's time is changed; the monotonic clock
      // (performance.now) does not. (playwright's page.clock would fake both.) Kept across the reload.
      await page.addInitScript(SHIFT_CLOCK);
      await page.evaluate(SHIFT_CLOCK);
      expect(await page.evaluate(() => Date.now())).to.be.above(Date.now() + 3 * 3600_000 - 60_000);
      await page.waitForTimeout(2500);
      const shifted = await timerVsServer(page, learner, attemptId);
      expect(Math.abs(shifted.shown - shifted.server), JSON.stringify(shifted)).to.be.below(3000);
      expect(shifted.shown, 'the countdown keeps running').to.be.below(before.shown - 1500);
      expect(shifted.server, 'the time limit is still far away').to.be.above(25 * 60_000);
      await page.screenshot({ path: '/tmp/bina-exam-attempt.png', fullPage: true });

      // Reload: the same attempt, the same answers, all saved, the server's time.
      await page.reload();
      expect(new URL(page.url()).pathname).to.equal(`/activity-exam/attempts/${attemptId}`);
      for (const [i, a] of ANSWERS.entries()) {
        expect(await card(i).getByLabel(a.label, { exact: true }).isChecked(), `question ${i + 1} after reload`).to.equal(true);
        expect(await state(i).getAttribute('data-state')).to.equal('saved');
      }
      await page.waitForTimeout(500);
      const reloaded = await timerVsServer(page, learner, attemptId);
      expect(Math.abs(reloaded.shown - reloaded.server), JSON.stringify(reloaded)).to.be.below(3000);

      // Submit (confirm() accepted by the dialog handler): the result page shows the graded score.
      // Finish: the summary first (nothing unanswered), then the submit.
      await Promise.all([page.waitForURL(`**/activity-exam/attempts/${attemptId}/summary`), page.getByTestId('submit').click()]);
      await page.getByTestId('summary-clear').waitFor();
      await Promise.all([page.waitForURL(`**/activity-exam/attempts/${attemptId}/result`), page.getByTestId('submit-final').click()]);
      const score = page.getByTestId('score');
      await score.waitFor({ timeout: 60_000 });
      const graded = await attemptApi(learner, attemptId, context);
      expect(graded.body.attempt.state).to.equal('graded');
      // Two right answers of 5 marks each.
      expect(graded.body.score).to.equal(10);
      expect(graded.body.maxScore).to.equal(20);
      expect((await score.innerText()).replace(/\s/g, '')).to.equal('10/20');
      await page.screenshot({ path: '/tmp/bina-exam-result.png', fullPage: true });
      expect(errors, 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('shows an answer its question type refuses with the reason in the learner\'s language, and saves it once corrected', async () => {
    const sections: SectionSpec[] = [{ key: 'hitung', kind: 'num', pool: 1 }];
    await createBank(suite.env, trainer, courseId, sections);
    const { exam } = await createExam(trainer, courseId, sections, { timeLimitMinutes: 30 });
    const { context, page, errors } = await newContext();
    try {
      const { learner, attemptId } = await startAsNewLearner(page, exam.id, 'Peserta Hitung');
      const card = page.locator('fieldset[data-slot]').first();
      const refused = card.locator('.save-state[data-state="refused"]');
      await card.getByRole('textbox').fill('tujuh belas');
      await refused.waitFor();
      expect(await refused.innerText()).to.equal('Jawaban tidak disimpan: Jawaban bukan angka.');
      // Refused for good: not kept for a retry.
      expect(JSON.parse((await stored(page, attemptId))!).queue).to.deep.equal([]);
      // In English once the learner switches (the language cookie reaches the API too).
      const en = new URL(page.url());
      en.searchParams.set('lang', 'en');
      await page.goto(en.toString());
      await card.getByRole('textbox').fill('seventeen');
      await refused.waitFor();
      expect(await refused.innerText()).to.equal('Answer not saved: The answer is not a number.');
      await card.getByRole('textbox').fill('17');
      await card.locator('.save-state[data-state="saved"]').waitFor();
      const q = (await attemptApi(learner, attemptId, context)).body.questions[0];
      expect(q.response).to.deep.equal({ text: '17' });
      // The browser logs each refused request (a 400); nothing else may go wrong.
      expect(errors.filter((e) => !/status of 400/.test(e)), 'page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('renders every exam page without raw i18n keys, inline styles or errors', async () => {
    // An exam with an essay, so the grading queue and the manual grading form have something.
    const sections: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 4, draw: 2, mark: 5 }, { key: 'esai', kind: 'essay', pool: 1, mark: 5 }];
    await createBank(suite.env, trainer, courseId, [sections[1]!]);
    const { exam } = await createExam(trainer, courseId, sections, { timeLimitMinutes: 60, board: { identity: 'names', public: true } });
    const learner = await createUser(suite.env, 'learner', 'Peserta Esai');
    await enrol(learner, courseId);
    const s = (await learner.api.post(`/api/v1/activity-exam/exams/${exam.id}/attempts`)).body;
    let seq = 0;
    for (const q of s.questions) await learner.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), 'right') });
    await learner.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
    // The whole grade job (its audit record and the trainer's notice follow the state write), so the trainer's pages below race nothing.
    await waitForJob(suite.env, 'activity-exam.grade', `grade-${s.attempt.id}`);
    expect((await examApi(suite.env).service.models.Attempt.findById(s.attempt.id).lean())?.state).to.equal('needs_grading');
    const essaySlot = s.questions.find((q: any) => kindOf(q.name) === 'essay').slot as string;
    const board = (await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}`)).body.exam.board as { token: string };

    /** Opens `path`, waits for the page to settle, screenshots it and checks it. */
    async function visit(page: Page, errors: string[], path: string, shot: string, ready?: (p: Page) => Promise<unknown>): Promise<void> {
      const res = await page.goto(`${suite.env.url}${path}`);
      expect(res?.status(), path).to.equal(200);
      if (ready) await ready(page);
      await page.screenshot({ path: `/tmp/bina-exam-${shot}.png`, fullPage: true });
      const text = await page.locator('body').innerText();
      expect(text, `${path} shows a raw i18n key`).not.to.match(/activity-exam:|access-[a-z]+:[a-z]/);
      // The markup as served (scripts may still set styles through the CSSOM, which the CSP allows).
      const html = (await res!.text()).replace(/<script type="application\/json"[^>]*>[\s\S]*?<\/script>/g, '');
      expect(html, `${path} has an inline style attribute (CSP)`).not.to.match(/\sstyle=/);
      expect(html, `${path} has an inline script (CSP)`).not.to.match(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(errors, `errors on ${path}`).to.deep.equal([]);
    }

    const t = await newContext();
    try {
      await loginThroughForm(t.page, suite.env.url, trainer.username, TEST_PASSWORD);
      await visit(t.page, t.errors, `/activity-exam/new?courseId=${courseId}`, 'new');
      await visit(t.page, t.errors, `/activity-exam/exams/${exam.id}`, 'exam-trainer');
      await visit(t.page, t.errors, `/activity-exam/exams/${exam.id}/board`, 'board', (p) => p.getByTestId('board-state').and(p.locator('[data-live="true"]')).waitFor());
      expect(await t.page.locator('#board tbody tr').count()).to.equal(1);
      await visit(t.page, t.errors, `/activity-exam/board/${board.token}`, 'board-public', (p) => p.locator('#board tbody tr').first().waitFor());
      await visit(t.page, t.errors, `/activity-exam/exams/${exam.id}/grading`, 'grading');
      expect(await t.page.locator(`a[href="/activity-exam/attempts/${s.attempt.id}/manual/${essaySlot}"]`).count()).to.equal(1);
      await visit(t.page, t.errors, `/activity-exam/exams/${exam.id}/grading?by=question`, 'grading-by-question');
      await visit(t.page, t.errors, `/activity-exam/attempts/${s.attempt.id}/manual/${essaySlot}`, 'grade');
      // Grade with the rubric through the form: back to the (now empty) queue.
      await t.page.locator('input[type=radio][value="baik"]').first().check();
      await t.page.locator('input[name="c_bahasa"][value="baik"]').check();
      await Promise.all([t.page.waitForURL(`**/activity-exam/exams/${exam.id}/grading`), t.page.getByRole('button', { name: /nilai/i }).click()]);
      await t.page.getByTestId('queue-empty').waitFor();
      await visit(t.page, t.errors, `/activity-exam/attempts/${s.attempt.id}/result`, 'result-trainer');
    } finally {
      await t.context.close();
    }

    const l = await newContext();
    try {
      await loginThroughForm(l.page, suite.env.url, learner.username, TEST_PASSWORD);
      await visit(l.page, l.errors, `/activity-exam/exams/${exam.id}`, 'exam-learner');
      await visit(l.page, l.errors, `/activity-exam/attempts/${s.attempt.id}/result`, 'result-learner', (p) => p.getByTestId('score').waitFor());
    } finally {
      await l.context.close();
    }
  });
});
