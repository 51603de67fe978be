import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, seedDemo, startTestEnv, type TestEnv, type TestUser } from '../../../test/support/harness';

describe('activity-mentoring', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let n = 0;
  before(async () => {
    env = await startTestEnv({ only: ['activity-mentoring'] });
  });
  after(() => env?.stop());

  const User = () => env.kernel.identity.models.User;
  const Unit = () => env.kernel.identity.models.Unit;
  const set = (u: TestUser, fields: Record<string, unknown>) => User().updateOne({ _id: u.id }, { $set: fields });
  const period = { startsOn: '2026-01-01', endsOn: '2026-12-31' };

  /** A mentee with a direct supervisor (both PNS) in a fresh unit. */
  async function team() {
    n += 1;
    const unit = await Unit().create({ code: `U${n}-${Date.now()}`, name: `Unit ${n}` });
    const supervisor = await createUser(env, 'learner', `Atasan ${n}`);
    const mentee = await createUser(env, 'learner', `Mentee ${n}`);
    await set(supervisor, { unitId: unit._id, golongan: 'III/d' });
    await set(mentee, { unitId: unit._id, golongan: 'III/a', supervisorId: new Types.ObjectId(supervisor.id) });
    return { unit, supervisor, mentee };
  }
  const newKey = () => `k${new Types.ObjectId().toHexString()}`;
  const session = (minutes = 90) => ({ heldAt: '2026-03-02T02:00:00.000Z', minutes, topic: 'Alur layanan', notes: '', clientKey: newKey() });

  describe('pair rules', () => {
    it('does default the mentor to the direct supervisor when the mentee starts a pair', async () => {
      const { supervisor, mentee } = await team();
      const r = await mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, ...period, goals: [{ text: 'Standar pelayanan' }] });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.pair.mentor.id).to.equal(supervisor.id);
      expect(r.body.pair.source).to.equal('supervisor');
    });

    it('does refuse a second current pair for the same mentee, also when two start at once', async () => {
      const { supervisor, mentee } = await team();
      const [a, b] = await Promise.all([
        mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, ...period }),
        supervisor.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, ...period }),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
    });

    it('does let only an admin or the unit head assign another mentor, who must be senior and not the mentee', async () => {
      const { unit, mentee } = await team();
      const other = await createUser(env, 'learner', 'Senior lain');
      await set(other, { golongan: 'IV/a' });
      const junior = await createUser(env, 'learner', 'Junior');
      await set(junior, { golongan: 'II/a' });
      const byMentee = await mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, mentorId: other.id, ...period });
      expect(byMentee.status).to.equal(403);
      const head = await createUser(env, 'learner', 'Kepala unit');
      await set(head, { unitHeadOf: [unit._id] });
      const self = await head.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, mentorId: mentee.id, ...period });
      expect(self.status).to.equal(400);
      expect(self.body.error.code).to.equal('BINA_ERR_MENTORING_SELF');
      const low = await head.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, mentorId: junior.id, ...period });
      expect(low.body.error.code).to.equal('BINA_ERR_MENTORING_NOT_SENIOR');
      const outsider = await createUser(env, 'learner', 'Kepala unit lain');
      await set(outsider, { unitHeadOf: [(await Unit().create({ code: `X${Date.now()}`, name: 'Lain' }))._id] });
      expect((await outsider.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, mentorId: other.id, ...period })).status).to.equal(403);
      const ok = await head.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, mentorId: other.id, ...period });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      expect(ok.body.pair.source).to.equal('assigned');
    });

    it("does offer the mentee's competency gaps as goals, keep each goal's code and show the level on the mentee's page", async () => {
      const { supervisor, mentee } = await team();
      const admin = await createUser(env, 'admin');
      const position = `Analis Mentoring ${n}`;
      const put = await admin.api.request('PUT', `/api/v1/competency/positions/ANALIS-MENT-${n}`, { name: position, standard: [{ competency: 'MNJ-KOM', required: 3 }, { competency: 'MNJ-PP', required: 2 }] });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      await set(mentee, { positionName: position });
      const created = await mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, ...period, goals: [{ text: 'Komunikasi', competency: 'MNJ-KOM' }, { text: 'Rapat mingguan' }] });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const pairId = created.body.pair.id as string;
      const seen = (await supervisor.api.get(`/api/v1/activity-mentoring/pairs/${pairId}`)).body;
      expect(seen.gaps).to.deep.equal([
        { code: 'MNJ-KOM', name: seen.gaps[0].name, current: 0, required: 3 },
        { code: 'MNJ-PP', name: seen.gaps[1].name, current: 0, required: 2 },
      ]);
      expect(seen.pair.goals[0]).to.deep.equal({ text: 'Komunikasi', competency: 'MNJ-KOM', current: 0, required: 3, met: false });
      expect(seen.pair.goals[1]).to.include({ text: 'Rapat mingguan', competency: null });

      // The mentor changes them (API); an outsider cannot; a code outside the catalogue is refused.
      const outsider = await createUser(env, 'learner');
      expect((await outsider.api.put(`/api/v1/activity-mentoring/pairs/${pairId}/goals`, { goals: [] })).status).to.equal(404);
      const bad = await supervisor.api.put(`/api/v1/activity-mentoring/pairs/${pairId}/goals`, { goals: [{ text: 'X', competency: 'NOPE' }] });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('BINA_ERR_MENTORING_GOAL_COMPETENCY');
      const changed = await supervisor.api.put(`/api/v1/activity-mentoring/pairs/${pairId}/goals`, { goals: [{ text: 'Pelayanan publik', competency: 'MNJ-PP' }] });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.pair.goals).to.deep.equal([{ text: 'Pelayanan publik', competency: 'MNJ-PP', current: 0, required: 2, met: false }]);

      // The mentee ticks a gap on the pair page's form (no JavaScript); the code is stored with it.
      const html = (path: string) => mentee.api.request('GET', path, undefined, { accept: 'text/html' });
      const page = await html(`/activity-mentoring/pairs/${pairId}`);
      expect(String(page.body)).to.contain('value="MNJ-KOM"').and.contain('value="MNJ-PP" id="gap-MNJ-PP" checked');
      const post = await mentee.api.request('POST', `/activity-mentoring/pairs/${pairId}/goals`, 'gap=MNJ-KOM&gap=MNJ-PP&goals=Rapat+mingguan%0ABelajar+SIASN', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      expect(post.status).to.equal(303);
      const stored = await env.kernel.services.conn.collection('activity-mentoring_pairs').findOne({ _id: new Types.ObjectId(pairId) });
      expect(stored!.goals.map((g: { competency?: string; text: string }) => g.competency ?? g.text)).to.deep.equal(['MNJ-KOM', 'MNJ-PP', 'Rapat mingguan', 'Belajar SIASN']);
      const home = String((await html('/activity-mentoring/')).body);
      expect(home).to.contain('data-competency="MNJ-KOM"').and.contain('level 0 dari 3 yang dipersyaratkan');
    });

    it('does refuse a default pair for someone without a supervisor, with a reason', async () => {
      const lone = await createUser(env, 'learner', 'Tanpa atasan');
      const r = await lone.api.post('/api/v1/activity-mentoring/pairs', { menteeId: lone.id, ...period });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('BINA_ERR_MENTORING_NO_SUPERVISOR');
    });

    it('does answer 404 for a pair one is not in, and 400 on bad input', async () => {
      const { mentee } = await team();
      const pair = (await mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: mentee.id, ...period })).body.pair;
      const stranger = await createUser(env, 'learner');
      expect((await stranger.api.get(`/api/v1/activity-mentoring/pairs/${pair.id}`)).status).to.equal(404);
      expect((await stranger.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, session())).status).to.equal(404);
      expect((await mentee.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, { ...session(), minutes: 0 })).status).to.equal(400);
      expect((await mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: 'x', ...period })).status).to.equal(400);
    });
  });

  describe('sign-off', () => {
    async function pairOf() {
      const t = await team();
      const pair = (await t.mentee.api.post('/api/v1/activity-mentoring/pairs', { menteeId: t.mentee.id, ...period })).body.pair;
      return { ...t, pair };
    }

    it('does let no one sign off their own session', async () => {
      const { supervisor, mentee, pair } = await pairOf();
      const byMentee = (await mentee.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, session())).body.session;
      const own = await mentee.api.post(`/api/v1/activity-mentoring/sessions/${byMentee.id}/confirm`, {});
      expect(own.status).to.equal(403);
      expect(own.body.error.code).to.equal('BINA_ERR_MENTORING_OWN_SESSION');
      const byMentor = (await supervisor.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, session())).body.session;
      expect((await supervisor.api.post(`/api/v1/activity-mentoring/sessions/${byMentor.id}/confirm`, {})).status).to.equal(403);
      const stranger = await createUser(env, 'learner');
      expect((await stranger.api.post(`/api/v1/activity-mentoring/sessions/${byMentee.id}/confirm`, {})).status).to.equal(404);
    });

    it('does log a session once when the same form is sent twice', async () => {
      const { mentee, pair } = await pairOf();
      const s = session();
      const a = await mentee.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, s);
      const b = await mentee.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, s);
      expect(a.body.session.id).to.equal(b.body.session.id);
    });

    it('does credit the mentee the session JP once on the mentor sign-off, also when signed twice at once', async () => {
      const { supervisor, mentee, pair } = await pairOf();
      const s = (await mentee.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, session(90))).body.session;
      const before = (await mentee.api.get('/api/v1/me/jp?year=2026')).body.total;
      const results = await Promise.all([1, 2, 3].map(() => supervisor.api.post(`/api/v1/activity-mentoring/sessions/${s.id}/confirm`, { notes: 'Bagus' })));
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409]);
      const signed = results.find((r) => r.status === 200)!.body.session;
      expect(signed.state).to.equal('signed');
      expect(signed.jp).to.equal(2); // 90 minutes at 45 minutes per JP
      const after = (await mentee.api.get('/api/v1/me/jp?year=2026')).body.total;
      expect(after - before).to.equal(2);
      expect((await supervisor.api.post(`/api/v1/activity-mentoring/sessions/${s.id}/confirm`, {})).status).to.equal(409);
      expect((await mentee.api.get('/api/v1/me/jp?year=2026')).body.total).to.equal(after);
    });

    it('does show the mentor the session waiting for sign-off', async () => {
      const { supervisor, mentee, pair } = await pairOf();
      const s = (await mentee.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, session())).body.session;
      const me = (await supervisor.api.get('/api/v1/activity-mentoring/me')).body;
      expect(me.waiting.map((w: { id: string }) => w.id)).to.include(s.id);
      expect(me.asMentor.map((p: { id: string }) => p.id)).to.include(pair.id);
      const mine = (await mentee.api.get('/api/v1/activity-mentoring/me')).body;
      expect(mine.asMentee.mentor.id).to.equal(supervisor.id);
      expect(mine.waiting).to.have.length(0);
    });
  });

  describe('demo data', () => {
    it('does seed a pair with a signed session and one waiting for the mentor', async () => {
      const r = await seedDemo(env.kernel);
      const link = r.links.find((l) => l.url.includes('/activity-mentoring/pairs/'));
      expect(link, JSON.stringify(r.links)).to.not.equal(undefined);
      const pairId = link!.url.split('/').pop()!;
      const Session = env.kernel.services.conn.collection('activity-mentoring_sessions');
      const states = (await Session.find({ pairId: new Types.ObjectId(pairId) }).toArray()).map((s) => s.state).sort();
      expect(states).to.deep.equal(['pending', 'signed']);
    });
  });
});
