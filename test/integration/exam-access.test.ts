/**
 * Access rules as plugins (access code, IP ranges, one session per attempt with takeover by code,
 * start-time window) and the integrity log (focus loss, device and IP change, resume, takeover),
 * which is shown to the trainer and never blocks the learner.
 */
import { expect } from 'chai';
import { createUser, startTestEnv, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import { inRanges, parseCidr } from '../../plugins/access-iprange/index';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 3, mark: 5 }];
const DEVICE_A = { 'x-exam-session': 'deviceAAAAAAAAAA' };
const DEVICE_B = { 'x-exam-session': 'deviceBBBBBBBBBB' };

describe('activity-exam access rules', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let courseId: string;

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-exam': { graceSeconds: 0 } }) } });
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
  const start = (l: TestUser, examId: string, body: object = {}, headers: Record<string, string> = {}) => l.api.request('POST', `/api/v1/activity-exam/exams/${examId}/attempts`, body, headers);
  const save = (l: TestUser, s: any, seq: number, headers: Record<string, string> = {}) =>
    l.api.request('PUT', `/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${s.questions[0].slot}`, { seq, response: responseFor(kindOf(s.questions[0].name), 'right') }, headers);

  describe('access-code', () => {
    it('needs the room code to start and to resume on another device, not to reload', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-code', settings: { code: 'RUANG-7' } }] });
      const l = await learner();
      const none = await start(l, exam.id, {}, DEVICE_A);
      expect(none.status).to.equal(403);
      expect(none.body.error).to.deep.include({ code: 'BINA_ERR_ACCESS_CODE' });
      expect(none.body.error.details.needsCode).to.equal(true);
      expect((await start(l, exam.id, { code: 'salah' }, DEVICE_A)).status).to.equal(403);
      const ok = await start(l, exam.id, { code: 'ruang-7' }, DEVICE_A);
      expect(ok.status).to.equal(201);
      expect((await start(l, exam.id, {}, DEVICE_A)).body.attempt.id).to.equal(ok.body.attempt.id);
      expect((await start(l, exam.id, {}, DEVICE_B)).status).to.equal(403);
      expect((await start(l, exam.id, { code: 'RUANG-7' }, DEVICE_B)).status).to.equal(201);
      const view = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}`);
      expect(view.body.exam.access[0]).to.deep.equal({ rule: 'access-code', settings: { code: 'RUANG-7' } });
      expect(JSON.stringify((await l.api.get(`/api/v1/activity-exam/exams/${exam.id}`)).body)).not.to.contain('RUANG-7');
    });
  });

  describe('access-iprange', () => {
    it('parses IPv4/IPv6 ranges', () => {
      const r = ['10.1.0.0/16', '127.0.0.1', '2001:db8::/32'].map((x) => parseCidr(x)!);
      expect(inRanges('10.1.200.3', r)).to.equal(true);
      expect(inRanges('10.2.0.1', r)).to.equal(false);
      expect(inRanges('::ffff:127.0.0.1', r)).to.equal(true);
      expect(inRanges('2001:db8:1::5', r)).to.equal(true);
      expect(inRanges('2001:db9::1', r)).to.equal(false);
      expect(inRanges('not-an-ip', r)).to.equal(false);
      expect(parseCidr('10.0.0.0/33')).to.equal(undefined);
    });

    it('refuses to start from outside the ranges, and saves once the exam is limited', async () => {
      const out = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-iprange', settings: { ranges: ['10.0.0.0/8'] } }] });
      const l = await learner();
      const r = await start(l, out.exam.id);
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('BINA_ERR_ACCESS_IP');
      const inside = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-iprange', settings: { ranges: ['127.0.0.0/8', '::1/128'] } }] });
      const s = (await start(l, inside.exam.id)).body;
      expect((await save(l, s, 1)).status).to.equal(200);
      const patched = await trainer.api.patch(`/api/v1/activity-exam/exams/${inside.exam.id}`, { access: [{ rule: 'access-iprange', settings: { ranges: ['10.0.0.0/8'] } }] });
      expect(patched.status).to.equal(200);
      const refused = await save(l, s, 2);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('BINA_ERR_ACCESS_IP');
    });
  });

  describe('access-singlesession', () => {
    it('lets one device hold the attempt; another takes over only with the code, logged', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-singlesession', settings: { takeoverCode: 'ALIH-42' } }] });
      const l = await learner();
      const s = (await start(l, exam.id, {}, DEVICE_A)).body;
      expect((await save(l, s, 1, DEVICE_A)).status).to.equal(200);
      const other = await save(l, s, 2, DEVICE_B);
      expect(other.status).to.equal(409);
      expect(other.body.error.code).to.equal('BINA_ERR_ACCESS_SESSION_ACTIVE');
      const resume = await start(l, exam.id, {}, DEVICE_B);
      expect(resume.status).to.equal(409);
      expect(resume.body.error.details.needsCode).to.equal(true);
      const wrong = await l.api.request('POST', `/api/v1/activity-exam/attempts/${s.attempt.id}/takeover`, { code: 'NOPE' }, DEVICE_B);
      expect(wrong.status).to.equal(409);
      const take = await l.api.request('POST', `/api/v1/activity-exam/attempts/${s.attempt.id}/takeover`, { code: 'alih-42' }, DEVICE_B);
      expect(take.status).to.equal(200);
      expect((await save(l, s, 3, DEVICE_B)).status).to.equal(200);
      expect((await save(l, s, 4, DEVICE_A)).status).to.equal(409);
      const log = await trainer.api.get(`/api/v1/activity-exam/attempts/${s.attempt.id}/integrity`);
      const kinds = log.body.events.map((e: any) => e.kind);
      expect(kinds).to.include('takeover');
      expect(kinds).to.include('device_change');
      expect((await l.api.request('POST', `/api/v1/activity-exam/attempts/${s.attempt.id}/takeover`, { code: 5 }, DEVICE_B)).status).to.equal(400);
    });
  });

  describe('access-window', () => {
    it('allows starting only inside the window; a later window extends it for one participant', async () => {
      const past = { startFrom: new Date(Date.now() - 3600_000).toISOString(), startUntil: new Date(Date.now() - 60_000).toISOString() };
      const { exam } = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-window', settings: past }] });
      const l = await learner();
      const late = await start(l, exam.id);
      expect(late.status).to.equal(403);
      expect(late.body.error.code).to.equal('BINA_ERR_ACCESS_WINDOW');
      const acc = await trainer.api.put(`/api/v1/activity-exam/exams/${exam.id}/accommodations/${l.id}`, { closesAt: new Date(Date.now() + 3600_000).toISOString(), reason: 'Sakit pada sesi pertama' });
      expect(acc.status).to.equal(200);
      expect((await start(l, exam.id)).status).to.equal(201);
      const future = await createExam(trainer, courseId, SECTIONS, { access: [{ rule: 'access-window', settings: { startFrom: new Date(Date.now() + 3600_000).toISOString() } }] });
      expect((await start(l, future.exam.id)).body.error.code).to.equal('BINA_ERR_ACCESS_WINDOW');
      const bad = await trainer.api.post('/api/v1/activity-exam/exams', { courseId, title: 'x', sections: [{ key: 'twk', title: 'TWK', draw: { count: 1, tags: ['twk'] } }], access: [{ rule: 'access-window', settings: {} }] });
      expect(bad.status).to.equal(400);
    });
  });

  describe('integrity log', () => {
    it('records focus loss, resume and device change for the trainer, and never blocks', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS);
      const l = await learner();
      const s = (await start(l, exam.id, {}, DEVICE_A)).body;
      const url = `/api/v1/activity-exam/attempts/${s.attempt.id}/integrity`;
      expect((await l.api.post(url, { kind: 'focus_lost', at: new Date().toISOString() })).status).to.equal(202);
      expect((await l.api.post(url, { kind: 'fullscreen_exit' })).status).to.equal(202);
      expect((await l.api.post(url, { kind: 'ip_change' })).status).to.equal(400);
      expect((await l.api.post(url, { kind: 'focus_lost', at: 'yesterday' })).status).to.equal(400);
      await start(l, exam.id, {}, DEVICE_A);
      expect((await save(l, s, 1, DEVICE_B)).status).to.equal(200);
      const log = await trainer.api.get(url);
      expect(log.body.events.map((e: any) => e.kind)).to.deep.equal(['focus_lost', 'fullscreen_exit', 'resume', 'device_change']);
      expect((await l.api.get(url)).status).to.equal(403);
    });
  });
});
