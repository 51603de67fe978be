/** Login and logout (page and API), the caller's profile and API tokens. Users and units: people-routes.ts. */
import type { Request } from 'express';
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { RouteSpec, RouteHandler } from '../http/route-table';
import { objectId, toSessionUser, type IdentityService } from './identity-service';
import type { SessionIndex } from './session-index';
import { LoginThrottle } from './login-throttle';
import { TotpErrors, type TotpService } from './totp';
import { beginSecondStep, logIn, registerTotpRoutes } from './totp-routes';

const credentials = z.strictObject({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(256),
  /** The authenticator app's code (or a recovery code), for an account with a second factor. */
  totp: z.string().trim().min(1).max(40).optional(),
});

/** Only same-site relative paths: an open redirect after login would help phishing. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : '/';
}

function logOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.logout((err) => (err ? reject(err) : resolve())));
}

export function registerIdentityRoutes(services: KernelServices, identity: IdentityService, sessions: SessionIndex): void {
  const add = (fullPath: string, spec: RouteSpec, h: RouteHandler) => services.routes.add('core', fullPath, spec, h);
  const throttle = new LoginThrottle(services.queues.connection, services.config.BINA_QUEUE_PREFIX, services.config.BINA_LOGIN_RATE_LIMIT, services.config.BINA_LOGIN_RATE_WINDOW_MS);
  const totp = services.providers.require('totp').impl as TotpService;
  registerTotpRoutes(services, identity, totp, throttle, sessions);

  /**
   * Password check (throttled). With a second factor: the form login goes on at /login/totp
   * (`second`); the JSON login needs `totp` in the body, else it answers 401
   * BINA_ERR_AUTH_TOTP_REQUIRED (or 403 BINA_ERR_AUTH_TOTP_ENROL when one must be enrolled first, in the browser).
   */
  async function attempt(req: Request, username: string, password: string, second?: { form: true; next: string } | { form: false; code?: string }) {
    const ip = req.ip ?? 'unknown';
    await throttle.check(ip, username);
    const u = await identity.authenticate(username, password);
    if (!u) {
      await throttle.failed(ip, username);
      return undefined;
    }
    const step = await totp.loginStep(u);
    if (step !== 'none' && second?.form) {
      await throttle.succeeded(ip, username);
      await beginSecondStep(req, { id: String(u._id), username: u.username }, step, second.next, services.clock.now());
      return 'second-step' as const;
    }
    if (step === 'enrol') throw TotpErrors.enrol('A second factor is required: log in once in the browser to enrol an authenticator app');
    if (step === 'verify' && !(second && !second.form && second.code && (await totp.check(String(u._id), second.code)))) {
      if (second && !second.form && second.code) await throttle.failed(ip, username);
      throw TotpErrors.required('This account needs the code from its authenticator app (totp)');
    }
    await throttle.succeeded(ip, username);
    const su = toSessionUser(u, 'session');
    await logIn(req, su);
    // Indexed per user, so the profile page can list and end them and a reset can end them all.
    await sessions.add(su.id, req.sessionID, { at: services.clock.now(), ip: req.ip, userAgent: req.headers['user-agent'] });
    return su;
  }

  add('/login', { method: 'get', path: '/login', kind: 'page', public: true, rateLimit: false, summary: 'Login page', query: z.object({ next: z.string().optional() }) }, ({ query, t, user, res }) => {
    if (user) return void res.redirect(safeNext(query.next));
    return { view: 'core/login', title: t('login.title'), data: { next: safeNext(query.next) } };
  });
  add('/login', { method: 'post', path: '/login', kind: 'page', public: true, rateLimit: false, summary: 'Log in with a form', body: z.object({ username: z.string().max(200).default(''), password: z.string().max(256).default(''), next: z.string().optional(), _csrf: z.string().optional() }) }, async ({ body, req, res, t }) => {
    try {
      const su = body.username && body.password ? await attempt(req, body.username, body.password, { form: true, next: safeNext(body.next) }) : undefined;
      if (su === 'second-step') return void res.redirect(303, '/login/totp');
      if (su) return void res.redirect(safeNext(body.next));
      return { view: 'core/login', title: t('login.title'), status: 401, data: { error: t('login.failed'), username: body.username, next: safeNext(body.next) } };
    } catch (e) {
      if ((e as { status?: number }).status === 429) return { view: 'core/login', title: t('login.title'), status: 429, data: { error: t('login.throttled'), username: body.username } };
      throw e;
    }
  });
  add('/logout', { method: 'post', path: '/logout', kind: 'page', capability: 'core:self', passwordChangeExempt: true, summary: 'Log out' }, async ({ req, res, user }) => {
    await sessions.remove(user!.id, req.sessionID);
    // Answer only once the session is gone: the handler's promise settles after the redirect, so the
    // route layer never answers first and nothing writes to a response that was already sent.
    await logOut(req);
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie('bina.sid');
    res.redirect(303, '/login');
  });

  add('/api/v1/auth/login', { method: 'post', path: '/auth/login', public: true, rateLimit: false, csrfExempt: true, answers: [401, 403, 429], summary: 'Log in; sets the session cookie and returns a CSRF token', body: credentials }, async ({ body, req, res }) => {
    // JSON only: a cross-site form cannot send application/json without a CORS preflight.
    if (!req.is('application/json')) throw Errors.badRequest('Send the credentials as application/json');
    const su = await attempt(req, body.username, body.password, { form: false, code: body.totp });
    if (!su || su === 'second-step') throw Errors.unauthenticated('Wrong username or password');
    res.status(200).json({ user: su, csrfToken: req.csrfToken?.() ?? null });
  });
  add('/api/v1/auth/logout', { method: 'post', path: '/auth/logout', capability: 'core:self', passwordChangeExempt: true, summary: 'Log out' }, async ({ req, user }) => {
    if (user!.via === 'session') await sessions.remove(user!.id, req.sessionID);
    await logOut(req);
    return { ok: true };
  });
  add('/api/v1/auth/me', { method: 'get', path: '/auth/me', capability: 'core:self', passwordChangeExempt: true, summary: 'The signed-in user' }, ({ user }) => ({ user }));
  add('/api/v1/auth/tokens', { method: 'get', path: '/auth/tokens', capability: 'core:self', summary: 'My API tokens (without their secrets)' }, async ({ user }) => ({
    tokens: (await identity.withLastUsed(await identity.models.ApiToken.find({ userId: user!.id }).sort({ createdAt: -1 }).lean())).map((t) => ({
      id: String(t._id), name: t.name, hint: t.hint, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, expiresAt: t.expiresAt, revoked: Boolean(t.revokedAt),
    })),
  }));
  add('/api/v1/auth/tokens', { method: 'post', path: '/auth/tokens', capability: 'core:self', status: 201, links: { tokenId: '/id' }, summary: 'Create a personal API token (shown once)', body: z.strictObject({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() }) }, async ({ body, user }) => {
    const expiresAt = body.expiresInDays ? new Date(services.clock.now().getTime() + body.expiresInDays * 86_400_000) : undefined;
    return identity.createToken(user!.id, body.name, expiresAt);
  });
  add('/api/v1/auth/tokens/:tokenId', { method: 'delete', path: '/auth/tokens/:tokenId', capability: 'core:self', summary: 'Revoke one of my tokens', params: z.object({ tokenId: objectId }) }, async ({ params, user }) => {
    if (!(await identity.revokeToken(user!.id, params.tokenId))) throw Errors.notFound('No such active token');
    return { revoked: true };
  });

}

export { escapeRegex } from './escape-regex';
