/**
 * Data-subject requests for admins (UU 27/2022): a person's page links to "Data pribadi", which
 * shows what each part of Bina holds about them, downloads it as JSON or as a readable PDF, and
 * erases it on a lawful request (a reference is required and the person's login typed again, so
 * no click erases by accident). The same over the API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'express';
import { z } from 'zod';
import type { KernelServices } from '../host/kernel-services';
import type { RouteHandler, RouteInput, RouteSpec } from '../http/route-table';
import { Errors } from '../kernel/errors';
import { objectId } from '../kernel/object-id';
import { anyForm, one } from '../identity/pages/page-kit';
import { ERASED_NAME, type PersonData, type EraseReport } from './person-data';
import { personPdf } from './person-pdf';

export const PRIVACY_CAP = 'core:privacy-manage';
const userParams = z.object({ userId: objectId });
const eraseBody = z.strictObject({
  reference: z.string().trim().min(3).max(200),
  removeName: z.boolean().default(false),
});
const msgQuery = z.object({ msg: z.enum(['erased']).optional() });

export function registerPrivacyRoutes(services: KernelServices, people: PersonData): void {
  for (const locale of ['id', 'en'] as const) {
    services.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  services.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  const add = (fullPath: string, spec: Omit<RouteSpec, 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath.replace(/^\/api\/v1/, '') }, h);

  async function mustExist(userId: string) {
    const u = await people.account(userId);
    if (!u) throw Errors.notFound('No such person');
    return u;
  }
  const fileName = (u: { _id: unknown }, ext: string) => `data-pribadi-${String(u._id)}.${ext}`;

  add('/api/v1/users/:userId/personal-data', { method: 'get', capability: PRIVACY_CAP, summary: 'Everything Bina holds about a person (account, each plugin\'s declared stores, audit rows), as JSON', params: userParams }, async ({ params }) => {
    await mustExist(params.userId);
    return people.export(params.userId);
  });
  add('/api/v1/users/:userId/erasure', { method: 'post', capability: PRIVACY_CAP, summary: 'Erase or anonymise a person on a lawful request, plugin by plugin (certificates stay verifiable; audit rows redacted, chain kept)', params: userParams, body: eraseBody }, async ({ params, body, user }) => {
    await mustExist(params.userId);
    if (params.userId === user!.id) throw Errors.conflict('You cannot erase your own account');
    return { erasure: await people.erase(params.userId, { removeName: body.removeName, reference: body.reference, actorId: user!.id }) };
  });

  async function page({ params, t, user, locale }: Pick<RouteInput, 't' | 'user' | 'locale'> & { params: { userId: string } }, extra: { msg?: string; errors?: Record<string, string>; form?: Record<string, string>; report?: EraseReport; status?: number } = {}) {
    const u = await mustExist(params.userId);
    const counts = await people.counts(params.userId);
    return {
      view: 'core/person-data', title: t('privacy.title'), status: extra.status,
      data: {
        person: { id: String(u._id), name: u.name, login: u.nip ?? u.email ?? u.username, erased: u.name === ERASED_NAME && !u.active, self: String(u._id) === user!.id },
        stores: counts.map((c) => ({ ...c, about: c.owner === 'core' ? t('privacy.core') : services.translator.exists(locale, `${c.owner}:plugin.description`) ? t(`${c.owner}:plugin.description`) : '' })),
        total: counts.reduce((n, c) => n + c.rows, 0),
        msg: extra.msg ?? '', errors: extra.errors ?? {}, form: extra.form ?? {},
        report: extra.report,
      },
    };
  }

  add('/admin/users/:userId/personal-data', { method: 'get', kind: 'page', capability: PRIVACY_CAP, summary: 'A person\'s data: what each part of Bina holds, downloads, erasure', params: userParams, query: msgQuery }, async (input) => page(input, { msg: input.query.msg }));
  add('/admin/users/:userId/personal-data.json', { method: 'get', kind: 'page', capability: PRIVACY_CAP, summary: 'A person\'s data as a JSON download', params: userParams }, async ({ params, res }) => {
    const u = await mustExist(params.userId);
    (res as Response).type('application/json; charset=utf-8').attachment(fileName(u, 'json')).send(JSON.stringify(await people.export(params.userId), null, 2));
  });
  add('/admin/users/:userId/personal-data.pdf', { method: 'get', kind: 'page', capability: PRIVACY_CAP, summary: 'A readable PDF summary of a person\'s data', params: userParams }, async ({ params, res, t }) => {
    const u = await mustExist(params.userId);
    const data = (await people.export(params.userId))!;
    const labels = { title: t('privacy.pdf.title'), generated: t('privacy.pdf.generated'), account: t('privacy.pdf.account'), rows: t('privacy.rows'), purpose: t('privacy.pdf.purpose'), erase: t('privacy.pdf.erase'), audit: t('privacy.pdf.audit'), more: t('privacy.pdf.more'), none: t('privacy.pdf.none') };
    (res as Response).type('application/pdf').attachment(fileName(u, 'pdf')).send(await personPdf(data, labels));
  });
  const erasePage: RouteHandler = async (input) => {
    const { params, body, user, t, res } = input;
    const form = { reference: one(body, 'reference'), confirm: one(body, 'confirm'), removeName: one(body, 'removeName') };
    const u = await mustExist(params.userId);
    const errors: Record<string, string> = {};
    const parsed = eraseBody.safeParse({ reference: form.reference, removeName: form.removeName === '1' });
    if (!parsed.success) errors.reference = t('privacy.err.reference');
    const login = u.nip ?? u.email ?? u.username;
    if (form.confirm.trim() !== login) errors.confirm = t('privacy.err.confirm');
    if (String(u._id) === user!.id) errors.confirm = t('privacy.err.self');
    if (Object.keys(errors).length || !parsed.success) return page(input, { errors, form, status: 400 });
    await people.erase(params.userId, { removeName: parsed.data.removeName, reference: parsed.data.reference, actorId: user!.id });
    (res as Response).redirect(303, `/admin/users/${params.userId}/personal-data?msg=erased`);
  };
  add('/admin/users/:userId/personal-data/erase', { method: 'post', kind: 'page', capability: PRIVACY_CAP, summary: 'Erase or anonymise a person on a lawful request (form)', params: userParams, body: anyForm }, erasePage);
}
