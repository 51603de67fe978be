/**
 * Stored XSS (issue 16), a first slice: payloads are put through the API into the fields people
 * control that pages render — person and unit names, a course's title and description, a lesson's
 * Markdown, a question's stem, options and feedback, an achievement's name, a notice — and the
 * pages that show them are opened as a learner, a trainer and an admin, with a dialog, console and
 * request listener. No payload may run (no dialog, no request for its image), and none may be live
 * HTML where text was meant (its marker element must not exist in the page).
 *
 * HTML imported from GIFT and Moodle XML goes into a bank and is previewed and edited by the trainer.
 * Every other page and field is covered by the stored-XSS sweep (test/browser/stored-xss-sweep.test.ts,
 * ADR 0063), which walks every page over demo data with payloads in every stored text.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createCourseWithQuiz, createUser, TEST_PASSWORD, waitFor, waitForJob, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';
import type { InboxService } from '../../plugins/notify-inbox/inbox-service';

/** Text that would be live HTML if a page forgot to escape it. */
const payload = (n: number) => `Uji${n}<b id="xss-live-${n}">x</b><img src="/xss-${n}.png" onerror="alert(${n})"><script>alert(${n})</script>`;
const MARKDOWN = `# Materi\n\n${payload(90)}\n\n[tautan](javascript:alert(91)) <a href="javascript:alert(92)">a</a> <svg onload="alert(93)"></svg>`;

describe('stored XSS: payloads in user-controlled fields never run', function () {
  this.timeout(240_000);
  const suite = withBrowserEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789' } }) } });
  let admin: TestUser;
  let trainer: TestUser;
  let learner: TestUser;
  const paths: Record<'learner' | 'trainer' | 'admin', string[]> = { learner: [], trainer: [], admin: [] };

  before(async () => {
    const env = suite.env;
    admin = await createUser(env, 'admin', `Admin ${payload(1)}`);
    trainer = await createUser(env, 'trainer', `Pelatih ${payload(2)}`);
    learner = await createUser(env, 'learner', `Peserta ${payload(3)}`);
    const unit = await admin.api.post('/api/v1/units', { code: `XSS${Date.now() % 100000}`, name: `Unit ${payload(4)}` });
    expect(unit.status, JSON.stringify(unit.body)).to.equal(201);
    expect((await admin.api.request('PATCH', `/api/v1/users/${learner.id}`, { unitId: unit.body.unit.id })).status).to.equal(200);

    const c = await createCourseWithQuiz(trainer, {
      questions: [
        { type: 'multichoice', stem: `Soal ${payload(5)}`, data: { single: true, shuffle: false, options: [{ id: 'ka', text: `Benar ${payload(6)}`, fraction: 1, feedback: `Umpan ${payload(7)}` }, { id: 'kb', text: `Salah ${payload(8)}`, fraction: 0 }] } },
        { type: 'truefalse', stem: `Pernyataan ${payload(9)}`, data: { correct: true } },
      ],
      quiz: { review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'immediately' } },
    });
    expect((await trainer.api.request('PATCH', `/api/v1/courses/${c.courseId}`, { title: `Kursus ${payload(10)}`, description: `Deskripsi ${payload(11)}` })).status).to.be.oneOf([200, 204]);
    const lesson = await trainer.api.post('/api/v1/activity-lesson/lessons', { courseId: c.courseId, title: `Materi ${payload(12)}`, markdown: MARKDOWN });
    expect(lesson.status, JSON.stringify(lesson.body)).to.equal(201);

    await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
    const attemptId = start.body.attempt.id as string;
    for (const q of start.body.questions) await learner.api.put(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${q.slot}`, { seq: 1, response: q.type === 'truefalse' ? { value: true } : { selected: ['ka'] } });
    await learner.api.post(`/api/v1/activity-quiz/attempts/${attemptId}/submit`);
    await waitForJob(env, 'activity-quiz.grade', `grade-${attemptId}`);

    const a = await admin.api.post('/api/v1/certificate-openbadges/achievements', { name: `Prestasi ${payload(13)}`, description: `Uraian ${payload(14)}`, criteria: `Kriteria ${payload(15)}`, competency: { code: 'MNJ-PP', level: 1 }, jp: 2, achievementType: 'CertificateOfCompletion' });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    expect((await admin.api.post('/api/v1/certificate-openbadges/certificates', { achievementId: a.body.achievement.id, userId: learner.id, reason: `Alasan ${payload(16)}` })).status).to.equal(202);
    const cert = await waitFor(async () => (await learner.api.get('/api/v1/certificate-openbadges/me/certificates')).body.certificates.find((x: any) => x.state === 'issued' && x.pdf), 'the certificate');
    const inbox = (env.kernel.services.providers.require('notify-inbox').impl as { inbox: InboxService }).inbox;
    await inbox.deliver({ key: `exam-graded:${'e'.repeat(24)}`, userId: learner.id, kind: 'exam-graded', params: { title: `Ujian ${payload(17)}` }, href: '/', refresh: 'never' });

    // HTML imported from GIFT ([html] text) and Moodle XML (format="html"), as the importers store it.
    const bank = await trainer.api.post('/api/v1/banks', { name: `Bank ${payload(20)}`, owner: { type: 'course', id: c.courseId } });
    expect(bank.status, JSON.stringify(bank.body)).to.equal(201);
    const bankId = bank.body.bank.id as string;
    // GIFT's own characters (= ~ # { } :) are escaped in text, as a GIFT writer does; an unescaped
    // '=' in the payload's attributes would be a second right answer, which a one-answer question refuses.
    const g = (n: number) => payload(n).replace(/([=~#{}:])/g, '\\$1');
    const gift = `::GiftXss::[html]<p>Soal GIFT ${g(21)}</p>{=[html]<b>Benar</b> ${g(22)}#${g(23)} ~Salah ${g(24)}}`;
    const moodle = `<?xml version="1.0"?><quiz><question type="multichoice"><name><text>MoodleXss</text></name><questiontext format="html"><text><![CDATA[<p>Soal Moodle ${payload(25)}</p>]]></text></questiontext><single>true</single><answer fraction="100" format="html"><text><![CDATA[Benar ${payload(26)}]]></text><feedback format="html"><text><![CDATA[Umpan ${payload(27)}]]></text></feedback></answer><answer fraction="0"><text>Salah</text></answer></question></quiz>`;
    for (const [format, text] of [['gift', gift], ['moodlexml', moodle]] as const) {
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format, text });
      expect(r.status, `${format}: ${JSON.stringify(r.body)}`).to.equal(201);
    }
    const imported = (await trainer.api.get(`/api/v1/banks/${bankId}/questions`)).body.questions as Array<{ id: string; qid: string }>;
    expect(imported.length, 'imported questions').to.be.at.least(2);

    paths.learner = ['/', `/courses/${c.courseId}`, `/activity-lesson/lessons/${lesson.body.lesson.id}`, `/activity-quiz/quizzes/${c.quizId}`, `/activity-quiz/attempts/${attemptId}`, '/notify-inbox', '/certificate-openbadges/me', `/verify/${cert.code}`, '/profile'];
    paths.trainer = [
      '/', `/courses/${c.courseId}`, `/courses/${c.courseId}/participants`, `/courses/${c.courseId}/grades`, `/activity-lesson/lessons/${lesson.body.lesson.id}`, `/activity-lesson/lessons/${lesson.body.lesson.id}/edit`, `/activity-quiz/quizzes/${c.quizId}`, `/activity-quiz/attempts/${attemptId}`, `/banks/${bankId}`,
      // The imported HTML questions as the trainer previews and edits them (pages are addressed by `qid`, a question's lineage).
      ...imported.flatMap((q) => [`/bank-questions/${q.qid}/preview`, `/bank-questions/${q.qid}/edit`]),
    ];
    paths.admin = ['/', '/admin/users', `/admin/users/${learner.id}`, `/admin/users/${learner.id}/personal-data`, '/admin/units', '/admin/audit', `/courses/${c.courseId}`, '/certificate-openbadges/admin'];
  });

  async function check(page: Page, path: string, seen: { dialogs: string[]; requests: string[] }) {
    const res = await page.goto(`${suite.env.url}${path}`);
    expect(res?.status(), `${path}: ${res?.status()} ${(await res?.text())?.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(-700)}`).to.be.below(400);
    await page.waitForLoadState('networkidle');
    const live = await page.evaluate(() => {
      const d = (globalThis as any).document;
      return [...d.querySelectorAll('[id^="xss-live-"], [onerror], [onload], a[href^="javascript:"], svg script')].map((e: any) => e.outerHTML.slice(0, 120));
    });
    expect(live, `${path}: payload rendered as live HTML`).to.deep.equal([]);
    expect(seen.dialogs, `${path}: a payload ran`).to.deep.equal([]);
    expect(seen.requests, `${path}: a payload's image was requested`).to.deep.equal([]);
  }

  for (const role of ['learner', 'trainer', 'admin'] as const) {
    it(`shows every payload as text to the ${role}`, async () => {
      const who = { learner, trainer, admin }[role];
      const context = await suite.browser.newContext();
      const page = await context.newPage();
      const seen = { dialogs: [] as string[], requests: [] as string[] };
      page.on('dialog', (d) => {
        seen.dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('request', (r) => {
        // Markdown may show images (sanitised: no handler), so the lesson's own image (90) loading is meant.
        if (/\/xss-\d+\.png/.test(r.url()) && !r.url().endsWith('/xss-90.png')) seen.requests.push(r.url());
      });
      page.on('console', (m) => {
        if (/inline|javascript:/i.test(m.text()) && m.type() === 'error') seen.dialogs.push(`console: ${m.text()}`);
      });
      try {
        await loginThroughForm(page, suite.env.url, who.username, TEST_PASSWORD);
        for (const path of paths[role]) await check(page, path, seen);
      } finally {
        await context.close();
      }
    });
  }
});
