/**
 * The profile page, for everyone signed in (linked from the user's name in the navigation bar):
 * who I am (read-only: admins keep these fields), language and time zone, change my password, my
 * sessions on other devices (end one), my personal API tokens (create: shown once; revoke).
 * `/profile/password` is also the forced-change page after an admin's reset: until the password
 * is changed, every other page leads there (src/http/app.ts).
 */
import { z } from 'zod';
import type { KernelServices } from '../../host/kernel-services';
import type { PageResult, RouteHandler, RouteSpec } from '../../http/route-table';
import type { Locale } from '../../views/i18n';
import type { SessionUser } from '../session-user';
import { golonganLabel, nameWithTitles, TIME_ZONES } from '../asn-lists';
import type { IdentityService } from '../identity-service';
import type { SessionIndex } from '../session-index';
import type { UserAdmin } from '../user-admin';
import { objectId } from '../user-fields';
import { passwordChange, preferences } from '../profile-routes';
import { UnitTree } from '../unit-tree';
import { anyForm, issueErrors, one, serviceErrors } from './page-kit';
import type { Request } from 'express';

const CAP = 'core:self';

export function registerProfilePages(services: KernelServices, identity: IdentityService, admin: UserAdmin, sessions: SessionIndex): void {
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'path' | 'capability'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page', capability: CAP }, h);
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);

  async function profilePage(user: SessionUser, req: Request, locale: Locale, extra: { errors?: Record<string, string>; status?: number; msg?: string; newToken?: string } = {}): Promise<PageResult> {
    const t = tr(locale);
    const u = await admin.get(user.id);
    const unit = u.unitId ? (await UnitTree.load(identity.models.Unit)).byId.get(String(u.unitId))?.path : undefined;
    const supervisor = u.supervisorId ? await identity.models.User.findById(u.supervisorId, { name: 1, frontTitle: 1, backTitle: 1 }).lean() : null;
    const tokens = await identity.withLastUsed(await identity.models.ApiToken.find({ userId: user.id, revokedAt: { $exists: false } }).sort({ createdAt: -1 }).lean());
    return {
      view: 'core/profile', title: t('profile.title'), status: extra.status,
      data: {
        me: {
          login: u.nip ?? u.email, name: nameWithTitles(u), email: u.email, phone: u.phone, unit, golongan: golonganLabel(u.golongan),
          position: [u.positionName, u.positionType ? t(`people.positionType.${u.positionType}`) : '', u.functionalLevel ? t(`people.level.${u.functionalLevel}`) : ''].filter(Boolean).join(' · '),
          supervisor: supervisor ? nameWithTitles(supervisor) : '', roles: u.roles.map((r) => t(`people.role.${r}`)).join(', '),
        },
        prefs: { locale: u.locale, zones: TIME_ZONES.map((z) => ({ id: z.id, label: t(`people.zone.${z.label}`), selected: z.id === u.timeZone })) },
        // Two-step verification lives on its own page; the profile links to it (not the bar).
        canTotp: services.authz.canSomewhere(user, 'core:totp'),
        sessions: await sessions.list(user.id, req.sessionID),
        tokens: tokens.map((x) => ({ id: String(x._id), name: x.name, hint: x.hint, createdAt: x.createdAt, lastUsedAt: x.lastUsedAt, expiresAt: x.expiresAt })),
        errors: extra.errors ?? {}, msg: extra.msg ?? '', newToken: extra.newToken,
      },
    };
  }

  page('/profile', { method: 'get', summary: 'My profile: password, language and time zone, sessions, API tokens', query: z.object({ msg: z.string().max(20).optional() }) }, ({ user, req, locale, query }) => profilePage(user!, req, locale, { msg: query.msg }));

  page('/profile/password', { method: 'get', passwordChangeExempt: true, summary: 'Change my password (also the forced change after a reset)' }, ({ user, locale }) => ({
    view: 'core/profile-password', title: tr(locale)('profile.password'), data: { forced: Boolean(user!.mustChangePassword), errors: {} },
  }));
  page('/profile/password', { method: 'post', passwordChangeExempt: true, summary: 'Change my password (form)', body: anyForm }, async ({ body, user, req, res, locale }) => {
    const forced = Boolean(user!.mustChangePassword);
    const input = { current: one(body, 'current'), password: one(body, 'password') };
    const again = one(body, 'passwordAgain');
    const errors: Record<string, string> = {};
    const parsed = passwordChange.safeParse(input);
    if (!parsed.success) Object.assign(errors, issueErrors(services, locale, parsed.error.issues));
    if (!errors.password && input.password !== again) errors.passwordAgain = tr(locale)('profile.err.again');
    if (!Object.keys(errors).length) {
      try {
        await admin.changeOwnPassword(user!.id, input.current, input.password, req.sessionID);
      } catch (e) {
        const errs = serviceErrors(services, locale, e);
        if (!errs) throw e;
        Object.assign(errors, errs);
      }
    }
    if (Object.keys(errors).length) {
      const from = one(body, 'from');
      if (from === 'profile') return profilePage(user!, req, locale, { errors, status: 400 });
      return { view: 'core/profile-password', title: tr(locale)('profile.password'), status: 400, data: { forced, errors } };
    }
    res.redirect(303, forced ? '/?msg=password' : '/profile?msg=password');
  });

  page('/profile/preferences', { method: 'post', summary: 'Set my language and time zone (form)', body: anyForm }, async ({ body, user, req, res, locale }) => {
    const parsed = preferences.safeParse({ locale: one(body, 'locale') || undefined, timeZone: one(body, 'timeZone') || undefined });
    if (!parsed.success) return profilePage(user!, req, locale, { errors: issueErrors(services, locale, parsed.error.issues), status: 400 });
    const u = await admin.setPreferences(user!.id, parsed.data);
    // The language cookie wins over the stored preference (app.ts): keep them the same.
    res.cookie('bina_lang', u.locale, { httpOnly: false, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    res.redirect(303, '/profile?msg=prefs');
  });

  page('/profile/sessions/:handle/end', { method: 'post', summary: 'Sign one of my other devices out (form)', params: z.object({ handle: z.string().regex(/^[A-Za-z0-9_-]{22}$/) }), body: anyForm }, async ({ params, user, res }) => {
    const ended = await sessions.end(user!.id, params.handle);
    res.redirect(303, `/profile?msg=${ended ? 'ended' : 'noSession'}#sessions`);
  });

  page('/profile/tokens', { method: 'post', summary: 'Create a personal API token (form; shown once)', body: anyForm }, async ({ body, user, req, locale }) => {
    const parsed = z.object({ name: z.string().trim().min(1).max(100), days: z.union([z.literal(''), z.coerce.number().int().min(1).max(3650)]) }).safeParse({ name: one(body, 'name'), days: one(body, 'days') });
    if (!parsed.success) return profilePage(user!, req, locale, { errors: Object.fromEntries(Object.entries(issueErrors(services, locale, parsed.error.issues)).map(([f, m]) => [`token${f[0]!.toUpperCase()}${f.slice(1)}`, m])), status: 400 });
    const days = parsed.data.days === '' ? undefined : parsed.data.days;
    const { token } = await identity.createToken(user!.id, parsed.data.name, days ? new Date(services.clock.now().getTime() + days * 86_400_000) : undefined);
    return profilePage(user!, req, locale, { newToken: token, msg: 'token' });
  });
  page('/profile/tokens/:tokenId/revoke', { method: 'post', summary: 'Revoke one of my API tokens (form)', params: z.object({ tokenId: objectId }), body: anyForm }, async ({ params, user, res }) => {
    await identity.revokeToken(user!.id, params.tokenId);
    res.redirect(303, '/profile?msg=revoked#tokens');
  });
}
