/**
 * The per-process cache of API tokens and users (ADR 0067) never outlives a change that matters:
 * a revoked token, a deactivated user and a role change are refused or seen at once by the
 * process that stored them, and by another process (a second IdentityService on its own
 * connection, as a second web process would be) as soon as it next reads the auth epoch. A token
 * in use writes its `lastUsedAt` once, not on every request.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { defineIdentityModels } from '../../src/identity/identity-models';
import { IdentityService } from '../../src/identity/identity-service';
import { PasswordHasher } from '../../src/identity/password';
import { systemClock } from '../../src/kernel/clock';
import { ApiClient, createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';

describe('auth cache (ADR 0067)', function () {
  this.timeout(120_000);

  let env: TestEnv;
  let admin: TestUser;
  let conn: mongoose.Connection;
  /** Another process: its own connection, models and caches. */
  let other: IdentityService;

  before(async () => {
    env = await startTestEnv({ only: [] });
    admin = await createUser(env, 'admin');
    conn = await mongoose.createConnection(env.config.MONGODB_URI).asPromise();
    other = new IdentityService(defineIdentityModels(conn), new PasswordHasher(4096), env.kernel.services.audit, systemClock);
  });

  after(async () => {
    await conn?.close();
    await env?.stop();
  });

  async function newToken(user: TestUser) {
    const created = await user.api.post('/api/v1/auth/tokens', { name: 'cache' });
    expect(created.status).to.equal(201);
    return { id: created.body.id as string, token: created.body.token as string, api: new ApiClient(env.url, created.body.token) };
  }

  it('refuses a revoked token at once here and soon in another process', async () => {
    const learner = await createUser(env, 'learner');
    const t = await newToken(learner);
    expect((await t.api.get('/api/v1/auth/me')).status).to.equal(200);
    expect((await other.userForToken(t.token))?.id).to.equal(learner.id);
    expect((await learner.api.delete(`/api/v1/auth/tokens/${t.id}`)).status).to.equal(200);
    expect((await t.api.get('/api/v1/auth/me')).status).to.equal(401);
    await waitFor(async () => (await other.userForToken(t.token)) === undefined, 'the other process refuses the revoked token');
  });

  it('refuses a deactivated user at once here and soon in another process, and lets them back after reactivation', async () => {
    const learner = await createUser(env, 'learner');
    const t = await newToken(learner);
    expect((await t.api.get('/api/v1/auth/me')).status).to.equal(200);
    expect(await other.findSessionUser(learner.id, 'session')).to.include({ id: learner.id });
    expect((await admin.api.put(`/api/v1/users/${learner.id}/active`, { active: false })).status).to.equal(200);
    expect((await t.api.get('/api/v1/auth/me')).status).to.equal(401);
    await waitFor(async () => (await other.userForToken(t.token)) === undefined, 'the other process refuses the token of a deactivated user');
    await waitFor(async () => (await other.findSessionUser(learner.id, 'session')) === undefined, 'the other process ends the session of a deactivated user');
    expect((await admin.api.put(`/api/v1/users/${learner.id}/active`, { active: true })).status).to.equal(200);
    expect((await t.api.get('/api/v1/auth/me')).status).to.equal(200);
  });

  it('shows a role change at once here and soon in another process', async () => {
    const person = await createUser(env, 'learner');
    const t = await newToken(person);
    expect((await other.userForToken(t.token))?.roles).to.deep.equal(['learner']);
    await env.kernel.identity.setRoles(person.id, ['learner', 'trainer'], admin.id);
    expect((await t.api.get('/api/v1/auth/me')).body.user.roles).to.have.members(['learner', 'trainer']);
    await waitFor(async () => (await other.userForToken(t.token))?.roles.includes('trainer'), 'the other process sees the new role');
  });

  it('records a token\'s last use once, not on every request, and the token list shows it', async () => {
    const learner = await createUser(env, 'learner');
    const t = await newToken(learner);
    const { TokenUse } = env.kernel.identity.models;
    expect((await t.api.get('/api/v1/auth/me')).status).to.equal(200);
    const first = await waitFor(async () => (await TokenUse.findById(t.id).lean())?.at, 'the first use recorded');
    for (let i = 0; i < 5; i++) expect((await t.api.get('/api/v1/auth/me')).status).to.equal(200);
    // The next write is due only LAST_USED_EVERY_MS later, so the stored time is still the first one.
    expect((await TokenUse.findById(t.id).lean())?.at.getTime()).to.equal(first.getTime());
    const listed = (await learner.api.get('/api/v1/auth/tokens')).body.tokens.find((x: { id: string }) => x.id === t.id);
    expect(new Date(listed.lastUsedAt).getTime()).to.equal(first.getTime());
  });

  it('never lets a use of the token at the moment of its revocation undo the revocation', async () => {
    // On FerretDB 1.x an update rewrites the whole row without a lock: a last-used write on the
    // token's own row, racing the revocation, could store the row unrevoked again.
    for (let round = 0; round < 5; round++) {
      const learner = await createUser(env, 'learner');
      const t = await newToken(learner);
      const uses = Array.from({ length: 8 }, () => other.userForToken(t.token));
      const revoked = learner.api.delete(`/api/v1/auth/tokens/${t.id}`);
      await Promise.all([...uses, revoked]);
      expect((await revoked).status).to.equal(200);
      expect((await env.kernel.identity.models.ApiToken.findById(t.id).lean())?.revokedAt, `round ${round}`).to.be.instanceOf(Date);
      expect((await t.api.get('/api/v1/auth/me')).status).to.equal(401);
    }
  });

  it('hands each request its own copy of the cached user', async () => {
    const learner = await createUser(env, 'learner');
    const a = await env.kernel.identity.findSessionUser(learner.id, 'session');
    a!.roles.push('admin');
    const b = await env.kernel.identity.findSessionUser(learner.id, 'token');
    expect(b).to.include({ via: 'token' });
    expect(b!.roles).to.deep.equal(['learner']);
  });
});
