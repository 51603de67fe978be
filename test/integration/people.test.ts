/**
 * People and units over HTTP against the real servers: SIASN-style fields and their rules, search
 * (paged, by NIP, name, unit subtree and role), edits and moves (audited), unit heads managing only
 * their units (a head of another unit is refused), deactivation that ends sessions, an admin's
 * password reset that forces a change at the next login, one's own sessions (list, end), and the
 * CSV import (preview with line-numbered problems, nothing half-imported, idempotent by NIP) and
 * export.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { ApiClient, createUser, makeNip, startTestEnv, TEST_PASSWORD, type TestEnv, type TestUser } from '../support/harness';

async function cookieLogin(url: string, username: string, password = TEST_PASSWORD) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': `test-${Math.random()}` }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as any;
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = (method: string, path: string, json?: unknown) =>
    fetch(url + path, { method, headers: { cookie, accept: 'application/json', 'x-csrf-token': body.csrfToken ?? '', ...(json ? { 'content-type': 'application/json' } : {}) }, body: json ? JSON.stringify(json) : undefined, redirect: 'manual' });
  return { status: res.status, cookie, call };
}

describe('people and units', function () {
  this.timeout(120_000);

  let env: TestEnv;
  let admin: TestUser;
  let units: Record<'agency' | 'a' | 'a1' | 'b', string>;

  async function unit(code: string, name: string, parentId?: string) {
    const r = await admin.api.post('/api/v1/units', { code, name, ...(parentId ? { parentId } : {}) });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.unit.id as string;
  }

  /** A person in a unit, through the API; returns id and NIP. */
  async function person(unitId: string, extra: Record<string, unknown> = {}) {
    const nip = makeNip();
    const r = await admin.api.post('/api/v1/users', { nip, name: `Pegawai ${nip.slice(-4)}`, password: TEST_PASSWORD, unitId, ...extra });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return { id: r.body.user.id as string, nip };
  }

  /** A learner who heads `unitId`. */
  async function head(unitId: string): Promise<TestUser> {
    const u = await createUser(env, 'learner');
    await env.kernel.identity.models.User.updateOne({ _id: u.id }, { $set: { unitHeadOf: [new Types.ObjectId(unitId)], unitId: new Types.ObjectId(unitId) } });
    return u;
  }

  before(async () => {
    env = await startTestEnv();
    admin = await createUser(env, 'admin');
    const agency = await unit(`PEMDA-${Date.now()}`, 'Pemerintah Kabupaten Uji');
    const a = await unit(`A-${Date.now()}`, 'Badan Kepegawaian', agency);
    const a1 = await unit(`A1-${Date.now()}`, 'Bidang Pengembangan', a);
    const b = await unit(`B-${Date.now()}`, 'Dinas Kesehatan', agency);
    units = { agency, a, a1, b };
  });

  after(async () => {
    await env?.stop();
  });

  describe('SIASN fields', () => {
    it('does store titles, golongan, position, supervisor, phone and time zone, and show the name with titles', async () => {
      const boss = await person(units.a);
      const nip = makeNip();
      const r = await admin.api.post('/api/v1/users', {
        nip, name: 'Andi Baso', frontTitle: 'Dr.', backTitle: 'S.Sos., M.Si.', password: TEST_PASSWORD, unitId: units.a1, golongan: 'III/c',
        positionName: 'Analis SDM Aparatur', positionType: 'fungsional', functionalLevel: 'ahli-muda', supervisorId: boss.id, phone: '+62 812 3456 7890', timeZone: 'Asia/Makassar',
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.user).to.include({ displayName: 'Dr. Andi Baso, S.Sos., M.Si.', golongan: 'III/c', positionType: 'fungsional', functionalLevel: 'ahli-muda', supervisorId: boss.id, timeZone: 'Asia/Makassar', kind: 'pns' });
    });

    it('does refuse a PPPK golongan for a PNS, a level for a non-functional position, and a functional position without a level', async () => {
      const base = { nip: makeNip(), name: 'X', password: TEST_PASSWORD };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ golongan: 'IX' }, 'golongan'],
        [{ positionType: 'pelaksana', functionalLevel: 'mahir' }, 'functionalLevel'],
        [{ positionType: 'fungsional' }, 'functionalLevel'],
        [{ phone: 'telepon saya' }, 'phone'],
        [{ golongan: 'III/a', nip: undefined, email: 'staf@test.local' }, 'golongan'],
      ];
      for (const [extra, field] of cases) {
        const r = await admin.api.post('/api/v1/users', { ...base, ...extra });
        expect(r.status, JSON.stringify(extra)).to.equal(400);
        expect(r.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(extra)).to.include(field);
      }
      const pppk = await admin.api.post('/api/v1/users', { nip: '199406152022211002', name: 'Yusuf', password: TEST_PASSWORD, golongan: 'IX' });
      expect(pppk.status, JSON.stringify(pppk.body)).to.equal(201);
      expect(pppk.body.user.kind).to.equal('pppk');
    });

    it('does check a NIP as typed, with the reason in the reader\'s language', async () => {
      const bad = await admin.api.request('GET', '/api/v1/people/nip-check?nip=199013452015031001', undefined, { cookie: 'bina_lang=id' });
      expect(bad.body).to.include({ ok: false });
      expect(bad.body.localizedReason).to.equal('Angka 1–8 bukan tanggal lahir yang sah (19901345).');
      const good = await admin.api.get('/api/v1/people/nip-check?nip=199406152022211001');
      expect(good.body).to.include({ ok: true, kind: 'pppk', sex: 'male', birthDate: '1994-06-15' });
    });
  });

  describe('search', () => {
    it('does find by NIP prefix, by name, by unit with the units below, and by role, paged with a total', async () => {
      const p1 = await person(units.a1, { name: 'Rahmat Hidayat' });
      await person(units.b, { name: 'Rahmawati' });
      const byNip = await admin.api.get(`/api/v1/users?q=${p1.nip.slice(0, 14)}`);
      expect(byNip.body.users.map((u: { id: string }) => u.id)).to.include(p1.id);
      const byName = await admin.api.get('/api/v1/users?q=rahma');
      expect(byName.body.users.map((u: { name: string }) => u.name)).to.include.members(['Rahmat Hidayat', 'Rahmawati']);
      const underA = await admin.api.get(`/api/v1/users?unitId=${units.a}&limit=500`);
      expect(underA.body.users.map((u: { id: string }) => u.id)).to.include(p1.id);
      expect(underA.body.users.every((u: { unitId: string }) => [units.a, units.a1].includes(u.unitId))).to.equal(true);
      const paged = await admin.api.get(`/api/v1/users?unitId=${units.agency}&limit=2&page=2`);
      expect(paged.body.users).to.have.length(2);
      expect(paged.body.total).to.be.greaterThan(3);
      const admins = await admin.api.get('/api/v1/users?role=admin');
      expect(admins.body.users.every((u: { roles: string[] }) => u.roles.includes('admin'))).to.equal(true);
    });
  });

  describe('edits', () => {
    it('does move a person to another unit and audit the move', async () => {
      const p = await person(units.a);
      const r = await admin.api.patch(`/api/v1/users/${p.id}`, { unitId: units.b, positionName: 'Pengelola Data', phone: '' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.user).to.include({ unitId: units.b, positionName: 'Pengelola Data' });
      const audit = await env.kernel.services.audit.forSubject('user', p.id);
      const moved = audit.find((a) => a.action === 'audit.user.moved') as any;
      expect(moved.before.unitId).to.equal(units.a);
      expect(moved.after.unitId).to.equal(units.b);
    });

    it('does refuse to make someone their own supervisor', async () => {
      const p = await person(units.a);
      const r = await admin.api.patch(`/api/v1/users/${p.id}`, { supervisorId: p.id });
      expect(r.status).to.equal(400);
      expect(JSON.stringify(r.body.error.details)).to.include('supervisorId');
    });

    it('does keep units a tree: a unit cannot move below itself', async () => {
      const r = await admin.api.patch(`/api/v1/units/${units.a}`, { parentId: units.a1 });
      expect(r.status).to.equal(400);
      const tree = await admin.api.get('/api/v1/units');
      const a1 = tree.body.units.find((u: { id: string }) => u.id === units.a1);
      expect(a1.depth).to.equal(2);
      expect(a1.path).to.equal('Pemerintah Kabupaten Uji › Badan Kepegawaian › Bidang Pengembangan');
    });
  });

  describe('a unit head', () => {
    it('does see and manage the people of their unit and the units below, and nobody else', async () => {
      const headA = await head(units.a);
      const inA1 = await person(units.a1);
      const inB = await person(units.b);
      const list = await headA.api.get('/api/v1/users?limit=500');
      expect(list.status).to.equal(200);
      const ids = list.body.users.map((u: { id: string }) => u.id);
      expect(ids).to.include(inA1.id);
      expect(ids).not.to.include(inB.id);
      expect((await headA.api.patch(`/api/v1/users/${inA1.id}`, { positionName: 'Analis' })).status).to.equal(200);
      expect((await headA.api.get(`/api/v1/users/${inB.id}`)).status).to.equal(403);
      expect((await headA.api.patch(`/api/v1/users/${inB.id}`, { positionName: 'Analis' })).status).to.equal(403);
      expect((await headA.api.put(`/api/v1/users/${inB.id}/active`, { active: false })).status).to.equal(403);
      expect((await headA.api.put(`/api/v1/users/${inB.id}/password`, { temporaryPassword: 'Sementara-123' })).status).to.equal(403);
      // Moving someone out of their scope, or creating someone outside it, is refused too.
      expect((await headA.api.patch(`/api/v1/users/${inA1.id}`, { unitId: units.b })).status).to.equal(403);
      expect((await headA.api.post('/api/v1/users', { nip: makeNip(), name: 'Baru', password: TEST_PASSWORD, unitId: units.b })).status).to.equal(403);
      expect((await headA.api.post('/api/v1/users', { nip: makeNip(), name: 'Baru', password: TEST_PASSWORD, unitId: units.a1 })).status).to.equal(201);
      const stored = await env.kernel.identity.models.User.findById(inB.id).lean();
      expect(stored!.active).to.equal(true);
      expect(stored!.positionName).to.equal(undefined);
    });

    it('does refuse a head of another unit, and role changes by any unit head', async () => {
      const headB = await head(units.b);
      const inA = await person(units.a);
      expect((await headB.api.get(`/api/v1/users/${inA.id}`)).status).to.equal(403);
      expect((await headB.api.patch(`/api/v1/users/${inA.id}`, { name: 'Diubah' })).status).to.equal(403);
      const inB = await person(units.b);
      expect((await headB.api.put(`/api/v1/users/${inB.id}/roles`, { roles: ['admin'] })).status).to.equal(403);
      expect((await headB.api.post('/api/v1/users', { nip: makeNip(), name: 'Baru', password: TEST_PASSWORD, unitId: units.b, roles: ['trainer'] })).status).to.equal(403);
      expect((await headB.api.post('/api/v1/people/imports', { users: 'nip,name\n' })).status).to.equal(403);
      // The pages ask the same question: another unit's person is a 403 page, one's own unit a 200.
      const html = { accept: 'text/html' };
      expect((await headB.api.request('GET', `/admin/users/${inA.id}`, undefined, html)).status).to.equal(403);
      expect((await headB.api.request('GET', `/admin/users/${inB.id}`, undefined, html)).status).to.equal(200);
      const list = await headB.api.request('GET', '/admin/users', undefined, html);
      expect(list.status).to.equal(200);
      expect(String(list.body)).to.include(inB.nip).and.not.include(inA.nip);
      expect((await headB.api.request('GET', '/admin/people-import', undefined, html)).status).to.equal(403);
    });

    it('does refuse managing someone who holds more: an admin, a trainer, or the head of a unit outside their own', async () => {
      const headA = await head(units.a);
      const adminInA = await person(units.a1, { roles: ['admin'] });
      const trainerInA = await person(units.a1, { roles: ['trainer'] });
      const headOfB = await person(units.a1);
      await env.kernel.identity.models.User.updateOne({ _id: headOfB.id }, { $set: { unitHeadOf: [new Types.ObjectId(units.b)] } });
      const headOfA1 = await person(units.a1);
      await env.kernel.identity.models.User.updateOne({ _id: headOfA1.id }, { $set: { unitHeadOf: [new Types.ObjectId(units.a1)] } });
      for (const target of [adminInA, trainerInA, headOfB]) {
        expect((await headA.api.get(`/api/v1/users/${target.id}`)).status, 'seeing is allowed').to.equal(200);
        expect((await headA.api.put(`/api/v1/users/${target.id}/password`, { temporaryPassword: 'Sementara-123' })).status).to.equal(403);
        expect((await headA.api.put(`/api/v1/users/${target.id}/active`, { active: false })).status).to.equal(403);
        expect((await headA.api.patch(`/api/v1/users/${target.id}`, { positionName: 'Diubah' })).status).to.equal(403);
        const stored = await env.kernel.identity.models.User.findById(target.id).lean();
        expect(stored!.active).to.equal(true);
        expect(stored!.mustChangePassword ?? false).to.equal(false);
        // The page shows the person without the forms, and says why; posting the forms is refused.
        const page = await headA.api.request('GET', `/admin/users/${target.id}`, undefined, { accept: 'text/html' });
        expect(page.status).to.equal(200);
        expect(String(page.body)).to.include('data-testid="person-outranked"').and.not.include(`action="/admin/users/${target.id}/password"`);
      }
      // Someone heading a unit inside the head's own subtree is still theirs to manage.
      expect((await headA.api.patch(`/api/v1/users/${headOfA1.id}`, { positionName: 'Kepala Bidang' })).status).to.equal(200);
      // An admin manages everyone.
      expect((await admin.api.patch(`/api/v1/users/${trainerInA.id}`, { positionName: 'Widyaiswara' })).status).to.equal(200);
    });

    it('does refuse a learner who heads nothing', async () => {
      const learner = await createUser(env, 'learner');
      expect((await learner.api.get('/api/v1/users')).status).to.equal(403);
      expect((await learner.api.request('GET', '/admin/users', undefined, { accept: 'text/html' })).status).to.equal(403);
    });
  });

  describe('deactivation', () => {
    it('does end the person\'s sessions and stop their logins, and never delete them', async () => {
      const p = await person(units.a);
      const s = await cookieLogin(env.url, p.nip);
      expect((await s.call('GET', '/api/v1/auth/me')).status).to.equal(200);
      const r = await admin.api.put(`/api/v1/users/${p.id}/active`, { active: false });
      expect(r.status).to.equal(200);
      expect(r.body.user.active).to.equal(false);
      expect((await s.call('GET', '/api/v1/auth/me')).status).to.equal(401);
      expect((await cookieLogin(env.url, p.nip)).status).to.equal(401);
      expect(await env.kernel.identity.models.User.exists({ _id: p.id })).to.not.equal(null);
      expect((await admin.api.put(`/api/v1/users/${p.id}/active`, { active: true })).body.user.active).to.equal(true);
      expect((await cookieLogin(env.url, p.nip)).status).to.equal(200);
    });
  });

  describe('password reset and own sessions', () => {
    it('does force a change at the next login, then end the other sessions', async () => {
      const p = await person(units.a);
      const r = await admin.api.put(`/api/v1/users/${p.id}/password`, { temporaryPassword: 'Sementara-2026' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const one = await cookieLogin(env.url, p.nip, 'Sementara-2026');
      const two = await cookieLogin(env.url, p.nip, 'Sementara-2026');
      expect(one.status).to.equal(200);
      const blocked = await one.call('GET', '/api/v1/auth/tokens');
      expect(blocked.status).to.equal(403);
      expect(((await blocked.json()) as any).error.code).to.equal('BINA_ERR_AUTH_PASSWORD_CHANGE');
      const page = await one.call('GET', '/');
      expect(page.status).to.equal(303);
      expect(page.headers.get('location')).to.equal('/profile/password');
      const sessions = (await (await one.call('GET', '/api/v1/auth/sessions')).json()) as any;
      expect(sessions.error.code).to.equal('BINA_ERR_AUTH_PASSWORD_CHANGE');
      const weak = await one.call('PUT', '/api/v1/auth/password', { current: 'Sementara-2026', password: 'pendek' });
      expect(weak.status).to.equal(400);
      const changed = await one.call('PUT', '/api/v1/auth/password', { current: 'Sementara-2026', password: 'Milik-Saya-2026' });
      expect(changed.status, await changed.clone().text()).to.equal(200);
      expect((await one.call('GET', '/api/v1/auth/tokens')).status).to.equal(200);
      expect((await two.call('GET', '/api/v1/auth/me')).status).to.equal(401);
      expect((await cookieLogin(env.url, p.nip, 'Milik-Saya-2026')).status).to.equal(200);
    });

    it('does list my sessions and end one on another device, not someone else\'s', async () => {
      const p = await person(units.a);
      const here = await cookieLogin(env.url, p.nip);
      const there = await cookieLogin(env.url, p.nip);
      const list = (await (await here.call('GET', '/api/v1/auth/sessions')).json()) as any;
      expect(list.sessions).to.have.length(2);
      expect(list.sessions.filter((s: { current: boolean }) => s.current)).to.have.length(1);
      const other = list.sessions.find((s: { current: boolean }) => !s.current);
      const stranger = await createUser(env, 'learner');
      expect((await stranger.api.delete(`/api/v1/auth/sessions/${other.handle}`)).status).to.equal(404);
      expect((await there.call('GET', '/api/v1/auth/me')).status).to.equal(200);
      expect((await here.call('DELETE', `/api/v1/auth/sessions/${other.handle}`)).status).to.equal(200);
      expect((await there.call('GET', '/api/v1/auth/me')).status).to.equal(401);
      expect((await here.call('GET', '/api/v1/auth/me')).status).to.equal(200);
    });

    it('does set my language and time zone', async () => {
      const learner = await createUser(env, 'learner');
      const r = await learner.api.patch('/api/v1/auth/me', { locale: 'en', timeZone: 'Asia/Jayapura' });
      expect(r.status).to.equal(200);
      expect(r.body.user).to.include({ locale: 'en', timeZone: 'Asia/Jayapura' });
    });
  });

  describe('CSV import and export', () => {
    const code = `IMP${Date.now() % 100000}`;
    const nips = [makeNip(), makeNip(), makeNip()];
    const unitsCsv = `code,name,parent_code,region\n${code}-SUB,Sub Bagian Umum,${code},Sulawesi Barat\n${code},Sekretariat Daerah,,Sulawesi Barat\n`;
    const usersCsv = (golongan: string) => [
      'nip,name,front_title,back_title,golongan,position_name,position_type,functional_level,unit_code,supervisor_nip,time_zone,roles',
      `${nips[0]},Kepala Bagian,,S.H.,IV/a,Kepala Bagian Umum,administrator,,${code},,WITA,learner`,
      `${nips[1]},Staf Satu,,,${golongan},Analis,fungsional,Ahli Pertama,${code}-SUB,${nips[0]},WITA,`,
      `${nips[2]},Staf Dua,Dr.,,III/b,Pengelola,pelaksana,,${code}-SUB,${nips[0]},WIT,mentor`,
    ].join('\n');

    it('does preview with line-numbered problems in the reader\'s language and write nothing', async () => {
      const bad = usersCsv('IX').replace(`${nips[2]},`, '199013452015031001,');
      const r = await admin.api.request('POST', '/api/v1/people/imports', { units: unitsCsv, users: bad, dryRun: false }, { cookie: 'bina_lang=id' });
      expect(r.status).to.equal(400);
      const lines = r.body.error.details.map((d: { line: number; column: string }) => `${d.line}:${d.column}`);
      expect(lines).to.include.members(['3:golongan', '4:nip']);
      expect(await env.kernel.identity.models.Unit.exists({ code })).to.equal(null);
      expect(await env.kernel.identity.models.User.exists({ username: nips[0] })).to.equal(null);
      const preview = await admin.api.request('POST', '/api/v1/people/imports', { units: unitsCsv, users: bad }, { cookie: 'bina_lang=id' });
      expect(preview.status).to.equal(200);
      expect(preview.body.problems.find((p: { line: number }) => p.line === 3).localizedMessage).to.equal('Bukan golongan/ruang PNS (I/a–IV/e).');
    });

    it('does create units and people, then find nothing to change on a second run (idempotent by NIP)', async () => {
      const first = await admin.api.post('/api/v1/people/imports', { units: unitsCsv, users: usersCsv('III/a'), dryRun: false });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body.counts).to.deep.equal({ create: 5, update: 0, unchanged: 0 });
      const staff = await env.kernel.identity.models.User.findOne({ username: nips[1] }).lean();
      const boss = await env.kernel.identity.models.User.findOne({ username: nips[0] }).lean();
      expect(String(staff!.supervisorId)).to.equal(String(boss!._id));
      expect(staff).to.include({ functionalLevel: 'ahli-pertama', timeZone: 'Asia/Makassar', golongan: 'III/a' });
      const sub = await env.kernel.identity.models.Unit.findOne({ code: `${code}-SUB` }).lean();
      expect(String(sub!.parentId)).to.equal(String((await env.kernel.identity.models.Unit.findOne({ code }).lean())!._id));
      const again = await admin.api.post('/api/v1/people/imports', { units: unitsCsv, users: usersCsv('III/a'), dryRun: false });
      expect(again.body.counts).to.deep.equal({ create: 0, update: 0, unchanged: 5 });
      const changed = await admin.api.post('/api/v1/people/imports', { users: usersCsv('III/d') });
      expect(changed.body.users.find((u: { key: string }) => u.key === nips[1])).to.include({ action: 'update' });
      expect(changed.body.users.find((u: { key: string }) => u.key === nips[1]).changes).to.deep.equal(['golongan']);
    });

    it('does read the documented sample files (docs/samples) without a problem', async () => {
      const read = (f: string) => readFileSync(new URL(`../../docs/samples/${f}`, import.meta.url), 'utf8');
      const r = await admin.api.post('/api/v1/people/imports', { units: read('units.csv'), users: read('users.csv') });
      expect(r.status).to.equal(200);
      expect(r.body.problems).to.deep.equal([]);
      expect(r.body.counts).to.deep.equal({ create: 9, update: 0, unchanged: 0 });
    });

    it('does export the import\'s columns, and the export imports back unchanged', async () => {
      const users = await fetch(`${env.url}/api/v1/people/export?kind=users`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(users.headers.get('content-type')).to.match(/text\/csv/);
      const usersText = await users.text();
      // (fetch's text() drops the BOM that spreadsheets need.)
      expect(usersText.replace(/^\uFEFF/, '').split('\r\n')[0]).to.equal('nip,email,name,front_title,back_title,golongan,position_name,position_type,functional_level,unit_code,supervisor_nip,phone,time_zone,roles');
      expect(usersText).to.include(`${nips[2]},,Staf Dua,Dr.,`);
      const unitsText = await (await fetch(`${env.url}/api/v1/people/export?kind=units`, { headers: { authorization: `Bearer ${admin.token}` } })).text();
      const back = await admin.api.post('/api/v1/people/imports', { units: unitsText, users: usersText });
      expect(back.status, JSON.stringify(back.body).slice(0, 2000)).to.equal(200);
      expect(back.body.problems).to.deep.equal([]);
      expect(back.body.counts.create).to.equal(0);
      expect(back.body.counts.update).to.equal(0);
    });
  });

  describe('anonymous callers', () => {
    it('does answer 401 on the people API', async () => {
      expect((await new ApiClient(env.url).get('/api/v1/users')).status).to.equal(401);
    });
  });
});
