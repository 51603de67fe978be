/**
 * Public routes (certificate check, public score boards) are limited per route and client IP in a
 * one-minute window shared through Redis; logins, health checks and signed-in callers are not.
 */
import { expect } from 'chai';
import { ApiClient, createUser, startTestEnv, type TestEnv } from '../support/harness';

describe('public rate limit', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  before(async () => {
    env = await startTestEnv({
      env: {
        BINA_PUBLIC_RATE_LIMIT: '5',
        BINA_TRUST_PROXY: 'true',
        BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789', verifyUploadsPerMinute: 2 } }),
      },
    });
  });
  after(() => env?.stop());

  it('answers 429 with Retry-After once one IP passes the limit on one public route', async () => {
    const anon = new ApiClient(env.url);
    const path = `/verify/${'c'.repeat(26)}/credential.json`;
    for (let i = 1; i <= 5; i++) {
      const r = await anon.request('GET', path, undefined, from('203.0.113.7'));
      expect(r.status, `request ${i}`).to.equal(404);
      expect(r.headers.get('ratelimit-remaining')).to.equal(String(5 - i));
    }
    const over = await anon.request('GET', path, undefined, from('203.0.113.7'));
    expect(over.status).to.equal(429);
    expect(over.body.error.code).to.equal('BINA_ERR_HTTP_RATE_LIMITED');
    expect(over.body.error.message).to.equal('Terlalu banyak permintaan. Coba lagi nanti.');
    const retry = Number(over.headers.get('retry-after'));
    expect(retry).to.be.within(1, 60);
    expect(over.body.error.details.retryAfterSeconds).to.equal(retry);

    // Another client, and another public route of the same client, have their own counts.
    expect((await anon.request('GET', path, undefined, from('198.51.100.9'))).status).to.equal(404);
    expect((await anon.request('GET', '/.well-known/did.json', undefined, from('203.0.113.7'))).status).to.equal(200);
  });

  it('limits certificate uploads more tightly (a signature check each)', async () => {
    const anon = new ApiClient(env.url);
    const upload = () => anon.request('POST', '/api/v1/certificate-openbadges/verify', '{"not":"a credential"}', { ...from('192.0.2.44'), 'content-type': 'application/json' });
    expect((await upload()).status).to.be.within(200, 499).and.not.equal(429);
    expect((await upload()).status).to.not.equal(429);
    expect((await upload()).status).to.equal(429);
  });

  it('leaves health checks, logins and signed-in callers alone', async () => {
    const anon = new ApiClient(env.url);
    for (let i = 0; i < 8; i++) expect((await anon.request('GET', '/health', undefined, from('203.0.113.50'))).status).to.equal(200);
    // A whole exam room behind one address logs in at once: only failed logins are throttled.
    for (let i = 0; i < 7; i++) {
      const r = await anon.request('POST', '/api/v1/auth/login', { username: `tidak.ada.${i}@test.local`, password: 'Salah-sandi-123' }, from('203.0.113.60'));
      expect(r.status).to.equal(401);
    }
    const learner = await createUser(env, 'learner');
    for (let i = 0; i < 8; i++) expect((await learner.api.request('GET', '/api/v1/auth/me', undefined, from('203.0.113.70'))).status).to.equal(200);
  });
});
