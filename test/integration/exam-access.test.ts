/**
 * Access rules as plugins (access code, IP ranges, one session per attempt with takeover by code,
 * start-time window) and the integrity log (focus loss, device and IP change, resume, takeover),
 * which is shown to the trainer and never blocks the learner.
 *
 * A device is an API client with its own cookie jar: the exam-session cookie is whatever the
 * server issued at start or resume (never a header the test makes up); `otherDevice()` is the same
 * learner's token in a browser that has none. The browser version is test/browser/exam-access.test.ts.
 */
import { expect } from 'chai';
import { ApiClient, createUser, startTestEnv, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 3, mark: 5 }];

describe('activity-exam access rules', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let courseId: string;

  before(async () => {
    // Behind a proxy (as in production), so a test can arrive from another address.
    env = await startTestEnv({ env: { BINA_TRUST_PROXY: 'true', BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-exam': { graceSeconds: 0 } }) } });
    trainer = await createUser(env, 'trainer');
    courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
  });
  after(() => env?.stop());

  async function learner() {
    const l = await createUser(env, 'learner');
    await enrol(l, courseId);
    return l;
  }
  const start = (d: ApiClient, examId: string, body: object = {}, headers: Record<string, string> = {}) => d.request('POST', `/api/v1/activity-exam/exams/${examId}/attempts`, body, headers);
  const save = (d: ApiClient, s: any, seq: number, headers: Record<string, string> = {}) =>
    d.request('PUT', `/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${s.questions[0].slot}`, { seq, response: responseFor(kindOf(s.questions[0].name), 'right') }, headers);
  const takeover = (d: ApiClient, s: any, body: object) => d.request('POST', `/api/v1/activity-exam/attempts/${s.attempt.id}/takeover`, body);
  const kinds = async (s: any) => (await trainer.api.get(`/api/v1/activity-exam/attempts/${s.attempt.id}/integrity`)).body.events.map((e: any) => e.kind);

  describe('access-code', () => {
    it('needs the room code to start and to resume on another device, not to reload', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-code', settings: { code: 'RUANG-7' } }] });
      const l = await learner();
      const a = l.api;
      const b = l.api.otherDevice();
      const none = await start(a, exam.id);
      expect(none.status).to.equal(403);
      expect(none.body.error).to.deep.include({ code: 'BINA_ERR_ACCESS_CODE' });
      expect(none.body.error.details.needsCode).to.equal(true);
      expect((await start(a, exam.id, { code: 'salah' })).status).to.equal(403);
      const ok = await start(a, exam.id, { code: 'ruang-7' });
      expect(ok.status).to.equal(201);
      expect(ok.headers.getSetCookie().join()).to.match(new RegExp(`bina_exam_${ok.body.attempt.id}=[A-Za-z0-9_-]{22}; .*HttpOnly`));
      expect((await start(a, exam.id)).body.attempt.id).to.equal(ok.body.attempt.id);
      // Another device: no code, a wrong code, then the right one; before that it can neither read nor save.
      expect((await start(b, exam.id)).status).to.equal(403);
      expect((await start(b, exam.id, { code: 'SALAH-1' })).status).to.equal(403);
      const peek = await b.get(`/api/v1/activity-exam/attempts/${ok.body.attempt.id}`);
      expect(peek.status).to.equal(403);
      expect(peek.body.error.code).to.equal('BINA_ERR_EXAM_DEVICE_UNKNOWN');
      expect((await save(b, ok.body, 1)).body.error.code).to.equal('BINA_ERR_EXAM_DEVICE_UNKNOWN');
      // A made-up cookie is no device either: only ids the server issued count.
      expect((await save(b, ok.body, 1, { cookie: `bina_exam_${ok.body.attempt.id}=madeUpByTheClient123` })).status).to.equal(403);
      expect((await start(b, exam.id, { code: 'RUANG-7' })).status).to.equal(201);
      expect((await save(b, ok.body, 1)).status).to.equal(200);
      expect((await save(a, ok.body, 2)).status).to.equal(200);
      expect(await kinds(ok.body)).to.include.members(['resume', 'device_change']);
      const view = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}`);
      expect(view.body.exam.access[0]).to.deep.equal({ rule: 'access-code', settings: { code: 'RUANG-7' } });
      expect(JSON.stringify((await l.api.get(`/api/v1/activity-exam/exams/${exam.id}`)).body)).not.to.contain('RUANG-7');
    });
  });

  describe('access-iprange', () => {
    it('refuses to start from outside the ranges, and saves once the exam is limited', async () => {
      const out = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-iprange', settings: { ranges: ['10.0.0.0/8'] } }] });
      const l = await learner();
      const r = await start(l.api, out.exam.id);
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('BINA_ERR_ACCESS_IP');
      const inside = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-iprange', settings: { ranges: ['127.0.0.0/8', '::1/128'] } }] });
      const s = (await start(l.api, inside.exam.id)).body;
      expect((await save(l.api, s, 1)).status).to.equal(200);
      const patched = await trainer.api.patch(`/api/v1/activity-exam/exams/${inside.exam.id}`, { access: [{ rule: 'access-iprange', settings: { ranges: ['10.0.0.0/8'] } }] });
      expect(patched.status).to.equal(200);
      const refused = await save(l.api, s, 2);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('BINA_ERR_ACCESS_IP');
    });
  });

  describe('access-singlesession', () => {
    it('lets one device hold the attempt; another takes over only with the code, logged', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-singlesession', settings: { takeoverCode: 'ALIH-42' } }] });
      const l = await learner();
      const a = l.api;
      const b = l.api.otherDevice();
      const s = (await start(a, exam.id)).body;
      expect((await save(a, s, 1)).status).to.equal(200);
      expect((await save(b, s, 2)).body.error.code).to.equal('BINA_ERR_EXAM_DEVICE_UNKNOWN');
      const resume = await start(b, exam.id);
      expect(resume.status).to.equal(409);
      expect(resume.body.error.details).to.deep.include({ needsCode: true, field: 'takeoverCode' });
      expect((await takeover(b, s, { takeoverCode: 'NOPE' })).status).to.equal(409);
      const take = await takeover(b, s, { takeoverCode: 'alih-42' });
      expect(take.status).to.equal(200);
      expect((await save(b, s, 3)).status).to.equal(200);
      const held = await save(a, s, 4);
      expect(held.status).to.equal(409);
      expect(held.body.error.code).to.equal('BINA_ERR_ACCESS_SESSION_ACTIVE');
      expect(await kinds(s)).to.include.members(['takeover', 'device_change']);
      expect((await takeover(b, s, { takeoverCode: 5 })).status).to.equal(400);
    });

    it('with access-code as well, a takeover needs both codes, each in its own field', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, {
        access: [{ rule: 'access-code', settings: { code: 'RUANG-7' } }, { rule: 'access-singlesession', settings: { takeoverCode: 'ALIH-42' } }],
      });
      const l = await learner();
      const a = l.api;
      const b = l.api.otherDevice();
      const s = (await start(a, exam.id, { code: 'RUANG-7' })).body;
      expect(s.attempt.id).to.be.a('string');
      expect((await start(b, exam.id, { code: 'RUANG-7' })).body.error.code).to.equal('BINA_ERR_ACCESS_SESSION_ACTIVE');
      expect((await start(b, exam.id, { takeoverCode: 'ALIH-42' })).body.error.code).to.equal('BINA_ERR_ACCESS_CODE');
      expect((await start(b, exam.id, { code: 'ALIH-42', takeoverCode: 'RUANG-7' })).status).to.equal(403);
      const both = await start(b, exam.id, { code: 'ruang-7', takeoverCode: 'alih-42' });
      expect(both.status).to.equal(201);
      expect(both.body.attempt.id).to.equal(s.attempt.id);
      expect((await save(b, s, 1)).status).to.equal(200);
      expect((await save(a, s, 2)).status).to.equal(409);
      // The first device takes it back with the takeover code alone: it gave the access code already.
      expect((await takeover(a, s, { takeoverCode: 'ALIH-42' })).status).to.equal(200);
      expect((await save(a, s, 3)).status).to.equal(200);
      expect((await kinds(s)).filter((k: string) => k === 'takeover')).to.have.length(2);
    });

    it('without its own takeover code, takes the exam\'s access code in the takeover field', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-code', settings: { code: 'RUANG-8' } }, { rule: 'access-singlesession', settings: {} }] });
      const l = await learner();
      const s = (await start(l.api, exam.id, { code: 'RUANG-8' })).body;
      const b = l.api.otherDevice();
      expect((await start(b, exam.id, { code: 'RUANG-8' })).status).to.equal(409);
      expect((await start(b, exam.id, { code: 'RUANG-8', takeoverCode: 'RUANG-8' })).body.attempt.id).to.equal(s.attempt.id);
    });
  });

  describe('access-window', () => {
    it('allows starting only inside the window; a later window extends it for one participant', async () => {
      const past = { startFrom: new Date(Date.now() - 3600_000).toISOString(), startUntil: new Date(Date.now() - 60_000).toISOString() };
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-window', settings: past }] });
      const l = await learner();
      const late = await start(l.api, exam.id);
      expect(late.status).to.equal(403);
      expect(late.body.error.code).to.equal('BINA_ERR_ACCESS_WINDOW');
      const acc = await trainer.api.put(`/api/v1/activity-exam/exams/${exam.id}/accommodations/${l.id}`, { closesAt: new Date(Date.now() + 3600_000).toISOString(), reason: 'Sakit pada sesi pertama' });
      expect(acc.status).to.equal(200);
      expect((await start(l.api, exam.id)).status).to.equal(201);
      const future = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-window', settings: { startFrom: new Date(Date.now() + 3600_000).toISOString() } }] });
      expect((await start(l.api, future.exam.id)).body.error.code).to.equal('BINA_ERR_ACCESS_WINDOW');
      const bad = await trainer.api.post('/api/v1/activity-exam/exams', { courseId, title: 'x', sections: [{ key: 'twk', title: 'TWK', draw: { count: 1, tags: ['twk'] } }], access: [{ rule: 'access-window', settings: {} }] });
      expect(bad.status).to.equal(400);
    });
  });

  describe('integrity log', () => {
    it('records focus loss, resume and device change for the trainer, and never blocks', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS);
      const l = await learner();
      const s = (await start(l.api, exam.id)).body;
      const url = `/api/v1/activity-exam/attempts/${s.attempt.id}/integrity`;
      expect((await l.api.post(url, { kind: 'focus_lost', at: new Date().toISOString() })).status).to.equal(202);
      expect((await l.api.post(url, { kind: 'fullscreen_exit' })).status).to.equal(202);
      expect((await l.api.post(url, { kind: 'ip_change' })).status).to.equal(400);
      expect((await l.api.post(url, { kind: 'focus_lost', at: 'yesterday' })).status).to.equal(400);
      await start(l.api, exam.id);
      // A second device joins (no rule asks for a code) and saves: a device change.
      const b = l.api.otherDevice();
      expect((await start(b, exam.id)).status).to.equal(201);
      expect((await save(b, s, 1)).status).to.equal(200);
      const log = await trainer.api.get(url);
      expect(log.body.events.map((e: any) => e.kind)).to.deep.equal(['focus_lost', 'fullscreen_exit', 'resume', 'resume', 'device_change']);
      expect(log.body.events[3].details).to.deep.equal({ sessionChanged: true });
      expect((await l.api.get(url)).status).to.equal(403);
    });

    it('records an IP change once per change, on the same device', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS);
      const l = await learner();
      const s = (await start(l.api, exam.id, {}, { 'x-forwarded-for': '10.20.30.40' })).body;
      expect((await save(l.api, s, 1, { 'x-forwarded-for': '10.20.30.40' })).status).to.equal(200);
      expect((await save(l.api, s, 2, { 'x-forwarded-for': '10.99.0.7' })).status).to.equal(200);
      expect((await save(l.api, s, 3, { 'x-forwarded-for': '10.99.0.7' })).status).to.equal(200);
      const log = await trainer.api.get(`/api/v1/activity-exam/attempts/${s.attempt.id}/integrity`);
      const changes = log.body.events.filter((e: any) => e.kind === 'ip_change');
      expect(changes).to.have.length(1);
      expect(log.body.events.map((e: any) => e.kind)).not.to.include('device_change');
    });
  });
});
