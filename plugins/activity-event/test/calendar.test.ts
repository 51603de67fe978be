import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, startTestEnv, type TestEnv } from '../../../test/support/harness';

describe('calendar (activity-event with activity-mentoring)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ only: ['activity-event', 'activity-mentoring', 'certificate-openbadges', 'certificate-pdf'] });
  });
  after(() => env?.stop());

  it('does show a person their events and mentoring sessions in the month view and the iCal feed, at a secret revocable URL', async () => {
    const admin = await createUser(env, 'admin');
    const mentor = await createUser(env, 'learner', 'Andi');
    const me = await createUser(env, 'learner', 'Rizal');
    await env.kernel.identity.models.User.updateOne({ _id: me.id }, { $set: { supervisorId: new Types.ObjectId(mentor.id) } });
    const pair = (await me.api.post('/api/v1/activity-mentoring/pairs', { menteeId: me.id, startsOn: '2026-01-01', endsOn: '2027-12-31' })).body.pair;
    const held = new Date(Date.now() - 3600_000);
    await me.api.post(`/api/v1/activity-mentoring/pairs/${pair.id}/sessions`, { heldAt: held.toISOString(), minutes: 60, topic: 'Alur layanan; tahap 1', notes: '', clientKey: 'calendar-1' });
    const provider = (await admin.api.post('/api/v1/activity-event/providers', { name: 'Universitas Tadulako', kind: 'external', staffIds: [admin.id] })).body.provider;
    const start = new Date(Date.now() + 2 * 3600_000);
    const e = (await admin.api.post('/api/v1/activity-event/events', { providerId: provider.id, title: 'Seminar Kalender', kind: 'seminar', jp: 2, capacity: 5, sessions: [{ startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), place: 'Aula, lantai 2' }] })).body.event;
    await me.api.post(`/api/v1/activity-event/events/${e.id}/register`);

    const months = [...new Set([held, start].map((d) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 7)))];
    let html = '';
    for (const m of months) html += String((await me.api.request('GET', `/activity-event/calendar?month=${m}`, undefined, { accept: 'text/html' })).body);
    expect(html).to.contain('Seminar Kalender');
    expect(html).to.contain('Mentoring: Alur layanan; tahap 1');
    const feedUrl = /data-testid="feed-url"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="feed-url"/.exec(html);
    const url = new URL((feedUrl?.[1] ?? feedUrl?.[2])!);
    const ics = await fetch(`${env.url}${url.pathname}`);
    expect(ics.status).to.equal(200);
    expect(ics.headers.get('content-type')).to.contain('text/calendar');
    const text = await ics.text();
    expect(text).to.contain('BEGIN:VCALENDAR');
    expect(text).to.contain('SUMMARY:Seminar Kalender');
    expect(text).to.contain('LOCATION:Aula\\, lantai 2');
    expect(text).to.contain('SUMMARY:Mentoring: Alur layanan\\; tahap 1 (Andi)');
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).to.equal(true);
    // A made-up token finds nothing, answered with the API's error envelope like every API 404 (ADR 0062).
    const unknown = await fetch(`${env.url}/api/v1/activity-event/ical/${'x'.repeat(32)}`);
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get('content-type')).to.match(/^application\/json/);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).to.equal('BINA_ERR_HTTP_NOT_FOUND');
    // A new link revokes the old one.
    const page = await me.api.request('POST', '/activity-event/calendar/feed', '', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(page.status).to.equal(303);
    expect((await fetch(`${env.url}${url.pathname}`)).status).to.equal(404);
  });
});
