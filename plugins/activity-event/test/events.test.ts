import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, seedDemo, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../../../test/support/harness';
import { codeFor, periodOf } from '../checkin-codes';

describe('activity-event', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let admin: TestUser;
  before(async () => {
    env = await startTestEnv({ only: ['activity-event', 'certificate-openbadges', 'certificate-pdf', 'notify-inbox'] });
    admin = await createUser(env, 'admin');
  });
  after(() => env?.stop());

  const hour = 3600_000;
  async function provider(name: string, staff: TestUser[], kind: 'external' | 'unit' = 'external') {
    const r = await admin.api.post('/api/v1/activity-event/providers', { name, kind, staffIds: staff.map((s) => s.id) });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.provider.id as string;
  }
  async function event(organiser: TestUser, providerId: string, over: Record<string, unknown> = {}) {
    const start = Date.now() + 2 * hour;
    const r = await organiser.api.post('/api/v1/activity-event/events', {
      providerId, title: 'Seminar Pelayanan Publik', kind: 'seminar', jp: 4, capacity: 30,
      sessions: [
        { startsAt: new Date(start).toISOString(), endsAt: new Date(start + hour).toISOString(), place: 'Aula' },
        { startsAt: new Date(start + 24 * hour).toISOString(), endsAt: new Date(start + 25 * hour).toISOString(), place: '', link: 'https://meet.example.go.id/x' },
      ],
      ...over,
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.event as { id: string; sessions: Array<{ key: string }> };
  }
  const secret = async () => (await env.kernel.services.conn.collection('activity-event_secrets').findOne({ _id: 'checkin' as never }))?.value as string;
  async function currentCode(organiser: TestUser, eventId: string, key: string) {
    const r = await organiser.api.get(`/api/v1/activity-event/events/${eventId}/sessions/${key}/code`);
    expect(r.status).to.equal(200);
    const u = new URL(r.body.url);
    return { period: Number(u.searchParams.get('p')), code: u.searchParams.get('c')!, svg: r.body.svg as string, url: r.body.url as string };
  }

  describe('organisers', () => {
    it('does show an external organiser only their own provider’s events and participants', async () => {
      const uni = await createUser(env, 'learner', 'Staf Universitas');
      const other = await createUser(env, 'learner', 'Staf Lain');
      const pUni = await provider('Universitas Tadulako', [uni]);
      const pOther = await provider('Politeknik Lain', [other]);
      const mine = await event(uni, pUni, { published: false });
      const theirs = await event(other, pOther, { published: false });
      expect((await uni.api.post('/api/v1/activity-event/events', { providerId: pOther, title: 'Bukan milik saya', kind: 'seminar', jp: 1, capacity: 1, sessions: [{ startsAt: new Date(Date.now() + hour).toISOString(), endsAt: new Date(Date.now() + 2 * hour).toISOString(), place: 'X' }] })).status).to.equal(403);
      const list = (await uni.api.get('/api/v1/activity-event/events')).body;
      expect(list.organised.map((e: { id: string }) => e.id)).to.deep.equal([mine.id]);
      expect((await uni.api.get(`/api/v1/activity-event/events/${theirs.id}`)).status).to.equal(404);
      expect((await uni.api.get(`/api/v1/activity-event/events/${theirs.id}/participants`)).status).to.equal(404);
      expect((await uni.api.get(`/api/v1/activity-event/events/${theirs.id}/sessions/s1/code`)).status).to.equal(404);
      expect((await uni.api.request('GET', `/activity-event/events/${theirs.id}/manage`, undefined, { accept: 'text/html' })).status).to.equal(404);
      expect((await uni.api.get(`/api/v1/activity-event/events/${mine.id}/participants`)).status).to.equal(200);
      // A published event of another provider is visible to read, but not to manage.
      const open = await event(other, pOther);
      expect((await uni.api.get(`/api/v1/activity-event/events/${open.id}`)).status).to.equal(200);
      expect((await uni.api.get(`/api/v1/activity-event/events/${open.id}/participants`)).status).to.equal(404);
    });

    it('does refuse bad input with 400 and anonymous callers with 401', async () => {
      const staff = await createUser(env, 'learner');
      const p = await provider('BKPSDM Bangkom', [staff], 'external');
      expect((await staff.api.post('/api/v1/activity-event/events', { providerId: p, title: 'x', kind: 'seminar', jp: 1, capacity: 0, sessions: [] })).status).to.equal(400);
      const bad = await staff.api.post('/api/v1/activity-event/events', { providerId: p, title: 'Sesi terbalik', kind: 'seminar', jp: 1, capacity: 1, sessions: [{ startsAt: new Date(Date.now() + 2 * hour).toISOString(), endsAt: new Date(Date.now() + hour).toISOString(), place: 'X' }] });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('BINA_ERR_EVENT_SESSIONS');
      const anon = await fetch(`${env.url}/api/v1/activity-event/events`);
      expect(anon.status).to.equal(401);
    });
    it('does serve the new-event form and create an event from it, or show the reasons beside the fields', async () => {
      const staff = await createUser(env, 'learner');
      await provider('Penyelenggara Formulir', [staff]);
      const form = await staff.api.request('GET', '/activity-event/events/new', undefined, { accept: 'text/html' });
      expect(form.status).to.equal(200);
      const providerId = /<option value="([a-f0-9]{24})" selected>/.exec(String(form.body))![1]!;
      const post = (fields: Record<string, string>) => staff.api.request('POST', '/activity-event/events', new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      const bad = await post({ providerId, title: 'x', kind: 'seminar', jp: '2', capacity: '10', minAttendancePct: '100', startsAt: '2030-01-02T09:00', endsAt: '2030-01-02T08:00', place: 'Aula' });
      expect(bad.status).to.equal(400);
      expect(String(bad.body)).to.contain('Judul 3 sampai 200 karakter');
      expect(String(bad.body)).to.contain('selesai setelah mulai');
      const ok = await post({ providerId, title: 'Bimtek SIASN', kind: 'bimtek', jp: '3', capacity: '10', minAttendancePct: '100', startsAt: '2030-01-02T09:00', endsAt: '2030-01-02T12:00', place: 'Aula', published: 'on' });
      expect(ok.status).to.equal(303);
      expect(ok.headers.get('location')).to.match(/^\/activity-event\/events\/[a-f0-9]{24}\/manage$/);
    });
  });

  describe('registration', () => {
    it('does hold the capacity under concurrent registrations and put the rest on the waiting list', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara Kapasitas', [org]), { capacity: 3 });
      const people = await Promise.all(Array.from({ length: 9 }, (_, i) => createUser(env, 'learner', `Peserta ${i}`)));
      const states = await Promise.all(people.map(async (p) => (await p.api.post(`/api/v1/activity-event/events/${e.id}/register`)).body.state));
      expect(states.filter((s) => s === 'registered').length).to.be.at.most(3);
      // Someone answered "waiting" may have been seated a moment later by a concurrent request (and told in the inbox).
      const seats = await env.kernel.services.conn.collection('activity-event_seats').countDocuments({ eventId: new Types.ObjectId(e.id) });
      expect(seats).to.equal(3);
      const list = (await org.api.get(`/api/v1/activity-event/events/${e.id}/participants`)).body;
      expect(list.registered).to.have.length(3);
      expect(list.waiting).to.have.length(6);
      const seated = new Set(list.registered);
      for (const [i, p] of people.entries()) if (states[i] === 'registered') expect(seated.has(p.id)).to.equal(true);
    });

    it('does promote the first person waiting when someone cancels, and tells them in the inbox', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara Tunggu', [org]), { capacity: 1 });
      const [a, b, c] = await Promise.all([1, 2, 3].map((i) => createUser(env, 'learner', `Antre ${i}`)));
      expect((await a!.api.post(`/api/v1/activity-event/events/${e.id}/register`)).body.state).to.equal('registered');
      expect((await b!.api.post(`/api/v1/activity-event/events/${e.id}/register`)).body.state).to.equal('waiting');
      expect((await c!.api.post(`/api/v1/activity-event/events/${e.id}/register`)).body.state).to.equal('waiting');
      expect((await a!.api.post(`/api/v1/activity-event/events/${e.id}/cancel`)).status).to.equal(200);
      expect((await b!.api.get(`/api/v1/activity-event/events/${e.id}`)).body.state).to.equal('registered');
      expect((await c!.api.get(`/api/v1/activity-event/events/${e.id}`)).body.state).to.equal('waiting');
      const inbox = await waitFor(async () => {
        const r = await b!.api.get('/api/v1/notify-inbox/notices');
        return (r.body.notices as Array<{ message: string; href: string }>)?.find((n) => n.href === `/activity-event/events/${e.id}`);
      }, 'the promotion notice');
      expect(inbox.message).to.contain('Seminar Pelayanan Publik');
      // Registering again after cancelling goes to the back of the queue.
      expect((await a!.api.post(`/api/v1/activity-event/events/${e.id}/register`)).body.state).to.equal('waiting');
    });

    it('does refuse people outside the event’s units or positions', async () => {
      const org = await createUser(env, 'learner');
      const unit = await env.kernel.identity.models.Unit.create({ code: `EV-${Date.now()}`, name: 'Dinas Kesehatan' });
      const e = await event(org, await provider('Penyelenggara Terbatas', [org]), { restrictUnitIds: [String(unit._id)], restrictPositionTypes: ['fungsional'] });
      const inside = await createUser(env, 'learner');
      await env.kernel.identity.models.User.updateOne({ _id: inside.id }, { $set: { unitId: unit._id, positionType: 'fungsional' } });
      const wrongPosition = await createUser(env, 'learner');
      await env.kernel.identity.models.User.updateOne({ _id: wrongPosition.id }, { $set: { unitId: unit._id, positionType: 'pelaksana' } });
      const outside = await createUser(env, 'learner');
      expect((await inside.api.post(`/api/v1/activity-event/events/${e.id}/register`)).body.state).to.equal('registered');
      const r1 = await wrongPosition.api.post(`/api/v1/activity-event/events/${e.id}/register`);
      expect(r1.status).to.equal(403);
      expect(r1.body.error.code).to.equal('BINA_ERR_EVENT_RESTRICTED');
      expect((await outside.api.post(`/api/v1/activity-event/events/${e.id}/register`)).status).to.equal(403);
    });
  });

  describe('check-in codes', () => {
    it('does accept the current code once and refuse it replayed, expired, from another session or forged', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara Kode', [org]));
      const p = await createUser(env, 'learner', 'Peserta Kode');
      await p.api.post(`/api/v1/activity-event/events/${e.id}/register`);
      const c = await currentCode(org, e.id, 's1');
      expect(c.svg).to.contain('<svg');
      const ok = await p.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's1', period: c.period, code: c.code });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      const replay = await p.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's1', period: c.period, code: c.code });
      expect(replay.body.error.code).to.equal('BINA_ERR_EVENT_CODE_REPLAYED');
      const old = periodOf(new Date(), 30) - 3;
      const expired = await p.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's2', period: old, code: codeFor(await secret(), e.id, 's2', old) });
      expect(expired.status).to.equal(410);
      expect(expired.body.error.code).to.equal('BINA_ERR_EVENT_CODE_EXPIRED');
      const s2 = await currentCode(org, e.id, 's2');
      const other = await p.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's1', period: s2.period, code: s2.code });
      expect(other.body.error.code).to.equal('BINA_ERR_EVENT_CODE_OTHER_SESSION');
      const forged = await p.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's2', period: s2.period, code: 'A'.repeat(22) });
      expect(forged.body.error.code).to.equal('BINA_ERR_EVENT_CODE_INVALID');
      const html = await p.api.request('GET', `/activity-event/checkin/${e.id}/s1?p=${old}&c=${codeFor(await secret(), e.id, 's1', old)}`, undefined, { accept: 'text/html' });
      expect(html.status).to.equal(410);
      expect(String(html.body)).to.contain('kedaluwarsa');
      const stranger = await createUser(env, 'learner');
      const notRegistered = await stranger.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's2', period: s2.period, code: s2.code });
      expect(notRegistered.body.error.code).to.equal('BINA_ERR_EVENT_NOT_REGISTERED');
    });
  });

  describe('editing an event', () => {
    const register = async (u: TestUser, eventId: string) => (await u.api.post(`/api/v1/activity-event/events/${eventId}/register`)).body.state as string;
    const stateOf = async (u: TestUser, eventId: string) => (await u.api.get(`/api/v1/activity-event/events/${eventId}`)).body.state as string;
    async function edit(u: TestUser, eventId: string, change: Record<string, unknown>) {
      const cur = (await u.api.get(`/api/v1/activity-event/events/${eventId}`)).body.event;
      const body = {
        title: cur.title, description: cur.description, kind: cur.kind, jp: cur.jp, competencies: cur.competencies, capacity: cur.capacity,
        minAttendancePct: cur.minAttendancePct, restrictPositionTypes: cur.restrictPositionTypes, published: cur.published,
        sessions: cur.sessions.map((x: { key: string; startsAt: string; endsAt: string; place: string; link: string }) => ({ key: x.key, startsAt: x.startsAt, endsAt: x.endsAt, place: x.place, link: x.link })),
        ...change,
      };
      return u.api.put(`/api/v1/activity-event/events/${eventId}`, body);
    }

    it('does let only the event’s own organisers edit it, never moving it to another provider', async () => {
      const org = await createUser(env, 'learner', 'Staf Edit');
      const other = await createUser(env, 'learner', 'Staf Lain Edit');
      const e = await event(org, await provider('Penyelenggara Edit', [org]));
      await provider('Penyelenggara Lain Edit', [other]);
      expect((await edit(other, e.id, { title: 'Diambil alih' })).status).to.equal(404);
      expect((await edit(org, e.id, { providerId: String(new Types.ObjectId()) })).status).to.equal(400);
      expect((await edit(org, e.id, { jp: 0 })).status).to.equal(400);
      const r = await edit(org, e.id, { title: 'Seminar Pelayanan Publik Digital', description: 'Baru', jp: 6, competencies: ['M1'] });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.event).to.include({ title: 'Seminar Pelayanan Publik Digital', description: 'Baru', jp: 6 });
      expect(r.body.event.competencies).to.deep.equal(['M1']);
      expect((await admin.api.put(`/api/v1/activity-event/events/${e.id}`, { ...r.body.event, id: undefined })).status).to.equal(400);
      const audit = await env.kernel.services.conn.collection('core_audit').find({ action: 'activity-event:audit.eventUpdated', 'subject.id': e.id }).toArray();
      expect(audit).to.have.length(1);
      expect(audit[0]!.before.jp).to.equal(4);
      expect(audit[0]!.after.jp).to.equal(6);
    });

    it('does never un-seat registered people when the capacity goes down, and seats the waiting list when it goes up', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara Kapasitas', [org]), { capacity: 3 });
      const people = await Promise.all([1, 2, 3, 4, 5].map((i) => createUser(env, 'learner', `Kursi ${i}`)));
      const [a, b, c, d, f] = people as [TestUser, TestUser, TestUser, TestUser, TestUser];
      for (const p of [a, b, c]) expect(await register(p, e.id)).to.equal('registered');
      expect(await register(d, e.id)).to.equal('waiting');
      // Seat 1 freed: the holes must be filled by moving seats down, not by the queue, once capacity drops.
      expect((await a.api.post(`/api/v1/activity-event/events/${e.id}/cancel`)).status).to.equal(200);
      expect(await stateOf(d, e.id)).to.equal('registered');
      let r = await edit(org, e.id, { capacity: 1 });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.effects).to.deep.equal({ overCapacity: 2, promoted: 0 });
      for (const p of [b, c, d]) expect(await stateOf(p, e.id)).to.equal('registered');
      expect(await register(f, e.id)).to.equal('waiting');
      const seats = await env.kernel.services.conn.collection('activity-event_seats').find({ eventId: new Types.ObjectId(e.id) }).toArray();
      expect(seats.map((x) => x.seat).sort()).to.deep.equal([1, 2, 3]);
      // One of three leaves with capacity 1: still over, nobody is promoted.
      expect((await b.api.post(`/api/v1/activity-event/events/${e.id}/cancel`)).status).to.equal(200);
      expect(await stateOf(f, e.id)).to.equal('waiting');
      expect((await admin.api.get(`/api/v1/activity-event/events/${e.id}/participants`)).body.registered).to.have.length(2);
      // Raised to 3: the first waiting gets the free seat at once, and is told.
      r = await edit(org, e.id, { capacity: 3 });
      expect(r.body.effects).to.deep.equal({ overCapacity: 0, promoted: 1 });
      expect(await stateOf(f, e.id)).to.equal('registered');
      await waitFor(async () => ((await f.api.get('/api/v1/notify-inbox/notices')).body.notices as Array<{ href: string }>)?.some((n) => n.href === `/activity-event/events/${e.id}`), 'the promotion notice');
    });

    it('does tell everyone registered, seated or waiting, once per change of a session\'s time or place, and nobody of other edits', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara Jadwal', [org]), { capacity: 1, title: 'Bimtek Jadwal Berubah' });
      const [seated, waiting, gone] = await Promise.all([1, 2, 3].map((i) => createUser(env, 'learner', `Jadwal ${i}`)));
      expect(await register(seated!, e.id)).to.equal('registered');
      expect(await register(waiting!, e.id)).to.equal('waiting');
      expect(await register(gone!, e.id)).to.equal('waiting');
      expect((await gone!.api.post(`/api/v1/activity-event/events/${e.id}/cancel`)).status).to.equal(200);
      const changedNotices = async (u: TestUser) => ((await u.api.get('/api/v1/notify-inbox/notices')).body.notices as Array<{ id: string; message: string; href: string }>).filter((n) => n.id.startsWith('event-changed:'));
      const queue = env.kernel.services.queues.queue('activity-event.change-notices');
      const drained = () => waitFor(async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed');
        return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
      }, 'the change notices to be sent');

      // Title and capacity: no schedule change, no job.
      expect((await edit(org, e.id, { title: 'Bimtek Jadwal Berubah (revisi)', capacity: 2 })).status).to.equal(200);
      expect(await queue.count()).to.equal(0);
      // A session moved an hour later: one notice each for the two still registered.
      const cur = (await org.api.get(`/api/v1/activity-event/events/${e.id}`)).body.event;
      const moved = cur.sessions.map((x: { key: string; startsAt: string; endsAt: string; place: string; link: string }, i: number) => (i === 0 ? { ...x, startsAt: new Date(Date.parse(x.startsAt) + hour).toISOString(), endsAt: new Date(Date.parse(x.endsAt) + hour).toISOString() } : x));
      expect((await edit(org, e.id, { sessions: moved })).status).to.equal(200);
      await drained();
      for (const u of [seated!, waiting!]) {
        const mine = await waitFor(async () => ((await changedNotices(u)).length ? changedNotices(u) : null), 'the change notice');
        expect(mine).to.have.length(1);
        expect(mine[0]!.message).to.contain('Bimtek Jadwal Berubah (revisi)');
        expect(mine[0]!.href).to.equal(`/activity-event/events/${e.id}`);
      }
      expect(await changedNotices(gone!)).to.deep.equal([]);
      // The same form sent again changes nothing and tells nobody; a new place is a second change.
      expect((await edit(org, e.id, { sessions: moved })).status).to.equal(200);
      expect((await edit(org, e.id, { sessions: moved.map((x: { place: string }, i: number) => (i === 0 ? { ...x, place: 'Aula Lantai 3' } : x)) })).status).to.equal(200);
      await drained();
      for (const u of [seated!, waiting!]) expect(await waitFor(async () => ((await changedNotices(u)).length === 2 ? changedNotices(u) : null), 'the second change notice')).to.have.length(2);
      // The job run again (BullMQ retries) adds no notice: they are keyed by change and person.
      const job = (await queue.getCompleted())[0]!;
      await env.kernel.services.queues.requeue('activity-event.change-notices', job.data, { key: job.id! });
      await drained();
      expect(await changedNotices(seated!)).to.have.length(2);
      const events = env.kernel.services.conn.collection('activity-event_events');
      expect((await events.findOne({ _id: new Types.ObjectId(e.id) }))!.scheduleChange, 'sent changes are cleared').to.equal(undefined);

      // An edit whose process died after saving a change, before enqueueing its notices: the
      // recovery job sends them once the change is older than its grace period.
      await events.updateOne({ _id: new Types.ObjectId(e.id) }, { $set: { 'sessions.0.place': 'Aula Lantai 4', scheduleChange: { id: new Types.ObjectId().toHexString(), at: new Date(Date.now() - 6 * 60_000) } } });
      await env.kernel.services.queues.enqueue('activity-event.recover-change-notices', {}, { key: 'test-recover-changes' });
      await waitForJob(env, 'activity-event.recover-change-notices', 'test-recover-changes');
      for (const u of [seated!, waiting!]) expect(await waitFor(async () => ((await changedNotices(u)).length === 3 ? changedNotices(u) : null), 'the recovered change notice')).to.have.length(3);
      await waitFor(async () => (await events.findOne({ _id: new Types.ObjectId(e.id) }))!.scheduleChange === undefined, 'the recovered change to be cleared');
    });

    it('does keep attendance with its session when sessions change, and refuses removing an attended one', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara Sesi', [org]));
      const p = await createUser(env, 'learner', 'Peserta Sesi');
      expect(await register(p, e.id)).to.equal('registered');
      expect((await org.api.post(`/api/v1/activity-event/events/${e.id}/sessions/s2/attendance`, { userId: p.id, present: true })).status).to.equal(200);
      const cur = (await org.api.get(`/api/v1/activity-event/events/${e.id}`)).body.event;
      const [s1, s2] = cur.sessions;
      // Remove s2 (attended): refused with the reason.
      const refused = await edit(org, e.id, { sessions: [s1] });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('BINA_ERR_EVENT_SESSION_ATTENDED');
      // Move s2 before s1, drop s1, add a new one: s2 keeps its key and attendance; the new one gets a free key.
      const early = Date.now() + hour;
      const r = await edit(org, e.id, {
        sessions: [
          { key: 's2', startsAt: new Date(early).toISOString(), endsAt: new Date(early + hour).toISOString(), place: 'Ruang Rapat 2', link: '' },
          { startsAt: new Date(early + 48 * hour).toISOString(), endsAt: new Date(early + 49 * hour).toISOString(), place: '', link: 'https://meet.example.go.id/y' },
        ],
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.event.sessions.map((x: { key: string; place: string }) => [x.key, x.place])).to.deep.equal([['s2', 'Ruang Rapat 2'], ['s1', '']]);
      expect(s2.key).to.equal('s2');
      expect((await p.api.get(`/api/v1/activity-event/events/${e.id}`)).body.attended).to.deep.equal(['s2']);
    });
  });

  describe('attendance credit', () => {
    it('does credit the event JP once when every session is attended, audit manual marks, and issue a certificate of attendance', async () => {
      const org = await createUser(env, 'learner');
      const e = await event(org, await provider('Penyelenggara JP', [org]));
      const p = await createUser(env, 'learner', 'Peserta JP');
      await p.api.post(`/api/v1/activity-event/events/${e.id}/register`);
      const jp0 = (await p.api.get('/api/v1/me/jp')).body.total;
      const s1 = await currentCode(org, e.id, 's1');
      await p.api.post('/api/v1/activity-event/checkin', { eventId: e.id, sessionKey: 's1', period: s1.period, code: s1.code });
      expect((await p.api.get('/api/v1/me/jp')).body.total).to.equal(jp0);
      const stranger = await createUser(env, 'learner');
      expect((await stranger.api.post(`/api/v1/activity-event/events/${e.id}/sessions/s2/attendance`, { userId: p.id, present: true })).status).to.equal(404);
      expect((await org.api.post(`/api/v1/activity-event/events/${e.id}/sessions/s2/attendance`, { userId: p.id, present: true })).status).to.equal(200);
      expect((await org.api.post(`/api/v1/activity-event/events/${e.id}/sessions/s2/attendance`, { userId: p.id, present: true })).status).to.equal(200);
      expect((await p.api.get('/api/v1/me/jp')).body.total).to.equal(jp0 + 4);
      const audit = await env.kernel.services.conn.collection('core_audit').find({ action: 'activity-event:audit.markedPresent', 'subject.id': `${e.id}-s2-${p.id}` }).toArray();
      expect(audit).to.have.length(1);
      // Unmarking and marking again credits nothing more.
      await org.api.post(`/api/v1/activity-event/events/${e.id}/sessions/s2/attendance`, { userId: p.id, present: false });
      await org.api.post(`/api/v1/activity-event/events/${e.id}/sessions/s2/attendance`, { userId: p.id, present: true });
      expect((await p.api.get('/api/v1/me/jp')).body.total).to.equal(jp0 + 4);
      const cert = await waitFor(async () => {
        const r = await p.api.get('/api/v1/certificate-openbadges/me/certificates');
        return (r.body.certificates as Array<{ achievement?: { name: string }; name?: string; state: string }> | undefined)?.find((c) => JSON.stringify(c).includes('Sertifikat Kehadiran'));
      }, 'the certificate of attendance', 60_000);
      expect(JSON.stringify(cert)).to.contain('Seminar Pelayanan Publik');
    });
  });

  it('does seed an upcoming workshop by an external provider with a registered participant', async () => {
    const r = await seedDemo(env.kernel);
    const link = r.links.find((l) => l.url.includes('/activity-event/events/'));
    expect(link, JSON.stringify(r.links)).to.not.equal(undefined);
    const eventId = link!.url.split('/').pop()!;
    const e = await env.kernel.services.conn.collection('activity-event_events').findOne({ _id: new Types.ObjectId(eventId) });
    expect(e!.kind).to.equal('workshop');
    expect(e!.sessions[0].startsAt.getTime()).to.be.greaterThan(Date.now());
    const provider = await env.kernel.services.conn.collection('activity-event_providers').findOne({ _id: e!.providerId });
    expect(provider!.kind).to.equal('external');
    expect(await env.kernel.services.conn.collection('activity-event_seats').countDocuments({ eventId: e!._id })).to.be.at.least(1);
  });
});
