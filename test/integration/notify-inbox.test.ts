/**
 * notify-inbox: learners are told when a person finishes grading their exam, when a regrade
 * changes it, when a course is completed, and when a certificate is issued or revoked (trainers,
 * when essays wait) — once per fact, live over server-sent
 * events, only to them, in their language, with old notices pruned by the scheduled job.
 */
import { expect } from 'chai';
import { ApiClient, createCourseWithQuiz, createUser, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../support/harness';
import { openSse } from '../support/sse';
import { createBank, createCourse, createExam, enrol, kindOf, responseFor, examApi, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import type { InboxService } from '../../plugins/notify-inbox/inbox-service';
import type { LearningService } from '../../src/learning/learning-service';
import { ACTIVITY_GRADED } from '../../src/learning/activity-events';

const API = '/api/v1/notify-inbox';
/** How long a condition may take on a machine shared by many: the grade job waits out the save window first. */
const SLOW = 90_000;
const SECTIONS: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 1, mark: 5 },
  { key: 'esai', kind: 'essay', pool: 1, mark: 10 },
];

describe('notify-inbox', function () {
  // The setup boots the app and the worker and takes an exam through the grade job: slow under load.
  this.timeout(120_000);
  let env: TestEnv;
  let trainer: TestUser;
  let learner: TestUser;
  let courseId: string;
  let examId: string;
  let attemptId: string;
  let essayUrl: string;
  const inbox = () => (env.kernel.services.providers.require('notify-inbox').impl as { inbox: InboxService }).inbox;
  const learning = () => env.kernel.services.providers.require('learning').impl as LearningService;

  before(async () => {
    env = await startTestEnv({
      env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789', revokeWaitMs: 15000 } }) },
    });
    trainer = await createUser(env, 'trainer');
    courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
    examId = (await createExam(trainer, courseId, SECTIONS)).exam.id;
    learner = await createUser(env, 'learner', 'Rina Wulandari');
    await enrol(learner, courseId);
    const s = (await learner.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
    attemptId = s.attempt.id;
    let seq = 0;
    for (const q of s.questions) await learner.api.put(`/api/v1/activity-exam/attempts/${attemptId}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), 'right') });
    await learner.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`);
    // The grading job first stores the state, then tells listeners (the trainers' notice): wait for all of it.
    await waitForJob(env, 'activity-exam.grade', `grade-${attemptId}`, SLOW);
    const doc = (await examApi(env).service.models.Attempt.findById(attemptId).lean())!;
    expect(doc.state).to.equal('needs_grading');
    essayUrl = `/api/v1/activity-exam/attempts/${attemptId}/manual/${doc.slots.find((x) => x.section === 'esai')!.slot}`;
  });
  after(() => env?.stop());

  it('tells the learner, live and once, when the essay grade makes the attempt final', async () => {
    // Submitted and auto-graded in part: nothing to tell yet.
    expect((await learner.api.get(`${API}/notices`)).body).to.deep.include({ notices: [], unread: 0 });
    const stream = await openSse(`${env.url}${API}/stream`, learner.token);
    try {
      expect(stream.contentType).to.contain('text/event-stream');
      await stream.until((e) => e.event === 'ready', 'the ready event');
      const put = await trainer.api.put(essayUrl, { score: 8, comment: 'Baik.' });
      expect(put.body).to.include({ state: 'graded' });
      const live = await stream.until((e) => e.event === 'notice' && e.data.kind === 'activity-graded', 'the notice on the stream');
      expect(live.data).to.include({ id: `activity-graded:${attemptId}`, kind: 'activity-graded', href: `/activity-exam/exams/${examId}`, readAt: null });
      expect(live.data.message).to.contain('“SKD CAT”').and.to.contain('esai');
      // The exam's review settings decide when the score is shown; the notice never carries it.
      expect(live.data.message).not.to.match(/\b13\b/);

      // Passing the exam also completed the course (its only activity), which offers its reaction
      // survey (evaluation-training): three notices.
      const kinds = async () => (await learner.api.get(`${API}/notices`)).body.notices.map((n: any) => n.kind).sort();
      const list = await learner.api.get(`${API}/notices`);
      expect(list.status).to.equal(200);
      expect(list.body.unread).to.equal(3);
      expect(await kinds()).to.deep.equal(['activity-graded', 'course-completed', 'reaction-offered']);

      // The same fact delivered again (a retried job, a second worker) stays one notice.
      const activityId = String((await learning().activityFor('activity-exam', examId))._id);
      const payload = { userId: learner.id, courseId, activityId, activityType: 'activity-exam', refId: examId, title: 'SKD CAT', href: `/activity-exam/exams/${examId}`, sourceId: attemptId, manual: true, passed: true };
      await env.kernel.services.events.emit(ACTIVITY_GRADED, payload);
      expect(await kinds()).to.deep.equal(['activity-graded', 'course-completed', 'reaction-offered']);
      // A payload that does not fit is ignored, not half-delivered.
      await env.kernel.services.events.emit(ACTIVITY_GRADED, { sourceId: 'x', userId: learner.id, manual: true });
      // …and so is a link off this site.
      await env.kernel.services.events.emit(ACTIVITY_GRADED, { ...payload, sourceId: 'f'.repeat(24), href: '//contoh.example/curang' });
      expect(await inbox().Notice.countDocuments({ userId: learner.id })).to.equal(3);

      // The navigation bar shows the count on every page.
      const home = await fetch(`${env.url}/`, { headers: { authorization: `Bearer ${learner.token}`, accept: 'text/html' } });
      expect(await home.text()).to.match(/data-nav-badge="notify-inbox">3</);

      // Only the person sees or marks their notice.
      const other = await createUser(env, 'learner');
      expect((await other.api.get(`${API}/notices`)).body.notices).to.have.length(0);
      expect((await other.api.post(`${API}/notices/activity-graded:${attemptId}/read`)).status).to.equal(404);

      // Opening it (the page's form) marks it read and follows its link; open pages hear of it.
      const open = await fetch(`${env.url}/notify-inbox/notices/activity-graded:${attemptId}/open`, { method: 'POST', headers: { authorization: `Bearer ${learner.token}` }, redirect: 'manual' });
      expect(open.status).to.equal(303);
      expect(open.headers.get('location')).to.equal(`/activity-exam/exams/${examId}`);
      await stream.until((e) => e.event === 'read' && e.data.id === `activity-graded:${attemptId}`, 'the read event');
      expect((await learner.api.get(`${API}/notices`)).body.unread).to.equal(2);
      expect((await learner.api.post(`${API}/notices/read-all`)).body.updated).to.equal(2);
      await stream.until((e) => e.event === 'read' && e.data.all === true, 'the read-all event');
    } finally {
      stream.close();
    }
  });

  it('refreshes one regrade notice per attempt and makes it unread again', async () => {
    const id = `activity-regraded:${attemptId}`;
    expect((await trainer.api.put(essayUrl, { score: 4, comment: 'Dikoreksi.' })).body).to.include({ score: 9 });
    const first = await learner.api.get(`${API}/notices?unread=1`);
    expect(first.body.notices.map((n: any) => n.id)).to.deep.equal([id]);
    expect((await learner.api.post(`${API}/notices/${id}/read`)).body.notice.readAt).to.be.a('string');
    expect((await learner.api.get(`${API}/notices?unread=1`)).body.notices).to.have.length(0);

    expect((await trainer.api.put(essayUrl, { score: 6, comment: 'Dikoreksi lagi.' })).body).to.include({ score: 11 });
    const again = await learner.api.get(`${API}/notices`);
    expect(again.body.notices.filter((n: any) => n.kind === 'activity-regraded')).to.have.length(1);
    expect(again.body.notices.find((n: any) => n.id === id).readAt).to.equal(null);
    expect(again.body.unread).to.equal(1);
    // Newest first.
    expect(again.body.notices[0].id).to.equal(id);

    // A grade that changes nothing is no news.
    expect((await learner.api.post(`${API}/notices/read-all`)).body.updated).to.equal(1);
    expect((await trainer.api.put(essayUrl, { score: 6, comment: 'Sama.' })).body).to.include({ score: 11 });
    expect((await learner.api.get(`${API}/notices`)).body.unread).to.equal(0);
  });

  it('tells the course\'s trainers that essays wait, again only once they have read it', async () => {
    const activityId = String((await learning().activityFor('activity-exam', examId))._id);
    const id = `activity-grading:${activityId}:${trainer.id}`;
    const mine = async () => (await trainer.api.get(`${API}/notices`)).body.notices.filter((n: any) => n.kind === 'activity-grading');
    const first = await mine();
    expect(first).to.have.length(1);
    expect(first[0]).to.include({ id, href: `/activity-exam/exams/${examId}/grading`, readAt: null });
    expect(first[0].message).to.contain('“SKD CAT”');
    // Not the learners' business.
    expect((await learner.api.get(`${API}/notices`)).body.notices.some((n: any) => n.kind === 'activity-grading')).to.equal(false);

    const submitAnother = async () => {
      const l = await createUser(env, 'learner');
      await enrol(l, courseId);
      const s = (await l.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
      let seq = 0;
      // A blank essay is worth 0 without a person; a written one waits for one.
      for (const q of s.questions) await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), 'right') });
      await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
      // Not the attempt's state (the job's first write): the notice is written after it, by the event's listener.
      await waitForJob(env, 'activity-exam.grade', `grade-${s.attempt.id}`, SLOW);
      expect((await examApi(env).service.models.Attempt.findById(s.attempt.id).lean())?.state).to.equal('needs_grading');
    };
    // Unread: another submission leaves it as it is.
    await submitAnother();
    expect((await mine())[0].createdAt).to.equal(first[0].createdAt);
    // Read: the next submission makes it news again.
    await trainer.api.post(`${API}/notices/${id}/read`);
    await submitAnother();
    // The condition itself, not only the job that writes it.
    const again = await waitFor(async () => {
      const n = await mine();
      return n[0]?.readAt === null ? n : null;
    }, 'the trainers\' notice unread again', SLOW);
    expect(again).to.have.length(1);
    expect(again[0].readAt).to.equal(null);
  });

  it('tells a learner when a course is completed and its JP are recorded', async () => {
    const c = await createCourseWithQuiz(trainer);
    const l = await createUser(env, 'learner');
    await l.api.post(`/api/v1/courses/${c.courseId}/enrol`);
    expect((await l.api.get(`/api/v1/activity-lesson/lessons/${c.lessonId}`)).status).to.equal(200);
    const start = await l.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
    const id = start.body.attempt.id as string;
    for (const q of start.body.questions) {
      await l.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response: q.type === 'truefalse' ? { value: true } : { selected: ['ka'] } });
    }
    await l.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`);
    const notice = await waitFor(async () => (await l.api.get(`${API}/notices`)).body.notices.find((n: any) => n.kind === 'course-completed'), 'the course notice', SLOW);
    expect(notice).to.include({ id: `course-completed:${c.courseId}:${l.id}`, href: `/courses/${c.courseId}` });
    expect(notice.message).to.equal('Selamat! Anda menyelesaikan kursus “Kursus Uji”; 2 JP tercatat.');
  });

  it('tells holders about certificates issued and revoked', async () => {
    const admin = await createUser(env, 'admin');
    const holder = await createUser(env, 'learner', 'Andi Pratama');
    const cert = '/api/v1/certificate-openbadges';
    const a = await admin.api.post(`${cert}/achievements`, {
      name: 'Peserta Bimtek SKM', description: 'Mengikuti bimbingan teknis Survei Kepuasan Masyarakat.', criteria: 'Hadir penuh.',
      competency: { code: 'MNJ-PP', level: 1 }, jp: 8, achievementType: 'CertificateOfCompletion',
    });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    expect((await admin.api.post(`${cert}/certificates`, { achievementId: a.body.achievement.id, userId: holder.id, reason: 'Hadir pada bimtek' })).status).to.equal(202);
    const issued = await waitFor(async () => (await holder.api.get(`${API}/notices`)).body.notices.find((n: any) => n.kind === 'certificate-issued'), 'the issue notice', SLOW);
    expect(issued.message).to.contain('“Peserta Bimtek SKM”');
    expect(issued.href).to.equal('/certificate-openbadges/me');

    const certificateId = issued.id.split(':')[1];
    const revoke = await admin.api.post(`${cert}/certificates/${certificateId}/revoke`, { reason: 'Data kehadiran keliru' });
    expect(revoke.status, JSON.stringify(revoke.body)).to.equal(200);
    const revoked = await waitFor(async () => (await holder.api.get(`${API}/notices`)).body.notices.find((n: any) => n.kind === 'certificate-revoked'), 'the revocation notice', SLOW);
    expect(revoked.message).to.contain('Data kehadiran keliru');
    // English readers get English.
    const en = await holder.api.request('GET', `${API}/notices`, undefined, { cookie: 'bina_lang=en' });
    expect(en.body.notices.find((n: any) => n.kind === 'certificate-issued').message).to.contain('has been issued to you');
  });

  it('renders the inbox page with messages escaped, and refuses bad input', async () => {
    const l = await createUser(env, 'learner');
    await inbox().deliver({ key: `exam-graded:${'a'.repeat(24)}`, userId: l.id, kind: 'exam-graded', params: { title: '<img src=x onerror=alert(1)>' }, href: '/', refresh: 'never' });
    const page = await fetch(`${env.url}/notify-inbox`, { headers: { authorization: `Bearer ${l.token}`, accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.contain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;').and.not.to.contain('<img src=x');
    expect(html).to.contain('Pemberitahuan');

    const cases: Array<[string, string, number]> = [
      ['GET', `${API}/notices?limit=0`, 400],
      ['GET', `${API}/notices?limit=abc`, 400],
      ['GET', `${API}/notices?before=kemarin`, 400],
      ['GET', `${API}/notices?sort=x`, 400],
      ['POST', `${API}/notices/not-an-id/read`, 400],
      ['POST', `${API}/notices/exam-graded:${'b'.repeat(24)}/read`, 404],
    ];
    for (const [method, path, status] of cases) {
      const r = await l.api.request(method, path, method === 'POST' ? {} : undefined);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).to.equal(status);
      expect(r.body.error.message).to.be.a('string');
    }
    const anon = new ApiClient(env.url);
    expect((await anon.get(`${API}/notices`)).status).to.equal(401);
    expect((await anon.get(`${API}/stream`)).status).to.equal(401);
  });

  it('pages through notices of the same instant without losing or repeating one', async () => {
    const l = await createUser(env, 'learner');
    const at = new Date('2026-11-20T08:00:00.000Z');
    const ids = [1, 2, 3, 4, 5].map((n) => `certificate-issued:${String(n).padStart(24, 'e')}`);
    await inbox().Notice.insertMany(ids.map((_id) => ({ _id, userId: l.id, kind: 'certificate-issued', params: { name: 'X' }, href: '/', createdAt: at, readAt: null })));
    const seen: string[] = [];
    let query = 'limit=2';
    for (let page = 0; page < 5; page++) {
      const r = await l.api.get(`${API}/notices?${query}`);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      seen.push(...r.body.notices.map((n: any) => n.id));
      if (!r.body.next) break;
      query = `limit=2&${new URLSearchParams(r.body.next).toString()}`;
    }
    expect(seen).to.deep.equal([...ids].reverse());
    expect((await l.api.get(`${API}/notices?beforeId=${ids[0]}`)).status, 'beforeId without before').to.equal(200);
  });

  it('prunes read notices after keepReadDays and every notice after keepDays, on its job', async () => {
    const l = await createUser(env, 'learner');
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    const row = (n: number, ageDays: number, read: boolean) => ({
      _id: `certificate-issued:${String(n).padStart(24, 'c')}`, userId: l.id, kind: 'certificate-issued', params: { name: 'X' }, href: '/',
      createdAt: new Date(now - ageDays * day), readAt: read ? new Date(now - ageDays * day) : null,
    });
    await inbox().Notice.insertMany([row(1, 100, true), row(2, 100, false), row(3, 400, false), row(4, 1, true)]);
    await env.kernel.services.queues.enqueue('notify-inbox.prune', {}, { key: `prune-${now}` });
    await waitFor(async () => (await inbox().Notice.countDocuments({ userId: l.id })) === 2, 'the prune job', SLOW);
    const left = (await inbox().Notice.find({ userId: l.id }).lean()).map((n) => n._id).sort();
    expect(left).to.deep.equal([row(2, 0, false)._id, row(4, 0, false)._id]);
  });
});
