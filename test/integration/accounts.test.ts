/**
 * Accounts: the session id is a new one after login (a planted id stays anonymous), common
 * passwords are refused, and the second factor over the API (the JSON login needs `totp` for an
 * account that has one; each code works once; an admin can turn off a person's second factor,
 * audited; with BINA_TOTP_REQUIRED an admin or trainer without one is sent to the browser).
 * The journeys in pages are test/browser/totp.test.ts.
 */
import { expect } from 'chai';
import { generate } from 'otplib';
import { ApiClient, createUser, startTestEnv, TEST_PASSWORD, type TestEnv } from '../support/harness';
import { isCommonPassword } from '../../src/identity/common-passwords';
import type { TotpService } from '../../src/identity/totp';

const sidOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('bina.sid='));
const codeFor = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe('accounts', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env?.stop());
  const totp = () => env.kernel.services.providers.require('totp').impl as TotpService;
  const jsonLogin = (username: string, extra: Record<string, unknown> = {}) =>
    fetch(`${env.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD, ...extra }) });

  describe('login session', () => {
    it('issues a new session id at login, so an id planted before it stays anonymous', async () => {
      const l = await createUser(env, 'learner');
      const page = await fetch(`${env.url}/login`);
      const planted = sidOf(page);
      expect(planted, 'the login page starts a session (CSRF)').to.be.a('string');
      const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
      const login = await fetch(`${env.url}/login`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: planted! },
        body: new URLSearchParams({ username: l.username, password: TEST_PASSWORD, _csrf: csrf }).toString(),
      });
      expect(login.status).to.equal(302);
      const fresh = sidOf(login);
      expect(fresh).to.be.a('string').and.not.equal(planted);
      expect((await fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie: fresh! } })).status).to.equal(200);
      expect((await fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie: planted! } })).status).to.equal(401);
    });

    it('gives the new session its form token at login, so pages loaded at once all carry the one the session keeps', async () => {
      const l = await createUser(env, 'learner');
      const loginPage = await fetch(`${env.url}/login`);
      const login = await fetch(`${env.url}/login`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sidOf(loginPage)! },
        body: new URLSearchParams({ username: l.username, password: TEST_PASSWORD, _csrf: (await loginPage.text()).match(/name="_csrf" value="([^"]+)"/)![1]! }).toString(),
      });
      const cookie = sidOf(login)!;
      // The redirect target and two more pages at once, as a browser and a quick person load them.
      const tokenOf = async (path: string) => /<meta name="csrf-token" content="([^"]*)">/.exec(await (await fetch(`${env.url}${path}`, { headers: { cookie } })).text())?.[1];
      const tokens = await Promise.all(['/', '/profile', '/notify-inbox'].map(tokenOf));
      expect(tokens[0]).to.be.a('string').with.length.above(20);
      expect(new Set(tokens).size, 'one token').to.equal(1);
      // A form posted with it is taken, after all three saved whatever they saved.
      const r = await fetch(`${env.url}/api/v1/auth/me`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': tokens[0]! }, body: JSON.stringify({ locale: 'en' }) });
      expect(r.status, await r.text()).to.equal(200);
    });
  });

  describe('sessions on other devices', () => {
    /** A JSON login: the session cookie and its form token. */
    const signIn = async (username: string, password = TEST_PASSWORD) => {
      const r = await fetch(`${env.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      expect(r.status).to.equal(200);
      return { cookie: sidOf(r)!, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
    };
    const me = (s: { cookie: string }) => fetch(`${env.url}/api/v1/auth/me`, { headers: { cookie: s.cookie } }).then((r) => r.status);

    it('end when the person changes their password, all but the one that changed it', async () => {
      const l = await createUser(env, 'learner');
      const [phone, laptop, tablet] = [await signIn(l.username), await signIn(l.username), await signIn(l.username)];
      const change = (password: string) => fetch(`${env.url}/api/v1/auth/password`, {
        method: 'PUT', headers: { 'content-type': 'application/json', cookie: laptop.cookie, 'x-csrf-token': laptop.csrf },
        body: JSON.stringify({ current: TEST_PASSWORD, password }),
      });
      // A common password is refused here too, and ends nothing.
      expect((await change('Password2026!')).status).to.equal(400);
      expect(await me(phone)).to.equal(200);
      const r = await change('Sandi-Baru-Sekali-2026');
      expect(r.status, await r.text()).to.equal(200);
      expect(await me(laptop), 'the session that changed it').to.equal(200);
      expect([await me(phone), await me(tablet)], 'the other sessions').to.deep.equal([401, 401]);
      expect(await me(await signIn(l.username, 'Sandi-Baru-Sekali-2026'))).to.equal(200);
    });

    it('all end when an admin resets the password', async () => {
      const l = await createUser(env, 'learner');
      const admin = await createUser(env, 'admin');
      const [phone, laptop] = [await signIn(l.username), await signIn(l.username)];
      expect((await admin.api.put(`/api/v1/users/${l.id}/password`, { temporaryPassword: 'Sementara-Reset-2026' })).status).to.equal(200);
      expect([await me(phone), await me(laptop)]).to.deep.equal([401, 401]);
    });
  });

  describe('passwords', () => {
    it('refuses the most common passwords, also with digits or symbols stuck on', async () => {
      for (const pw of ['password123', 'Password123!', 'qwertyuiop1', 'iloveyou2024', '1q2w3e4r5t']) expect(isCommonPassword(pw), pw).to.equal(true);
      for (const pw of [TEST_PASSWORD, 'Matahari#Terbit-2026', 'kopi tubruk di pagi hari']) expect(isCommonPassword(pw), pw).to.equal(false);
      const admin = await createUser(env, 'admin');
      const r = await admin.api.post('/api/v1/users', { nip: '199001012015031001', name: 'Sandi Lemah', password: 'Password123!', roles: ['learner'] });
      expect(r.status).to.equal(400);
      expect(JSON.stringify(r.body.error.details)).to.contain('common');
    });
  });

  describe('second factor over the API', () => {
    it('needs the code at the JSON login, accepts each code once, and an admin can turn it off (audited)', async () => {
      const trainer = await createUser(env, 'trainer');
      const { secret } = await totp().setup(trainer.username);
      const codes = await totp().enable(trainer.id, secret, await codeFor(secret));
      expect(codes).to.have.length(10);

      const none = await jsonLogin(trainer.username);
      expect(none.status).to.equal(401);
      expect(((await none.json()) as any).error.code).to.equal('BINA_ERR_AUTH_TOTP_REQUIRED');
      expect((await jsonLogin(trainer.username, { totp: '000000' })).status).to.equal(401);
      const code = await codeFor(secret, 1);
      expect((await jsonLogin(trainer.username, { totp: code })).status).to.equal(200);
      expect((await jsonLogin(trainer.username, { totp: code })).status, 'the same code again').to.equal(401);
      expect((await jsonLogin(trainer.username, { totp: (codes as string[])[3] })).status).to.equal(200);
      expect((await jsonLogin(trainer.username, { totp: (codes as string[])[3] })).status, 'a recovery code again').to.equal(401);
      // A token made before keeps working (it is the login that asks for the second factor).
      expect((await trainer.api.get('/api/v1/auth/me')).status).to.equal(200);

      const admin = await createUser(env, 'admin');
      expect((await trainer.api.delete(`/api/v1/users/${trainer.id}/totp`)).status).to.equal(403);
      expect((await admin.api.delete(`/api/v1/users/${trainer.id}/totp`)).status).to.equal(200);
      expect((await admin.api.delete(`/api/v1/users/${trainer.id}/totp`)).status).to.equal(404);
      expect((await jsonLogin(trainer.username)).status).to.equal(200);
      const audit = (await env.kernel.services.audit.forSubject('user', trainer.id)).map((a) => a.action);
      expect(audit).to.include.members(['audit.totp.enabled', 'audit.totp.recovery-used', 'audit.totp.disabled']);
    });

    it('with BINA_TOTP_REQUIRED, sends an admin without one to enrol in the browser; learners log in as before', async () => {
      const strict = await startTestEnv({ env: { BINA_TOTP_REQUIRED: 'true' } });
      try {
        const admin = await strict.kernel.identity.createUser({ email: `wajib-${Date.now()}@test.local`, name: 'Admin', password: TEST_PASSWORD, roles: ['admin'] });
        const r = await fetch(`${strict.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: admin.username, password: TEST_PASSWORD }) });
        expect(r.status).to.equal(403);
        expect(((await r.json()) as any).error.code).to.equal('BINA_ERR_AUTH_TOTP_ENROL');
        const learner = await createUser(strict, 'learner');
        expect((await learner.api.get('/api/v1/auth/me')).status).to.equal(200);
        expect((await new ApiClient(strict.url).get('/login/totp')).status, 'no second step without a password first').to.equal(302);
      } finally {
        await strict.stop();
      }
    });
  });
});
