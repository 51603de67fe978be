/**
 * A person's own account over the API: change the password (also the forced change after an
 * admin's reset), language and time zone, and the sessions on other devices (list, end one).
 * Tokens are in identity-routes.ts.
 */
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../http/route-table';
import type { SessionIndex } from './session-index';
import type { UserAdmin } from './user-admin';
import { passwordField, profileFields } from './user-fields';

export const passwordChange = z.strictObject({ current: z.string().min(1).max(256), password: passwordField });
export const preferences = z.strictObject({ locale: profileFields.locale, timeZone: profileFields.timeZone });
const sessionParams = z.object({ handle: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a session handle from the list') });

export function registerProfileRoutes(services: KernelServices, admin: UserAdmin, sessions: SessionIndex): void {
  const add = (fullPath: string, spec: Omit<RouteSpec, 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath.replace(/^\/api\/v1/, '') }, h);

  add('/api/v1/auth/password', { method: 'put', capability: 'core:self', passwordChangeExempt: true, summary: 'Change my password (knowing the current one); my other sessions end', body: passwordChange }, async ({ body, user, req }) => {
    await admin.changeOwnPassword(user!.id, body.current, body.password, user!.via === 'session' ? req.sessionID : undefined);
    return { changed: true };
  });
  add('/api/v1/auth/me', { method: 'patch', capability: 'core:self', summary: 'Set my language and time zone', body: preferences }, async ({ body, user }) => {
    const u = await admin.setPreferences(user!.id, body);
    return { user: { ...user, locale: u.locale, timeZone: u.timeZone } };
  });
  add('/api/v1/auth/sessions', { method: 'get', capability: 'core:self', summary: 'My signed-in sessions (devices), the current one marked' }, async ({ user, req }) => ({
    sessions: await sessions.list(user!.id, user!.via === 'session' ? req.sessionID : undefined),
  }));
  add('/api/v1/auth/sessions/:handle', { method: 'delete', capability: 'core:self', summary: 'End one of my sessions (sign that device out)', params: sessionParams }, async ({ params, user }) => {
    if (!(await sessions.end(user!.id, params.handle))) throw Errors.notFound('No such session');
    return { ended: true };
  });
}
