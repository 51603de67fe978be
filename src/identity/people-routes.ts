/**
 * The JSON API of people and units: list and search (paged), read, create, edit, move, roles and
 * unit-head grants, deactivate/reactivate, password reset; the unit tree; the NIP check the user
 * form calls as one types; CSV import (preview, then apply) and export. Unit heads reach the
 * people routes (`scoped: true`) and each handler checks the unit with PeopleAccess.
 */
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import { ROLES } from '../kernel/plugins/manifest';
import type { RouteHandler, RouteSpec } from '../http/route-table';
import { localize } from '../views/zod-messages';
import { publicUser, type IdentityService } from './identity-service';
import { checkAsnNumber } from './nip';
import { MANAGE, VIEW, type PeopleAccess } from './people-access';
import { exportCsv } from './people-export';
import { importInput, type PeopleImport } from './people-import';
import type { UserAdmin } from './user-admin';
import { newUserSchema, objectId, passwordField, rolesField, userPatchSchema } from './user-fields';
import { UnitTree } from './unit-tree';

const userParams = z.object({ userId: objectId });
const unitParams = z.object({ unitId: objectId });
const unitCode = z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/);

export const userListQuery = z.object({
  q: z.string().max(100).optional(),
  role: z.enum(ROLES).optional(),
  unitId: objectId.optional(),
  active: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function registerPeopleRoutes(services: KernelServices, identity: IdentityService, admin: UserAdmin, access: PeopleAccess, imports: PeopleImport): void {
  const add = (fullPath: string, spec: Omit<RouteSpec, 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath.replace(/^\/api\/v1/, '') }, h);
  const { User, Unit } = identity.models;

  add('/api/v1/users', { method: 'get', capability: VIEW, scoped: true, summary: 'List and search people (NIP, name, e-mail; unit with the units below; role), paged', query: userListQuery }, async ({ query, user }) => {
    const tree = await UnitTree.load(Unit);
    const allowed = await access.unitsFor(user!, VIEW, tree);
    const wanted = query.unitId ? tree.subtree([query.unitId]) : undefined;
    const unitIds = allowed && wanted ? [...wanted].filter((u) => allowed.has(u)) : allowed ? [...allowed] : wanted ? [...wanted] : undefined;
    const r = await admin.search({ q: query.q, role: query.role, unitIds, active: query.active === undefined ? undefined : query.active === 'true', page: query.page, pageSize: query.limit });
    return { users: r.users.map(publicUser), total: r.total, page: query.page, limit: query.limit };
  });
  add('/api/v1/users', { method: 'post', capability: MANAGE, scoped: true, status: 201, links: { userId: '/user/id' }, summary: 'Create a person (NIP or PPPK number for ASN, e-mail for staff)', body: newUserSchema }, async ({ body, user }) => {
    await access.requireUnit(user!, MANAGE, body.unitId || undefined);
    const rolesGiven = body.roles.some((r: string) => r !== 'learner');
    if (rolesGiven && !services.authz.can(user!, 'core:roles-assign')) throw Errors.forbidden('Missing capability core:roles-assign', { details: { capability: 'core:roles-assign' } });
    return { user: publicUser(await identity.createUser(body, user!.id)) };
  });
  add('/api/v1/users/:userId', { method: 'get', capability: VIEW, scoped: true, summary: 'One person', params: userParams }, async ({ params, user }) => {
    const u = await admin.get(params.userId);
    await access.requirePerson(user!, VIEW, u);
    return { user: publicUser(u) };
  });
  add('/api/v1/users/:userId', { method: 'patch', capability: MANAGE, scoped: true, summary: 'Change a person\'s fields or unit (audited); "" clears a field', params: userParams, body: userPatchSchema }, async ({ params, body, user }) => {
    const u = await admin.get(params.userId);
    await access.requirePerson(user!, MANAGE, u);
    if (body.unitId !== undefined) await access.requireUnit(user!, MANAGE, body.unitId || undefined);
    return { user: publicUser(await admin.update(params.userId, body, user!.id)) };
  });
  add('/api/v1/users/:userId/roles', { method: 'put', capability: 'core:roles-assign', summary: 'Set a person\'s roles and the units they head (audited)', params: userParams, body: z.strictObject({ roles: rolesField, unitHeadOf: z.array(objectId).max(20).optional() }) }, async ({ params, body, user }) => {
    const before = await admin.get(params.userId);
    return { user: publicUser(await admin.setRoles(params.userId, body.roles, body.unitHeadOf ?? (before.unitHeadOf ?? []).map(String), user!.id)) };
  });
  add('/api/v1/users/:userId/active', { method: 'put', capability: MANAGE, scoped: true, summary: 'Deactivate (cannot log in, sessions end; never deleted) or reactivate a person', params: userParams, body: z.strictObject({ active: z.boolean() }) }, async ({ params, body, user }) => {
    await access.requirePerson(user!, MANAGE, await admin.get(params.userId));
    return { user: publicUser(await admin.setActive(params.userId, body.active, user!.id)) };
  });
  add('/api/v1/users/:userId/password', { method: 'put', capability: MANAGE, scoped: true, summary: 'Set a temporary password, to be changed at the next login; the person\'s sessions end', params: userParams, body: z.strictObject({ temporaryPassword: passwordField }) }, async ({ params, body, user }) => {
    await access.requirePerson(user!, MANAGE, await admin.get(params.userId));
    await admin.resetPassword(params.userId, body.temporaryPassword, user!.id);
    return { reset: true, mustChangePassword: true };
  });
  add('/api/v1/people/nip-check', { method: 'get', capability: VIEW, scoped: true, summary: 'Check a NIP or PPPK number as it is typed: its parts, or the reason it is wrong; whether someone has it', query: z.object({ nip: z.string().max(40) }) }, async ({ query, locale }) => {
    const nip = query.nip.replace(/\s+/g, '');
    const c = checkAsnNumber(nip);
    if (!c.ok) return { ok: false, reason: c.reason, localizedReason: localize(services.translator, locale, { message: c.reason, i18n: c.key, args: c.args }) };
    const taken = await User.findOne({ username: nip }, { name: 1 }).lean();
    return { ok: true, kind: c.value.kind, birthDate: c.value.birthDate, sex: c.value.sex, taken: Boolean(taken), ...(taken ? { takenBy: { id: String(taken._id) } } : {}) };
  });

  const unitOut = (n: { id: string; code: string; name: string; parentId?: string | undefined; region?: string | undefined; depth: number; path: string }) => ({ id: n.id, code: n.code, name: n.name, parentId: n.parentId, region: n.region, depth: n.depth, path: n.path });
  add('/api/v1/units', { method: 'get', capability: 'core:units-view', summary: 'The unit tree, depth-first (instansi → unit kerja)' }, async () => ({
    units: (await UnitTree.load(Unit)).ordered.map(unitOut),
  }));
  add('/api/v1/units', { method: 'post', capability: 'core:units-manage', status: 201, links: { unitId: '/unit/id' }, summary: 'Create a unit', body: z.strictObject({ code: unitCode, name: z.string().trim().min(1).max(200), parentId: objectId.optional(), region: z.string().max(100).optional() }) }, async ({ body }) => {
    if (body.parentId && !(await Unit.exists({ _id: body.parentId }))) throw Errors.validation('Unknown parent unit', { details: [{ path: 'parentId', message: 'no such unit', i18n: 'people.err.unit' }] });
    if (await Unit.exists({ code: body.code })) throw Errors.conflict(`A unit has the code ${body.code}`, { details: [{ path: 'code', message: 'taken', i18n: 'people.err.codeTaken' }] });
    const u = await Unit.create(body);
    return { unit: { id: String(u._id), code: u.code, name: u.name } };
  });
  add('/api/v1/units/:unitId', { method: 'patch', capability: 'core:units-manage', summary: 'Rename a unit or move it under another ("" = to the top)', params: unitParams, body: z.strictObject({ code: unitCode.optional(), name: z.string().trim().min(1).max(200).optional(), parentId: z.union([objectId, z.literal('')]).optional(), region: z.string().max(100).optional() }) }, async ({ params, body }) => {
    return { unit: await updateUnit(identity, params.unitId, body) };
  });

  add('/api/v1/people/imports', { method: 'post', capability: 'core:users-import', bodyLimit: '8mb', summary: 'Import units and people from CSV: a preview (dryRun, the default) or, when the files have no problem, the upserts', body: importInput }, async ({ body, user, locale }) => {
    const plan = body.dryRun ? await imports.plan(body) : await imports.apply(body, user!.id);
    return {
      dryRun: body.dryRun, counts: plan.counts, units: plan.units, users: plan.users,
      problems: plan.problems.map((x) => ({ ...x, localizedMessage: localize(services.translator, locale, x) })),
    };
  });
  add('/api/v1/people/export', { method: 'get', capability: 'core:users-import', produces: ['text/csv'], summary: 'Export people or units as CSV (the import\'s columns)', query: z.object({ kind: z.enum(['users', 'units']).default('users') }) }, async ({ query, res }) => {
    const csv = await exportCsv(identity.models, query.kind);
    res.setHeader('content-disposition', `attachment; filename="bina-${query.kind}.csv"`);
    res.type('text/csv; charset=utf-8').send(csv);
  });
}

/** Shared by the API and the unit page: a unit's new code, name, region or parent (never below itself). */
export async function updateUnit(identity: IdentityService, unitId: string, body: { code?: string | undefined; name?: string | undefined; parentId?: string | undefined; region?: string | undefined }) {
  const { Unit } = identity.models;
  const tree = await UnitTree.load(Unit);
  if (!tree.byId.has(unitId)) throw Errors.notFound('Unit not found');
  if (body.parentId) {
    if (!tree.byId.has(body.parentId)) throw Errors.validation('Unknown parent unit', { details: [{ path: 'parentId', message: 'no such unit', i18n: 'people.err.unit' }] });
    if (!tree.canMoveUnder(unitId, body.parentId)) throw Errors.validation('A unit cannot move below itself', { details: [{ path: 'parentId', message: 'below itself', i18n: 'people.err.unitCycle' }] });
  }
  if (body.code && (await Unit.exists({ code: body.code, _id: { $ne: unitId } }))) throw Errors.conflict(`A unit has the code ${body.code}`, { details: [{ path: 'code', message: 'taken', i18n: 'people.err.codeTaken' }] });
  const $set: Record<string, unknown> = {};
  for (const f of ['code', 'name', 'region'] as const) if (body[f] !== undefined) $set[f] = body[f];
  if (body.parentId) $set.parentId = body.parentId;
  const update = { ...(Object.keys($set).length ? { $set } : {}), ...(body.parentId === '' ? { $unset: { parentId: 1 } } : {}) };
  const u = Object.keys(update).length ? await Unit.findOneAndUpdate({ _id: unitId }, update, { new: true }).lean() : await Unit.findById(unitId).lean();
  return { id: String(u!._id), code: u!.code, name: u!.name, parentId: u!.parentId ? String(u!.parentId) : undefined, region: u!.region };
}
