import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, seedDemo, startTestEnv, type TestEnv } from '../../../test/support/harness';

const PDF = '%PDF-1.4\n%%EOF\n';

describe('activity-latsar', function () {
  this.timeout(60_000);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ only: ['activity-latsar'] });
  });
  after(() => env?.stop());

  async function cohort() {
    const admin = await createUser(env, 'admin');
    const [participant, supervisor, coach, penguji, other] = await Promise.all(['Peserta', 'Atasan', 'Coach', 'Penguji', 'Peserta lain'].map((n) => createUser(env, 'learner', n)));
    await env.kernel.identity.models.User.updateOne({ _id: participant!.id }, { $set: { supervisorId: new Types.ObjectId(supervisor!.id) } });
    const r = await admin.api.post('/api/v1/activity-latsar/participants', { userId: participant!.id, cohort: 'Angkatan I', coachId: coach!.id, pengujiId: penguji!.id });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return { admin, participant: participant!, supervisor: supervisor!, coach: coach!, penguji: penguji!, other: other!, id: r.body.participant.id as string };
  }
  const upload = (u: { api: { request: (m: string, p: string, b?: unknown, h?: Record<string, string>) => Promise<{ status: number; body: any }> } }, id: string, which: string, body = PDF) =>
    u.api.request('PUT', `/api/v1/activity-latsar/participants/${id}/${which}?name=aktualisasi.pdf`, body, { 'content-type': 'application/pdf' });

  it('does let each role see only their own participants, with the supervisor as default mentor', async () => {
    const c = await cohort();
    const second = await cohort();
    for (const [who, role] of [[c.participant, 'participant'], [c.supervisor, 'mentor'], [c.coach, 'coach'], [c.penguji, 'penguji']] as const) {
      const mine = (await who.api.get('/api/v1/activity-latsar/mine')).body;
      expect(mine[role].map((p: { id: string }) => p.id), role).to.deep.equal([c.id]);
      expect((await who.api.get(`/api/v1/activity-latsar/participants/${second.id}`)).status, role).to.equal(404);
    }
    expect((await c.other.api.get(`/api/v1/activity-latsar/participants/${c.id}`)).status).to.equal(404);
    expect((await c.other.api.request('GET', `/activity-latsar/participants/${c.id}/files/plan/rancangan-aktualisasi.pdf`, undefined, { accept: 'text/html' })).status).to.equal(404);
    expect((await c.participant.api.post('/api/v1/activity-latsar/participants', { userId: c.other.id, cohort: 'X', coachId: c.coach.id, pengujiId: c.penguji.id })).status).to.equal(403);
  });

  it('does walk plan, review, report, seminar and rubric score, each step by its role only, to a result in the programme band', async () => {
    const c = await cohort();
    expect((await upload(c.coach, c.id, 'plan')).status).to.equal(403);
    expect((await upload(c.participant, c.id, 'plan', 'not a pdf')).status).to.equal(415);
    expect((await upload(c.participant, c.id, 'report')).status).to.equal(409);
    const up = await upload(c.participant, c.id, 'plan');
    expect(up.status, JSON.stringify(up.body)).to.equal(200);
    expect(up.body.participant.stage).to.equal('plan-review');
    const file = await c.coach.api.request('GET', `/activity-latsar/participants/${c.id}/files/plan/rancangan-aktualisasi.pdf`, undefined, { accept: 'application/pdf' });
    expect(file.status).to.equal(200);
    expect(String(file.body)).to.contain('%PDF');
    expect((await c.coach.api.post(`/api/v1/activity-latsar/participants/${c.id}/comments`, { text: 'Perjelas kegiatan 3.' })).status).to.equal(201);
    expect((await c.participant.api.post(`/api/v1/activity-latsar/participants/${c.id}/comments`, { text: 'Saya sendiri' })).status).to.equal(403);
    expect((await c.penguji.api.post(`/api/v1/activity-latsar/participants/${c.id}/approve-plan`)).status).to.equal(403);
    expect((await c.coach.api.post(`/api/v1/activity-latsar/participants/${c.id}/approve-plan`)).status).to.equal(200);
    expect((await upload(c.participant, c.id, 'report')).body.participant.stage).to.equal('report-review');
    expect((await c.coach.api.post(`/api/v1/activity-latsar/participants/${c.id}/seminar`, { at: '2026-12-20T02:00:00Z', place: 'Aula' })).status).to.equal(200);
    expect((await c.coach.api.post(`/api/v1/activity-latsar/participants/${c.id}/scores`, { scores: { substansi: 80, 'nilai-dasar': 80, penyajian: 80 } })).status).to.equal(403);
    expect((await c.penguji.api.post(`/api/v1/activity-latsar/participants/${c.id}/scores`, { scores: { substansi: 80 } })).status).to.equal(400);
    // (85×40 + 78×35 + 90×25) / 100 = 83.80 → Memuaskan (80.01–90.00), passed
    const scored = await c.penguji.api.post(`/api/v1/activity-latsar/participants/${c.id}/scores`, { scores: { substansi: 85, 'nilai-dasar': 78, penyajian: 90 } });
    expect(scored.status, JSON.stringify(scored.body)).to.equal(200);
    expect(scored.body.participant.result).to.deep.equal({ score: 83.8, band: 'Memuaskan', passed: true });
    expect((await c.penguji.api.post(`/api/v1/activity-latsar/participants/${c.id}/scores`, { scores: { substansi: 100, 'nilai-dasar': 100, penyajian: 100 } })).status).to.equal(409);
    const seen = (await c.participant.api.get(`/api/v1/activity-latsar/participants/${c.id}`)).body;
    expect(seen.participant.result.score).to.equal(83.8);
    expect(seen.comments.map((x: { text: string }) => x.text)).to.deep.equal(['Perjelas kegiatan 3.']);
  });

  it('does post the plan as a plain multipart form (no JavaScript) and say why a wrong or missing file is refused', async () => {
    const c = await cohort();
    const form = (file?: { name: string; bytes: string }) => {
      const fd = new FormData();
      if (file) fd.set('file', new Blob([file.bytes], { type: 'application/pdf' }), file.name);
      return fetch(`${env.url}/activity-latsar/participants/${c.id}/files/plan`, { method: 'POST', body: fd, headers: { authorization: `Bearer ${c.participant.token}`, accept: 'text/html' }, redirect: 'manual' });
    };
    const missing = await form();
    expect(missing.status).to.equal(400);
    expect(await missing.text()).to.contain('Pilih berkas PDF untuk diunggah.');
    const wrong = await form({ name: 'rancangan.pdf', bytes: 'bukan pdf' });
    expect(wrong.status).to.equal(415);
    expect(await wrong.text()).to.contain('Unggah berkas PDF.');
    const ok = await form({ name: 'Rancangan Aktualisasi.pdf', bytes: PDF });
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal(`/activity-latsar/participants/${c.id}?uploaded=plan`);
    const seen = (await c.coach.api.get(`/api/v1/activity-latsar/participants/${c.id}`)).body.participant;
    expect(seen).to.include({ stage: 'plan-review' });
    expect(seen.plan).to.include({ name: 'Rancangan Aktualisasi.pdf', size: PDF.length });
    const coachForm = await fetch(`${env.url}/activity-latsar/participants/${c.id}/files/report`, { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${c.coach.token}`, accept: 'text/html' }, redirect: 'manual' });
    expect(coachForm.status).to.equal(400);
  });

  it('does seed a Latsar participant whose plan is under the coach’s review', async () => {
    const r = await seedDemo(env.kernel);
    const link = r.links.find((l) => l.url.includes('/activity-latsar/participants/'));
    expect(link, JSON.stringify(r.links)).to.not.equal(undefined);
    const p = await env.kernel.services.conn.collection('activity-latsar_participants').findOne({ _id: new Types.ObjectId(link!.url.split('/').pop()!) });
    expect(p!.stage).to.equal('plan-review');
    expect(p!.plan.name).to.match(/Rancangan Aktualisasi/);
  });
});
