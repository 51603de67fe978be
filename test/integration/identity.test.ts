/**
 * Identity over HTTP against the real servers: an admin creates ASN users by NIP (PNS) or PPPK
 * number and staff by e-mail, duplicates are refused, role changes are audited, personal API
 * tokens are shown once and stored hashed, the health check reports its dependencies, and both
 * logins (JSON and form) fail cleanly.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ApiClient, createUser, makeNip, startTestEnv, TEST_PASSWORD, type TestEnv, type TestUser } from '../support/harness';

/** Logs in with the JSON login; returns the session cookie and CSRF token. */
async function jsonLogin(url: string, username: string, password = TEST_PASSWORD) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as any;
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { status: res.status, body, cookie };
}

/** The login page's session cookie and CSRF token. */
async function loginForm(url: string) {
  const page = await fetch(`${url}/login`, { headers: { accept: 'text/html' } });
  expect(page.status).to.equal(200);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(csrf, 'CSRF token in the login form').to.be.a('string').that.is.not.empty;
  return { cookie, csrf: csrf! };
}

function postForm(url: string, fields: Record<string, string>, cookie?: string) {
  return fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('identity', function () {
  // Booting a kernel (every plugin, every index) can take tens of seconds on a loaded machine.
  this.timeout(120_000);

  let env: TestEnv;
  let admin: TestUser;
  let anon: ApiClient;

  before(async () => {
    env = await startTestEnv();
    admin = await createUser(env, 'admin');
    anon = new ApiClient(env.url);
  });

  after(async () => {
    await env?.stop();
  });

  describe('creating users', () => {
    it('does create a PNS user from a valid NIP, who can then log in', async () => {
      const nip = makeNip();
      const res = await admin.api.post('/api/v1/users', { nip, name: 'Siti Rahmawati', password: TEST_PASSWORD, roles: ['learner'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.user).to.include({ username: nip, nip, kind: 'pns', name: 'Siti Rahmawati', active: true });
      expect(res.body.user.roles).to.deep.equal(['learner']);
      expect(res.body.user).not.to.have.property('passwordHash');
      const stored = await env.kernel.identity.models.User.findOne({ username: nip }).lean();
      expect(stored!.passwordHash).to.match(/^\$argon2id\$/);
      expect((await jsonLogin(env.url, nip)).status).to.equal(200);
    });

    it('does create a PPPK user from a PPPK number', async () => {
      const res = await admin.api.post('/api/v1/users', { nip: '199406152022211001', name: 'Andi Pratama', password: TEST_PASSWORD });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.user).to.include({ username: '199406152022211001', kind: 'pppk' });
      expect(res.body.user.roles).to.deep.equal(['learner']);
    });

    it('does accept a NIP typed with spaces and store it without them', async () => {
      const res = await admin.api.post('/api/v1/users', { nip: '19800101 200501 1 003', name: 'Bambang', password: TEST_PASSWORD });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.user).to.include({ username: '198001012005011003', nip: '198001012005011003', kind: 'pns' });
    });

    it('does create staff by e-mail, with a lower-case username', async () => {
      const res = await admin.api.post('/api/v1/users', { email: 'Operator.Diklat@Test.Local', name: 'Operator', password: TEST_PASSWORD, roles: ['trainer'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.user).to.include({ username: 'operator.diklat@test.local', email: 'operator.diklat@test.local', kind: 'staff' });
      expect(res.body.user.nip).to.equal(undefined);
      expect((await jsonLogin(env.url, 'OPERATOR.DIKLAT@test.local')).status).to.equal(200);
    });

    it('does answer 409 to a duplicate NIP or e-mail, whatever its case', async () => {
      const nip = makeNip();
      expect((await admin.api.post('/api/v1/users', { nip, name: 'Pertama', password: TEST_PASSWORD })).status).to.equal(201);
      const dupNip = await admin.api.post('/api/v1/users', { nip, name: 'Kedua', password: TEST_PASSWORD });
      expect(dupNip.status).to.equal(409);
      expect(dupNip.body.error.code).to.equal('BINA_ERR_STATE_CONFLICT');
      expect((await admin.api.post('/api/v1/users', { email: 'dup@test.local', name: 'A', password: TEST_PASSWORD })).status).to.equal(201);
      const dupMail = await admin.api.post('/api/v1/users', { email: 'DUP@test.local', name: 'B', password: TEST_PASSWORD });
      expect(dupMail.status).to.equal(409);
      expect(dupMail.body.error.code).to.equal('BINA_ERR_STATE_CONFLICT');
      expect(await env.kernel.identity.models.User.countDocuments({ username: { $in: [nip, 'dup@test.local'] } })).to.equal(2);
    });

    it('does audit the creation', async () => {
      const res = await admin.api.post('/api/v1/users', { email: 'diaudit@test.local', name: 'Diaudit', password: TEST_PASSWORD });
      const entries = await env.kernel.services.audit.forSubject('user', res.body.user.id);
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ action: 'audit.user.created', actorId: admin.id, owner: 'core' });
      expect(entries[0]!.after).to.deep.equal({ username: 'diaudit@test.local', roles: ['learner'] });
    });

    it('does list users without their password hashes', async () => {
      const res = await admin.api.get('/api/v1/users?limit=500');
      expect(res.status).to.equal(200);
      expect(res.body.users.length).to.be.greaterThan(3);
      expect(JSON.stringify(res.body)).not.to.include('passwordHash');
      expect(JSON.stringify(res.body)).not.to.include('$argon2');
    });
  });

  describe('changing roles', () => {
    it('does write an audit record with the roles before and after', async () => {
      const user = await createUser(env, 'learner');
      const res = await admin.api.put(`/api/v1/users/${user.id}/roles`, { roles: ['learner', 'trainer', 'trainer'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user.roles).to.deep.equal(['learner', 'trainer']);
      const audit = await env.kernel.services.conn.db!.collection('core_audit').find({ action: 'audit.role.changed', 'subject.id': user.id }).toArray();
      expect(audit).to.have.length(1);
      expect(audit[0]).to.deep.include({ owner: 'core', actorId: admin.id, subject: { type: 'user', id: user.id } });
      expect(audit[0]!.before).to.deep.equal({ roles: ['learner'] });
      expect(audit[0]!.after).to.deep.equal({ roles: ['learner', 'trainer'] });
      expect(audit[0]!.at).to.be.instanceOf(Date);
    });

    it('does apply the new roles to the next request of an existing token', async () => {
      const user = await createUser(env, 'learner');
      expect((await user.api.post('/api/v1/courses', { title: 'Kursus Saya', jp: 1 })).status).to.equal(403);
      expect((await admin.api.put(`/api/v1/users/${user.id}/roles`, { roles: ['trainer'] })).status).to.equal(200);
      expect((await user.api.post('/api/v1/courses', { title: 'Kursus Saya', jp: 1 })).status).to.equal(201);
      expect((await admin.api.put(`/api/v1/users/${user.id}/roles`, { roles: ['learner'] })).status).to.equal(200);
      expect((await user.api.post('/api/v1/courses', { title: 'Kursus Lagi', jp: 1 })).status).to.equal(403);
    });
  });

  describe('API tokens', () => {
    let user: TestUser;

    before(async () => {
      user = await createUser(env, 'learner');
    });

    it('does show a new token once and store only its hash', async () => {
      const res = await user.api.post('/api/v1/auth/tokens', { name: 'skrip laporan', expiresInDays: 30 });
      expect(res.status).to.equal(201);
      expect(res.body.token).to.match(/^bina_[A-Za-z0-9_-]{40,}$/);
      const docs = await env.kernel.services.conn.db!.collection('identity_api_tokens').find().toArray();
      expect(JSON.stringify(docs)).not.to.include(res.body.token);
      expect(JSON.stringify(docs)).not.to.include(res.body.token.slice(10));
      const stored = docs.find((d) => String(d._id) === res.body.id)!;
      expect(stored.hash).to.equal(createHash('sha256').update(res.body.token).digest('hex'));
      expect(stored.hint).to.equal(res.body.token.slice(0, 9));
      expect(stored.expiresAt).to.be.instanceOf(Date);
      expect((await new ApiClient(env.url, res.body.token).get('/api/v1/auth/me')).body.user.id).to.equal(user.id);
    });

    it('does list my tokens without their secrets', async () => {
      const created = await user.api.post('/api/v1/auth/tokens', { name: 'untuk daftar' });
      const res = await user.api.get('/api/v1/auth/tokens');
      expect(res.status).to.equal(200);
      const row = res.body.tokens.find((t: { id: string }) => t.id === created.body.id);
      expect(row).to.include({ name: 'untuk daftar', revoked: false });
      for (const key of Object.keys(row)) expect(['id', 'name', 'hint', 'createdAt', 'lastUsedAt', 'expiresAt', 'revoked'], key).to.include(key);
      expect(row.hint).to.equal(created.body.token.slice(0, 9));
      expect(row).not.to.have.any.keys('token', 'hash');
      const text = JSON.stringify(res.body);
      expect(text).not.to.include(created.body.token);
      expect(text).not.to.include(user.token);
      // Someone else's list does not show my tokens.
      const other = await createUser(env, 'learner');
      expect((await other.api.get('/api/v1/auth/tokens')).body.tokens.map((t: { id: string }) => t.id)).not.to.include(created.body.id);
    });

    it('does revoke a token: it stops working and the list says so', async () => {
      const created = await user.api.post('/api/v1/auth/tokens', { name: 'dicabut' });
      const revoke = await user.api.delete(`/api/v1/auth/tokens/${created.body.id}`);
      expect(revoke.status).to.equal(200);
      expect(revoke.body).to.deep.equal({ revoked: true });
      const res = await new ApiClient(env.url, created.body.token).get('/api/v1/auth/me');
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('BINA_ERR_AUTH_REQUIRED');
      const list = await user.api.get('/api/v1/auth/tokens');
      expect(list.body.tokens.find((t: { id: string }) => t.id === created.body.id).revoked).to.equal(true);
      expect((await user.api.delete(`/api/v1/auth/tokens/${created.body.id}`)).status).to.equal(404);
    });

    it('does refuse an expired token', async () => {
      const created = await user.api.post('/api/v1/auth/tokens', { name: 'kedaluwarsa', expiresInDays: 1 });
      await env.kernel.identity.models.ApiToken.updateOne({ _id: created.body.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await new ApiClient(env.url, created.body.token).get('/api/v1/auth/me')).status).to.equal(401);
    });
  });

  describe('health', () => {
    it('does answer 200 with MongoDB and Redis up and the plugin list', async () => {
      const res = await anon.get('/health');
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('ok');
      expect(res.body.checks).to.deep.equal({ mongodb: 'up', redis: 'up' });
      const plugins = res.body.plugins as Array<{ id: string; status: string }>;
      expect(plugins.map((p) => p.id)).to.include.members(['activity-quiz', 'activity-lesson', 'question-multichoice']);
      for (const p of plugins) expect(p.status, p.id).to.be.a('string');
      expect(plugins.find((p) => p.id === 'activity-quiz')!.status).to.equal('active');
      expect(JSON.stringify(res.body)).not.to.match(/mongodb:\/\/|redis:\/\//);
    });
  });

  describe('JSON login', () => {
    let user: TestUser;

    before(async () => {
      user = await createUser(env, 'learner');
    });

    it('does answer 401 to a wrong password, and the same to an unknown user', async () => {
      const wrong = await jsonLogin(env.url, user.username, 'Salah-Sandi-123');
      expect(wrong.status).to.equal(401);
      expect(wrong.body.error.code).to.equal('BINA_ERR_AUTH_REQUIRED');
      expect(wrong.cookie).not.to.include('bina.sid=');
      const unknown = await jsonLogin(env.url, '199001012015031999', 'Salah-Sandi-123');
      expect(unknown.status).to.equal(401);
      expect(unknown.body.error).to.deep.equal(wrong.body.error);
    });

    it('does sign in with the right password and answer /auth/me from the cookie', async () => {
      const ok = await jsonLogin(env.url, user.username);
      expect(ok.status).to.equal(200);
      expect(ok.body.user).to.include({ id: user.id, via: 'session' });
      expect(ok.body.user).not.to.have.property('passwordHash');
      const me = await fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie: ok.cookie } });
      expect(me.status).to.equal(200);
      const logout = await fetch(`${env.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: ok.cookie, 'x-csrf-token': ok.body.csrfToken } });
      expect(logout.status).to.equal(200);
      expect((await fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie: ok.cookie, accept: 'application/json' } })).status).to.equal(401);
    });
  });

  describe('login form', () => {
    let user: TestUser;

    before(async () => {
      user = await createUser(env, 'learner');
    });

    it('does answer a 403 page, not a 500, to a POST without a CSRF token', async () => {
      const res = await postForm(env.url, { username: user.username, password: TEST_PASSWORD });
      expect(res.status).to.equal(403);
      expect(res.headers.get('content-type')).to.match(/text\/html/);
      expect(res.headers.get('location')).to.equal(null);
      const withSession = await loginForm(env.url);
      const stale = await postForm(env.url, { username: user.username, password: TEST_PASSWORD, _csrf: 'palsu' }, withSession.cookie);
      expect(stale.status).to.equal(403);
      expect(stale.headers.get('content-type')).to.match(/text\/html/);
    });

    it('does show the form again with 401 for a wrong password', async () => {
      const { cookie, csrf } = await loginForm(env.url);
      const res = await postForm(env.url, { username: user.username, password: 'Salah-Sandi-123', _csrf: csrf }, cookie);
      expect(res.status).to.equal(401);
      expect(await res.text()).to.include('name="username"');
    });

    it('does sign in with the token and redirect only to a local path', async () => {
      let { cookie, csrf } = await loginForm(env.url);
      const ok = await postForm(env.url, { username: user.username, password: TEST_PASSWORD, _csrf: csrf, next: '/courses/new' }, cookie);
      expect(ok.status).to.equal(302);
      expect(ok.headers.get('location')).to.equal('/courses/new');
      ({ cookie, csrf } = await loginForm(env.url));
      const evil = await postForm(env.url, { username: user.username, password: TEST_PASSWORD, _csrf: csrf, next: '//evil.example/phish' }, cookie);
      expect(evil.status).to.equal(302);
      expect(evil.headers.get('location')).to.equal('/');
    });
  });
});
