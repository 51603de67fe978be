/**
 * The unit tree page for admins: instansi at the top, unit kerja below, each with its people count
 * and a link to its people; a form to add a unit; a unit's page to rename it, change its code or
 * region, or move it under another unit (never below itself). Changes go through the same code as
 * the API (updateUnit).
 */
import { z } from 'zod';
import type { KernelServices } from '../../host/kernel-services';
import type { PageResult, RouteHandler, RouteSpec } from '../../http/route-table';
import type { Locale } from '../../views/i18n';
import type { IdentityService } from '../identity-service';
import { updateUnit } from '../people-routes';
import { objectId } from '../user-fields';
import { UnitTree } from '../unit-tree';
import { anyForm, one, serviceErrors } from './page-kit';

const CAP = 'core:units-manage';
const unitForm = z.object({ code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/), name: z.string().trim().min(1).max(200), region: z.string().trim().max(100), parentId: z.union([objectId, z.literal('')]) });

export function registerUnitPages(services: KernelServices, identity: IdentityService): void {
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'path' | 'capability'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page', capability: CAP }, h);
  const { Unit, User } = identity.models;
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);

  function formErrors(locale: Locale, issues: z.core.$ZodIssue[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const i of issues) out[String(i.path[0])] ??= tr(locale)(`units.err.${String(i.path[0])}`);
    return out;
  }

  async function treePage(locale: Locale, extra: { form?: Record<string, string>; errors?: Record<string, string>; status?: number; msg?: string } = {}): Promise<PageResult> {
    const tree = await UnitTree.load(Unit);
    const counts = new Map((await User.aggregate<{ _id: unknown; n: number }>([{ $match: { active: true } }, { $group: { _id: '$unitId', n: { $sum: 1 } } }])).map((c) => [String(c._id), c.n]));
    return {
      view: 'core/units', title: tr(locale)('units.title'), status: extra.status,
      data: {
        units: tree.ordered.map((n) => ({ ...n, indent: Math.min(n.depth, 6), people: counts.get(n.id) ?? 0 })),
        parents: tree.options(extra.form?.parentId),
        form: extra.form ?? {}, errors: extra.errors ?? {}, msg: extra.msg ?? '',
      },
    };
  }

  page('/admin/units', { method: 'get', summary: 'The unit tree (instansi → unit kerja)', query: z.object({ msg: z.string().max(20).optional() }) }, ({ locale, query }) => treePage(locale, { msg: query.msg }));
  page('/admin/units', { method: 'post', summary: 'Add a unit (form)', body: anyForm }, async ({ body, locale, res }) => {
    const form = { code: one(body, 'code').trim(), name: one(body, 'name').trim(), region: one(body, 'region').trim(), parentId: one(body, 'parentId') };
    const parsed = unitForm.safeParse(form);
    if (!parsed.success) return treePage(locale, { form, errors: formErrors(locale, parsed.error.issues), status: 400 });
    if (await Unit.exists({ code: form.code })) return treePage(locale, { form, errors: { code: tr(locale)('people.err.codeTaken') }, status: 400 });
    if (form.parentId && !(await Unit.exists({ _id: form.parentId }))) return treePage(locale, { form, errors: { parentId: tr(locale)('people.err.unit') }, status: 400 });
    await Unit.create({ code: form.code, name: form.name, ...(form.region ? { region: form.region } : {}), ...(form.parentId ? { parentId: form.parentId } : {}) });
    res.redirect(303, '/admin/units?msg=created');
  });

  async function unitPage(locale: Locale, unitId: string, extra: { form?: Record<string, string>; errors?: Record<string, string>; status?: number } = {}): Promise<PageResult> {
    const tree = await UnitTree.load(Unit);
    const n = tree.byId.get(unitId);
    if (!n) return { view: 'core/error', title: tr(locale)('errors.title'), status: 404, data: { status: 404, message: tr(locale)('units.notFound') } };
    const below = tree.subtree([unitId]);
    const form = extra.form ?? { code: n.code, name: n.name, region: n.region ?? '', parentId: n.parentId ?? '' };
    return {
      view: 'core/unit-edit', title: n.name, status: extra.status,
      data: {
        unit: n, form, errors: extra.errors ?? {},
        // Never below itself: its own subtree is not offered.
        parents: tree.options(form.parentId).filter((o) => !below.has(o.id)),
        people: await User.countDocuments({ unitId, active: true }),
      },
    };
  }
  page('/admin/units/:unitId', { method: 'get', summary: 'A unit: rename, recode or move it', params: z.object({ unitId: objectId }) }, ({ params, locale }) => unitPage(locale, params.unitId));
  page('/admin/units/:unitId', { method: 'post', summary: 'Save a unit (form)', params: z.object({ unitId: objectId }), body: anyForm }, async ({ params, body, locale, res }) => {
    const form = { code: one(body, 'code').trim(), name: one(body, 'name').trim(), region: one(body, 'region').trim(), parentId: one(body, 'parentId') };
    const parsed = unitForm.safeParse(form);
    if (!parsed.success) return unitPage(locale, params.unitId, { form, errors: formErrors(locale, parsed.error.issues), status: 400 });
    try {
      await updateUnit(identity, params.unitId, parsed.data);
    } catch (e) {
      const errs = serviceErrors(services, locale, e);
      if (!errs) throw e;
      return unitPage(locale, params.unitId, { form, errors: errs, status: 400 });
    }
    res.redirect(303, '/admin/units?msg=saved');
  });
}
