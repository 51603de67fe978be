/**
 * External JP claims, the compliance report and the reminders over HTTP against the real servers:
 * a claim with evidence (the file store), refused duplicates, who may decide (the claimant's direct
 * supervisor or an admin; not the claimant, another learner or a unit head), approval credits the
 * ledger and rejection carries a reason; a unit head's report covers their units and those below,
 * never another; reminders from October to ASN below target and their supervisors, once a month,
 * with the target from settings.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { sendJpReminders } from '../../src/learning/jp-ledger/jp-reminders';
import { createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('JP claims and reports', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let admin: TestUser;
  let supervisor: TestUser;
  let asn: TestUser;
  let colleague: TestUser;
  let head: TestUser;
  let headB: TestUser;
  let units: { agency: string; a: string; a1: string; b: string };

  async function claim(u: TestUser, fields: Record<string, string>, file: Buffer | null = PDF, name = 'sertifikat.pdf') {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    if (file) form.set('evidence', new Blob([file], { type: 'application/pdf' }), name);
    const res = await fetch(`${env.url}/api/v1/jp/claims`, { method: 'POST', headers: { authorization: `Bearer ${u.token}`, accept: 'application/json' }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  const seminar = { title: 'Seminar Nasional Pelayanan Publik', provider: 'LAN RI', kind: 'seminar', startDate: '2026-11-02', endDate: '2026-11-03', jp: '6' };

  async function setUser(u: TestUser, set: Record<string, unknown>) {
    await env.kernel.identity.models.User.updateOne({ _id: u.id }, { $set: set });
  }

  before(async () => {
    env = await startTestEnv({ only: ['notify-inbox'], env: { BINA_JP_TARGET_PNS: '7', BINA_JP_TARGET_PPPK: '9' } });
    admin = await createUser(env, 'admin');
    const Unit = env.kernel.identity.models.Unit;
    const agency = await Unit.create({ code: `AG-${Date.now()}`, name: 'Pemerintah Kabupaten Uji' });
    const a = await Unit.create({ code: `A-${Date.now()}`, name: 'Badan Kepegawaian', parentId: agency._id });
    const a1 = await Unit.create({ code: `A1-${Date.now()}`, name: 'Bidang Pengembangan', parentId: a._id });
    const b = await Unit.create({ code: `B-${Date.now()}`, name: 'Dinas Kesehatan', parentId: agency._id });
    units = { agency: String(agency._id), a: String(a._id), a1: String(a1._id), b: String(b._id) };
    supervisor = await createUser(env, 'learner', 'Atasan Langsung');
    asn = await createUser(env, 'learner', 'Pegawai Pengklaim');
    colleague = await createUser(env, 'learner', 'Rekan Kerja');
    head = await createUser(env, 'learner', 'Kepala Badan');
    headB = await createUser(env, 'learner', 'Kepala Dinas');
    await setUser(supervisor, { unitId: a._id });
    await setUser(asn, { unitId: a1._id, supervisorId: new Types.ObjectId(supervisor.id) });
    await setUser(colleague, { unitId: b._id });
    await setUser(head, { unitId: a._id, unitHeadOf: [a._id] });
    await setUser(headB, { unitId: b._id, unitHeadOf: [b._id] });
  });
  after(async () => env?.stop());

  describe('claiming', () => {
    it('records a claim with its evidence in the file store, waiting for approval', async () => {
      const r = await claim(asn, seminar);
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.claim).to.include({ status: 'pending', kind: 'seminar', mode: 'klasikal', jp: 6 });
      const doc = await env.kernel.jp.claims.Claim.findById(r.body.claim.id).lean();
      expect(await env.kernel.services.storage.stat(doc!.evidence.key)).to.include({ size: PDF.length });
      expect((await asn.api.get('/api/v1/jp/me?year=2026')).body.total).to.equal(0);
    });

    it('refuses a duplicate: same provider and title (any case and spacing), overlapping dates', async () => {
      const r = await claim(asn, { ...seminar, title: '  seminar nasional   PELAYANAN publik ', startDate: '2026-11-03', endDate: '2026-11-04' });
      expect(r.status).to.equal(409);
      expect(r.body.error.code).to.equal('BINA_ERR_JP_CLAIM_DUPLICATE');
      const other = await claim(asn, { ...seminar, provider: 'BPSDM Provinsi' });
      expect(other.status).to.equal(201);
      const later = await claim(asn, { ...seminar, startDate: '2026-11-10', endDate: '2026-11-10' });
      expect(later.status).to.equal(201);
    });

    it('refuses a claim without evidence, with evidence that is not a PDF or an image, or with dates backwards', async () => {
      expect((await claim(asn, { ...seminar, title: 'Tanpa bukti' }, null)).status).to.equal(400);
      const exe = await claim(asn, { ...seminar, title: 'Bukti palsu' }, Buffer.from('MZ\x90\x00 not a pdf'), 'bukti.pdf');
      expect(exe.status).to.equal(400);
      expect(exe.body.error.code).to.equal('BINA_ERR_JP_CLAIM_EVIDENCE');
      expect((await claim(asn, { ...seminar, title: 'Terbalik', startDate: '2026-11-05', endDate: '2026-11-01' })).status).to.equal(400);
    });
  });

  describe('deciding', () => {
    let claimId: string;
    before(async () => {
      const r = await claim(asn, { ...seminar, title: 'Bimtek Penyusunan SKP', kind: 'bimtek', jp: '5' });
      claimId = r.body.claim.id;
    });

    it('lets neither the claimant, another learner nor a unit head decide', async () => {
      const own = await asn.api.post(`/api/v1/jp/claims/${claimId}/decision`, { decision: 'approve' });
      expect(own.status).to.equal(403);
      expect(own.body.error.code).to.equal('BINA_ERR_JP_CLAIM_OWN');
      for (const u of [colleague, head, headB]) expect((await u.api.post(`/api/v1/jp/claims/${claimId}/decision`, { decision: 'approve' })).status).to.equal(403);
      expect((await env.kernel.jp.claims.get(claimId)).status).to.equal('pending');
    });

    it('shows the claim to the supervisor as waiting, and its evidence only to those who may see it', async () => {
      const pending = await supervisor.api.get('/api/v1/jp/claims/pending');
      expect(pending.body.toDecide.map((c: any) => c.id)).to.include(claimId);
      const evidence = (u: TestUser) => fetch(`${env.url}/jp/claims/${claimId}/evidence`, { headers: { authorization: `Bearer ${u.token}` } });
      const ok = await evidence(supervisor);
      expect(ok.status).to.equal(200);
      expect(Buffer.from(await ok.arrayBuffer()).equals(PDF)).to.equal(true);
      expect((await evidence(colleague)).status).to.equal(403);
      expect((await evidence(headB)).status).to.equal(403);
      expect((await evidence(head)).status).to.equal(200); // the claimant's unit is below the head's
    });

    it('approves once (the direct supervisor) and credits the ledger; a second decision is refused', async () => {
      const r = await supervisor.api.post(`/api/v1/jp/claims/${claimId}/decision`, { decision: 'approve' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.claim.status).to.equal('approved');
      // The supervisor's "a claim is waiting" notice is done with the decision.
      await waitFor(async () => (await env.kernel.services.conn.collection<{ _id: string; readAt: Date | null }>('notify-inbox_notices').findOne({ _id: `jp-claim-submitted:${claimId}` }))?.readAt != null, 'the claim notice marked read');
      const me = await asn.api.get('/api/v1/jp/me?year=2026');
      expect(me.body.total).to.equal(5);
      expect(me.body.byKind).to.deep.equal({ bimtek: 5 });
      expect(me.body.entries[0]).to.include({ source: 'claim', title: 'Bimtek Penyusunan SKP', provider: 'LAN RI' });
      const again = await admin.api.post(`/api/v1/jp/claims/${claimId}/decision`, { decision: 'reject', reason: 'terlambat' });
      expect(again.status).to.equal(409);
      expect((await asn.api.get('/api/v1/jp/me?year=2026')).body.total).to.equal(5);
    });

    it('rejects only with a reason (an admin may), credits nothing, and the training may be claimed again', async () => {
      const r = await claim(asn, { ...seminar, title: 'Workshop Manajemen ASN', kind: 'workshop', jp: '3' });
      const id = r.body.claim.id;
      expect((await admin.api.post(`/api/v1/jp/claims/${id}/decision`, { decision: 'reject' })).status).to.equal(400);
      const rejected = await admin.api.post(`/api/v1/jp/claims/${id}/decision`, { decision: 'reject', reason: 'Bukti tidak terbaca' });
      expect(rejected.body.claim).to.include({ status: 'rejected', reason: 'Bukti tidak terbaca' });
      expect((await asn.api.get('/api/v1/jp/me?year=2026')).body.total).to.equal(5);
      expect((await claim(asn, { ...seminar, title: 'Workshop Manajemen ASN', kind: 'workshop', jp: '3' })).status).to.equal(201);
    });

    it('tells the supervisor of a new claim and the claimant of the decision (inbox)', async () => {
      const notices = env.kernel.services.conn.collection('notify-inbox_notices');
      expect(await notices.countDocuments({ userId: new Types.ObjectId(supervisor.id), kind: 'jp-claim-submitted' })).to.be.greaterThan(0);
      expect(await notices.countDocuments({ userId: new Types.ObjectId(asn.id), kind: 'jp-claim-approved' })).to.equal(1);
      expect(await notices.countDocuments({ userId: new Types.ObjectId(asn.id), kind: 'jp-claim-rejected' })).to.equal(1);
    });
  });

  describe('compliance report and unit-head isolation', () => {
    it('gives a unit head their units and those below, never another unit', async () => {
      const r = await head.api.get('/api/v1/jp/report?year=2026');
      expect(r.status).to.equal(200);
      const names = r.body.people.map((p: any) => p.name);
      expect(names).to.include.members(['Pegawai Pengklaim', 'Atasan Langsung', 'Kepala Badan']);
      expect(names).to.not.include('Rekan Kerja');
      expect(names).to.not.include('Kepala Dinas');
      const below = await head.api.get(`/api/v1/jp/report?year=2026&unit=${units.a1}`);
      expect(below.body.people.map((p: any) => p.name)).to.deep.equal(['Pegawai Pengklaim']);
      expect((await head.api.get(`/api/v1/jp/report?year=2026&unit=${units.b}`)).status).to.equal(403);
      expect((await head.api.get(`/api/v1/jp/report?year=2026&unit=${units.agency}`)).status).to.equal(403);
      const other = await headB.api.get('/api/v1/jp/report?year=2026');
      expect(other.body.people.map((p: any) => p.name).sort()).to.deep.equal(['Kepala Dinas', 'Rekan Kerja']);
      expect((await colleague.api.get('/api/v1/jp/report?year=2026')).status).to.equal(403);
    });

    it('counts the share at or above the target from settings, and exports CSV and XLSX in scope only', async () => {
      // 5 JP so far, target 7 (BINA_JP_TARGET_PNS): below. Another 2 JP reaches it.
      const at = new Date('2026-11-20T03:00:00Z');
      await env.kernel.learning.jp.credit({ userId: asn.id, source: 'event', sourceId: 'ev-77', title: 'Rapat koordinasi', kind: 'sosialisasi', provider: 'BKN', startDate: at, endDate: at, jp: 2 }, 'test');
      const r = await head.api.get(`/api/v1/jp/report?year=2026&unit=${units.a1}`);
      expect(r.body.compliance).to.deep.equal({ people: 1, atOrAboveTarget: 1, sharePercent: 100 });
      expect(r.body.people[0]).to.include({ total: 7, target: 7, met: true });
      const csv = await fetch(`${env.url}/jp/report/export?year=2026&format=csv`, { headers: { authorization: `Bearer ${head.token}` } });
      expect(csv.status).to.equal(200);
      const text = await csv.text();
      expect(text).to.include('Pegawai Pengklaim');
      expect(text).to.not.include('Rekan Kerja');
      const xlsx = await fetch(`${env.url}/jp/report/export?year=2026&format=xlsx&table=below`, { headers: { authorization: `Bearer ${head.token}` } });
      expect(xlsx.headers.get('content-type')).to.match(/spreadsheetml/);
      expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).to.equal('PK');
      const denied = await fetch(`${env.url}/jp/report/export?year=2026&format=csv&unit=${units.b}`, { headers: { authorization: `Bearer ${head.token}` } });
      expect(denied.status).to.equal(403);
    });

    it('gives an admin every unit and the agency\'s totals', async () => {
      const r = await admin.api.get('/api/v1/jp/report?year=2026');
      const names = r.body.people.map((p: any) => p.name);
      expect(names).to.include.members(['Pegawai Pengklaim', 'Rekan Kerja', 'Kepala Dinas']);
      expect(r.body.totals.jp).to.equal(7);
      expect(r.body.totals.byKind).to.deep.equal({ bimtek: 5, sosialisasi: 2 });
    });
  });

  describe('reminders', () => {
    it('from October, tells ASN below target and their supervisors once a month; not before October', async () => {
      const notices = env.kernel.services.conn.collection('notify-inbox_notices');
      const late = await createUser(env, 'learner', 'Pegawai Tertinggal');
      await setUser(late, { unitId: new Types.ObjectId(units.b), supervisorId: new Types.ObjectId(supervisor.id), timeZone: 'Asia/Jayapura' });
      // 30 September 14:30 UTC: 21:30 WIB and 23:30 WITA (September), but 23:30 WIT... still September everywhere.
      expect((await sendJpReminders(env.kernel.jp, new Date('2026-09-30T14:30:00Z'))).reminded).to.equal(0);
      // 30 September 15:30 UTC is 1 October 00:30 WIT: only the WIT person is due.
      const witOnly = await sendJpReminders(env.kernel.jp, new Date('2026-09-30T15:30:00Z'));
      expect(witOnly.reminded).to.equal(1);
      const mid = new Date('2026-10-15T03:00:00Z');
      const first = await sendJpReminders(env.kernel.jp, mid);
      await sendJpReminders(env.kernel.jp, mid);
      expect(first.reminded).to.be.greaterThan(0);
      const mine = await notices.find({ userId: new Types.ObjectId(late.id), kind: 'jp-below-target' }).toArray();
      expect(mine).to.have.length(1);
      expect(mine[0]!.params).to.include({ target: '7', jp: '0', year: '2026' });
      // The claimant reached 7 JP: no reminder.
      expect(await notices.countDocuments({ userId: new Types.ObjectId(asn.id), kind: 'jp-below-target' })).to.equal(0);
      const team = await notices.find({ userId: new Types.ObjectId(supervisor.id), kind: 'jp-team-below-target' }).toArray();
      expect(team).to.have.length(1);
      expect(team[0]!.params.names).to.include('Pegawai Tertinggal');
      await sendJpReminders(env.kernel.jp, new Date('2026-11-15T03:00:00Z'));
      expect(await notices.countDocuments({ userId: new Types.ObjectId(late.id), kind: 'jp-below-target' })).to.equal(2);
    });
  });
});
