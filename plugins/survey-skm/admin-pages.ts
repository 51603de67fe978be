/**
 * The admin's pages for service units (`/survey-skm/admin/units`): list, create, edit, and the
 * moderators of each (chosen with the person picker by NIP or e-mail). Refused forms come back
 * with what was typed and the reasons beside the fields, in the reader's language.
 */
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import { UnitTree } from '../../src/identity/unit-tree';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { SLUG, unitView, type ServiceUnitDoc } from './service-units';

export const MANAGE = 'survey-skm:units-manage';

const unitForm = z.object({
  name: z.string().default(''),
  slug: z.string().default(''),
  coreUnitId: z.string().default(''),
  serviceStandardDays: z.string().default('5'),
  _csrf: z.string().optional(),
});
type UnitForm = z.infer<typeof unitForm>;

export function registerAdminPages(ctx: PluginContext, Unit: Model<ServiceUnitDoc>): void {
  const id = ctx.id;
  const identity = () => ctx.use<IdentityService>('identity');

  async function unitOptions(selected: string) {
    const tree = await UnitTree.load(identity().models.Unit);
    return tree.ordered.map((u) => ({ value: u.id, label: u.path, selected: u.id === selected }));
  }

  /** Field errors in the reader's language, or the parsed values. */
  function validate(form: UnitForm, t: (k: string, a?: Record<string, unknown>) => string) {
    const errors: Record<string, string> = {};
    const name = form.name.trim();
    // Typed as words ("Loket KTP 1") it becomes an address (loket-ktp-1).
    const slug = form.slug.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    const days = Number(form.serviceStandardDays);
    if (name.length < 2 || name.length > 200) errors.name = t(`${id}:admin.errors.name`);
    if (!SLUG.test(slug) || slug.length > 60) errors.slug = t(`${id}:admin.errors.slug`);
    if (form.coreUnitId && !objectId.safeParse(form.coreUnitId).success) errors.coreUnitId = t(`${id}:admin.errors.coreUnit`);
    if (!/^\d{1,3}$/.test(form.serviceStandardDays.trim()) || days < 1 || days > 60) errors.serviceStandardDays = t(`${id}:admin.errors.days`);
    return { errors, value: { name, slug, coreUnitId: form.coreUnitId ? new Types.ObjectId(form.coreUnitId) : undefined, serviceStandardDays: days } };
  }

  async function listPage(t: (k: string) => string, form: Partial<UnitForm> = { serviceStandardDays: '5' }, errors: Record<string, string> = {}, status = 200) {
    const units = (await Unit.find({}).sort({ name: 1 }).lean()).map(unitView);
    return { view: `${id}/admin-units`, title: t(`${id}:admin.title`), status, data: { units, form, errors, unitOptions: await unitOptions(form.coreUnitId ?? '') } };
  }

  ctx.http.page({ method: 'get', path: '/admin/units', capability: MANAGE, summary: 'Service units (admin)' }, ({ t }) => listPage(t));

  ctx.http.page({ method: 'post', path: '/admin/units', capability: MANAGE, summary: 'Create a service unit (form)', body: unitForm }, async ({ body, t, res, user }) => {
    const { errors, value } = validate(body, t);
    if (!errors.slug && (await Unit.exists({ slug: value.slug }))) errors.slug = t(`${id}:admin.errors.slugTaken`);
    if (Object.keys(errors).length) return listPage(t, body, errors, 400);
    const created = await Unit.create({ ...value, moderatorIds: [], createdAt: ctx.clock.now() });
    await ctx.audit.record({ action: `${id}:audit.unitCreated`, subject: { type: 'service-unit', id: String(created._id) }, actorId: user!.id, after: { slug: value.slug, name: value.name } });
    res.redirect(`/${id}/admin/units/${created._id}`);
  });

  const unitParams = z.object({ unitId: objectId });
  async function load(unitId: string) {
    const d = await Unit.findById(unitId).lean();
    if (!d) throw Errors.notFound('Service unit not found');
    return d;
  }
  async function editPage(d: ServiceUnitDoc, t: (k: string) => string, form?: Partial<UnitForm>, errors: Record<string, string> = {}, status = 200, moderatorError?: string, moderatorValue = '') {
    const v = unitView(d);
    const people = await identity().models.User.find({ _id: { $in: d.moderatorIds ?? [] } }, { name: 1, username: 1 }).lean();
    const f = form ?? { name: v.name, slug: v.slug, coreUnitId: v.coreUnitId ?? '', serviceStandardDays: String(v.serviceStandardDays) };
    return {
      view: `${id}/admin-unit`,
      title: v.name,
      status,
      data: { unit: v, form: f, errors, moderators: people.map((p) => ({ id: String(p._id), name: p.name, username: p.username })), moderatorError, moderatorValue, unitOptions: await unitOptions(f.coreUnitId ?? '') },
    };
  }

  ctx.http.page({ method: 'get', path: '/admin/units/:unitId', capability: MANAGE, summary: 'Edit a service unit', params: unitParams }, async ({ params, t }) => editPage(await load(params.unitId), t));

  ctx.http.page({ method: 'post', path: '/admin/units/:unitId', capability: MANAGE, summary: 'Save a service unit (form)', params: unitParams, body: unitForm }, async ({ params, body, t, res, user }) => {
    const d = await load(params.unitId);
    const { errors, value } = validate(body, t);
    if (!errors.slug && (await Unit.exists({ slug: value.slug, _id: { $ne: d._id } }))) errors.slug = t(`${id}:admin.errors.slugTaken`);
    if (Object.keys(errors).length) return editPage(d, t, body, errors, 400);
    await Unit.updateOne({ _id: d._id }, value.coreUnitId ? { $set: value } : { $set: { name: value.name, slug: value.slug, serviceStandardDays: value.serviceStandardDays }, $unset: { coreUnitId: 1 } });
    await ctx.audit.record({ action: `${id}:audit.unitChanged`, subject: { type: 'service-unit', id: String(d._id) }, actorId: user!.id, before: { slug: d.slug, name: d.name, serviceStandardDays: d.serviceStandardDays }, after: { slug: value.slug, name: value.name, serviceStandardDays: value.serviceStandardDays } });
    res.redirect(`/${id}/admin/units/${d._id}?notice=saved`);
  });

  ctx.http.page(
    { method: 'post', path: '/admin/units/:unitId/moderators', capability: MANAGE, summary: 'Add a moderator (form)', params: unitParams, body: z.object({ person: z.string().max(200).default(''), _csrf: z.string().optional() }) },
    async ({ params, body, t, res, user }) => {
      const d = await load(params.unitId);
      const username = body.person.trim().replace(/\s+/g, '').toLowerCase();
      const person = username ? await identity().models.User.findOne({ username, active: true }, { _id: 1 }).lean() : null;
      if (!person) return editPage(d, t, undefined, {}, 400, t(`${id}:admin.errors.person`), body.person);
      await Unit.updateOne({ _id: d._id }, { $addToSet: { moderatorIds: person._id } });
      await ctx.audit.record({ action: `${id}:audit.moderatorAdded`, subject: { type: 'service-unit', id: String(d._id) }, actorId: user!.id, after: { userId: String(person._id) } });
      res.redirect(`/${id}/admin/units/${d._id}`);
    },
  );

  ctx.http.page(
    { method: 'post', path: '/admin/units/:unitId/moderators/:userId/remove', capability: MANAGE, summary: 'Remove a moderator (form)', params: unitParams.extend({ userId: objectId }), body: z.object({ _csrf: z.string().optional() }) },
    async ({ params, res, user }) => {
      const d = await load(params.unitId);
      await Unit.updateOne({ _id: d._id }, { $pull: { moderatorIds: new Types.ObjectId(params.userId) } });
      await ctx.audit.record({ action: `${id}:audit.moderatorRemoved`, subject: { type: 'service-unit', id: String(d._id) }, actorId: user!.id, before: { userId: params.userId } });
      res.redirect(`/${id}/admin/units/${d._id}`);
    },
  );
}
