/**
 * The second factor's pages: the login step after the password (`/login/totp`: the code from the
 * app or a recovery code; or, when BINA_TOTP_REQUIRED asks it of an admin or trainer who has
 * none yet, enrolling first), the person's own security page (`/account/security`: enrol with a
 * QR code, new recovery codes, turn it off) and the admin's reset for a lost phone.
 *
 * Between the password and the second step the session holds only `pendingLogin` (who, since
 * when, where to go next), never a signed-in user; it lasts five minutes, and wrong codes count
 * against the same login throttle as wrong passwords.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { KernelServices } from '../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../http/route-table';
import { Errors } from '../kernel/errors';
import { objectId, type IdentityService } from './identity-service';
import type { LoginThrottle } from './login-throttle';
import type { SessionIndex } from './session-index';
import type { SessionUser } from './session-user';
import type { TotpService } from './totp';

declare module 'express-session' {
  interface SessionData {
    /** Password given, second step outstanding. */
    pendingLogin?: { userId: string; username: string; at: number; next: string; step: 'verify' | 'enrol'; secret?: string };
    /** A secret being enrolled from the security page, until a code proves the app has it. */
    totpSetup?: { secret: string; at: number };
  }
}

const PENDING_MS = 5 * 60_000;
const codeField = z.string().trim().max(40).default('');

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export async function logIn(req: Request, user: SessionUser): Promise<void> {
  // passport ≥ 0.6 regenerates the session here, so an id planted before login is useless (session fixation).
  await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
  // The new session's form token is made now and saved with it before the login is answered. Made
  // later by the first page, two pages loading at once (the redirect target and the next page a
  // quick person or a test opens) each made their own, and the slower one's save replaced the
  // other's: a page held a token its session no longer had, and its form answered 403.
  req.csrfToken?.();
}

/**
 * After a right password: starts the second step in a fresh session (the caller redirects to
 * `/login/totp`).
 */
export async function beginSecondStep(req: Request, u: { id: string; username: string }, step: 'verify' | 'enrol', next: string, now: Date): Promise<void> {
  await regenerate(req);
  req.session.pendingLogin = { userId: u.id, username: u.username, at: now.getTime(), next, step };
}

export function registerTotpRoutes(services: KernelServices, identity: IdentityService, totp: TotpService, throttle: LoginThrottle, sessions: SessionIndex): void {
  const add = (fullPath: string, spec: RouteSpec, h: RouteHandler) => services.routes.add('core', fullPath, spec, h);
  const now = () => services.clock.now();
  const pending = (req: Request) => {
    const p = req.session?.pendingLogin;
    return p && now().getTime() - p.at < PENDING_MS ? p : undefined;
  };

  async function stepPage(req: Request, t: (key: string) => string, extra: Record<string, unknown> = {}, status?: number) {
    const p = pending(req)!;
    let setup: { secret: string; qrSvg: string } | undefined;
    if (p.step === 'enrol') {
      setup = await totp.setup(p.username, p.secret);
      if (!p.secret) req.session.pendingLogin = { ...p, secret: setup.secret };
    }
    return { view: 'core/login-totp', title: t('totp.loginTitle'), status, data: { enrol: p.step === 'enrol', setup, ...extra } };
  }

  add('/login/totp', { method: 'get', path: '/login/totp', kind: 'page', public: true, rateLimit: false, summary: 'Second login step: the authenticator code (or enrolling one when required)' }, async ({ req, res, t }) => {
    if (!pending(req)) return void res.redirect('/login');
    return stepPage(req, t);
  });
  add('/login/totp', { method: 'post', path: '/login/totp', kind: 'page', public: true, rateLimit: false, summary: 'Second login step (form)', body: z.object({ code: codeField, _csrf: z.string().optional() }) }, async ({ body, req, res, t }) => {
    const p = pending(req);
    if (!p) return void res.redirect('/login');
    const ip = req.ip ?? 'unknown';
    try {
      await throttle.check(ip, p.username);
    } catch {
      return stepPage(req, t, { error: t('login.throttled') }, 429);
    }
    let recoveryCodes: string[] | undefined;
    let ok: boolean;
    if (p.step === 'enrol') {
      const codes = p.secret ? await totp.enable(p.userId, p.secret, body.code) : false;
      ok = Boolean(codes);
      if (codes) recoveryCodes = codes;
    } else {
      ok = Boolean(await totp.check(p.userId, body.code));
    }
    if (!ok) {
      await throttle.failed(ip, p.username);
      return stepPage(req, t, { error: t('totp.wrongCode') }, 401);
    }
    await throttle.succeeded(ip, p.username);
    const user = await identity.findSessionUser(p.userId, 'session');
    if (!user) return void res.redirect('/login');
    await logIn(req, user);
    await sessions.add(user.id, req.sessionID, { at: now(), ip: req.ip, userAgent: req.headers['user-agent'] });
    if (recoveryCodes) return { view: 'core/totp-recovery', title: t('totp.recoveryTitle'), data: { codes: recoveryCodes, next: p.next } };
    res.redirect(p.next);
  });

  // ---- the person's own security page ----
  const CAP = 'core:totp';
  // Reached from the profile page (src/identity/pages/profile.hbs), not from the bar.

  async function securityPage(user: SessionUser, t: (key: string) => string, extra: Record<string, unknown> = {}, status?: number) {
    const s = await totp.status(user.id);
    const required = services.config.BINA_TOTP_REQUIRED && totp.eligible(user.roles);
    return { view: 'core/account-security', title: t('totp.title'), status, data: { ...s, required, ...extra } };
  }
  add('/account/security', { method: 'get', path: '/account/security', kind: 'page', capability: CAP, summary: 'My second factor (authenticator app, recovery codes)' }, ({ user, t }) => securityPage(user!, t));
  add('/account/security/setup', { method: 'post', path: '/account/security/setup', kind: 'page', capability: CAP, summary: 'Start enrolling an authenticator app (shows the QR code)', body: z.object({ _csrf: z.string().optional() }) }, async ({ user, req, t }) => {
    const s = await totp.setup(user!.username);
    req.session.totpSetup = { secret: s.secret, at: now().getTime() };
    return securityPage(user!, t, { setup: { secret: s.secret, qrSvg: s.qrSvg } });
  });
  add('/account/security/enable', { method: 'post', path: '/account/security/enable', kind: 'page', capability: CAP, summary: 'Turn the second factor on with a code from the app (shows the recovery codes once)', body: z.object({ code: codeField, _csrf: z.string().optional() }) }, async ({ body, user, req, res, t }) => {
    const setup = req.session.totpSetup;
    if (!setup || now().getTime() - setup.at > PENDING_MS) return void res.redirect('/account/security');
    const codes = await totp.enable(user!.id, setup.secret, body.code);
    if (!codes) return securityPage(user!, t, { setup: await totp.setup(user!.username, setup.secret), error: t('totp.wrongCode') }, 400);
    delete req.session.totpSetup;
    return { view: 'core/totp-recovery', title: t('totp.recoveryTitle'), data: { codes, next: '/account/security' } };
  });
  add('/account/security/recovery', { method: 'post', path: '/account/security/recovery', kind: 'page', capability: CAP, summary: 'New recovery codes (a code from the app first)', body: z.object({ code: codeField, _csrf: z.string().optional() }) }, async ({ body, user, t }) => {
    if ((await totp.check(user!.id, body.code)) !== 'totp') return securityPage(user!, t, { error: t('totp.wrongCode') }, 400);
    return { view: 'core/totp-recovery', title: t('totp.recoveryTitle'), data: { codes: await totp.renewRecovery(user!.id), next: '/account/security' } };
  });
  add('/account/security/disable', { method: 'post', path: '/account/security/disable', kind: 'page', capability: CAP, summary: 'Turn the second factor off (a code first; not when a setting requires it)', body: z.object({ code: codeField, _csrf: z.string().optional() }) }, async ({ body, user, res, t }) => {
    if (services.config.BINA_TOTP_REQUIRED && totp.eligible(user!.roles)) return securityPage(user!, t, { error: t('totp.requiredCannotDisable') }, 409);
    if (!(await totp.check(user!.id, body.code))) return securityPage(user!, t, { error: t('totp.wrongCode') }, 400);
    await totp.disable(user!.id, user!.id);
    res.redirect(303, '/account/security');
  });

  // ---- admins: a lost phone and lost recovery codes ----
  add('/api/v1/users/:userId/totp', { method: 'delete', path: '/users/:userId/totp', capability: 'core:users-manage', summary: 'Turn off a person\'s second factor (lost phone and codes; audited; they enrol again at the next login when it is required)', params: z.object({ userId: objectId }) }, async ({ params, user }) => {
    if (!(await totp.disable(params.userId, user!.id))) throw Errors.notFound('This person has no second factor');
    return { disabled: true };
  });
}
