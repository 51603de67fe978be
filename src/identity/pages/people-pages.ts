/**
 * The people pages for admins and unit heads, server-rendered and usable without JavaScript: the
 * list with search by NIP, name, unit and role (paged); the form to create a person, with the NIP
 * checked as it is typed (nip-check.js; the server checks again); a person's page to edit their
 * fields, move them to another unit, set roles and unit-head grants, reset the password to a
 * temporary one, and deactivate or reactivate them. A refused form re-renders with what was typed
 * and the reasons beside the fields. Every change goes through UserAdmin / IdentityService, as
 * the API's do, and every person is checked against the caller's units (PeopleAccess).
 */
import { z } from 'zod';
import type { KernelServices } from '../../host/kernel-services';
import { ROLES, type Role } from '../../kernel/plugins/manifest';
import type { PageResult, RouteHandler, RouteSpec } from '../../http/route-table';
import type { Locale } from '../../views/i18n';
import { FUNCTIONAL_LEVELS, golonganLabel, nameWithTitles, PNS_GOLONGAN, POSITION_TYPES, PPPK_GOLONGAN, TIME_ZONES } from '../asn-lists';
import type { IdentityService } from '../identity-service';
import type { UserDoc } from '../identity-models';
import { MANAGE, VIEW, type PeopleAccess } from '../people-access';
import type { UserAdmin } from '../user-admin';
import { employmentOf, newUserSchema, objectId, passwordField, userPatchSchema } from '../user-fields';
import { isObjectId } from '../../kernel/object-id';
import { UnitTree } from '../unit-tree';
import { anyForm, errorList, issueErrors, looseQuery, many, one, serviceErrors, type Form } from './page-kit';

const PAGE_SIZE = 25;
const FIELDS = ['nip', 'email', 'name', 'frontTitle', 'backTitle', 'golongan', 'positionName', 'positionType', 'functionalLevel', 'unitId', 'supervisor', 'phone', 'timeZone', 'locale'] as const;
type Fields = Record<(typeof FIELDS)[number], string>;
const userParams = z.object({ userId: objectId });

export function registerPeoplePages(services: KernelServices, identity: IdentityService, admin: UserAdmin, access: PeopleAccess): void {
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page' }, h);
  const { User, Unit } = identity.models;
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);
  const fieldLabel = (locale: Locale) => (f: string) => (services.translator.exists(locale, `people.field.${f}`) ? services.translator.t(locale, `people.field.${f}`) : f);

  function fieldsOf(u: UserDoc, supervisorUsername?: string): Fields {
    return {
      nip: u.nip ?? '', email: u.email ?? '', name: u.name, frontTitle: u.frontTitle ?? '', backTitle: u.backTitle ?? '', golongan: u.golongan ?? '',
      positionName: u.positionName ?? '', positionType: u.positionType ?? '', functionalLevel: u.functionalLevel ?? '', unitId: u.unitId ? String(u.unitId) : '',
      supervisor: supervisorUsername ?? '', phone: u.phone ?? '', timeZone: u.timeZone, locale: u.locale,
    };
  }

  const fromForm = (form: Form): Fields => Object.fromEntries(FIELDS.map((f) => [f, one(form, f).trim()])) as Fields;

  async function choices(user: NonNullable<Parameters<RouteHandler>[0]['user']>, locale: Locale, f: Partial<Fields>, roles: string[] = []) {
    const t = tr(locale);
    const tree = await UnitTree.load(Unit);
    const allowed = await access.unitsFor(user, MANAGE, tree);
    return {
      units: tree.options(f.unitId, allowed),
      golonganPns: PNS_GOLONGAN.map((g) => ({ code: g.code, label: golonganLabel(g.code), selected: f.golongan === g.code })),
      golonganPppk: PPPK_GOLONGAN.map((g) => ({ code: g, label: g, selected: f.golongan === g })),
      positionTypes: POSITION_TYPES.map((id) => ({ id, label: t(`people.positionType.${id}`), selected: f.positionType === id })),
      functionalLevels: FUNCTIONAL_LEVELS.map((id) => ({ id, label: t(`people.level.${id}`), selected: f.functionalLevel === id })),
      timeZones: TIME_ZONES.map((z) => ({ id: z.id, label: t(`people.zone.${z.label}`), selected: (f.timeZone || 'Asia/Jakarta') === z.id })),
      roles: ROLES.map((r) => ({ id: r, label: t(`people.role.${r}`), checked: roles.includes(r) })),
      canAssignRoles: services.authz.can(user, 'core:roles-assign'),
      canManagePrivacy: services.authz.can(user, 'core:privacy-manage'),
      anyUnit: !allowed,
    };
  }

  /** The supervisor picker's text (a NIP or an e-mail) → the person's id; '' clears. */
  async function supervisorId(text: string): Promise<{ id: string } | { error: true }> {
    if (!text) return { id: '' };
    const u = await User.findOne({ username: text.replace(/\s+/g, '').toLowerCase() }, { _id: 1 }).lean();
    return u ? { id: String(u._id) } : { error: true };
  }

  // ---- the list ----
  page('/admin/users', { method: 'get', capability: VIEW, scoped: true, summary: 'People: search by NIP, name, unit and role', query: looseQuery }, async ({ query, user, locale }) => {
    const t = tr(locale);
    const q = Object.fromEntries(Object.entries(query as Record<string, string | string[]>).map(([key, v]) => [key, Array.isArray(v) ? (v[v.length - 1] ?? '') : v]));
    const tree = await UnitTree.load(Unit);
    const allowed = await access.unitsFor(user!, VIEW, tree);
    const unitId = q.unitId && tree.byId.has(q.unitId) ? q.unitId : '';
    const role = (ROLES as readonly string[]).includes(q.role ?? '') ? (q.role as Role) : undefined;
    const status = q.status === 'inactive' || q.status === 'all' ? q.status : 'active';
    const wanted = unitId ? tree.subtree([unitId]) : undefined;
    const unitIds = allowed && wanted ? [...wanted].filter((u) => allowed.has(u)) : allowed ? [...allowed] : wanted ? [...wanted] : undefined;
    const pageNo = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const r = await admin.search({ q: q.q?.slice(0, 100), role, unitIds, active: status === 'all' ? undefined : status === 'active', page: pageNo, pageSize: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
    const link = (p: number) => `/admin/users?${new URLSearchParams(Object.entries({ q: q.q, unitId, role, status: status === 'active' ? '' : status, page: String(p) }).filter((e): e is [string, string] => Boolean(e[1])))}`;
    return {
      view: 'core/people-list', title: t('people.title'),
      data: {
        filter: { q: q.q ?? '', unitId, role: role ?? '', status },
        units: tree.options(unitId, allowed),
        roles: ROLES.map((x) => ({ id: x, label: t(`people.role.${x}`), selected: x === role })),
        statuses: ['active', 'inactive', 'all'].map((s) => ({ id: s, label: t(`people.status.${s}`), selected: s === status })),
        total: r.total, pageNo, pages, prevLink: pageNo > 1 ? link(pageNo - 1) : null, nextLink: pageNo < pages ? link(pageNo + 1) : null,
        people: r.users.map((u) => ({
          id: String(u._id), login: u.nip ?? u.email, name: nameWithTitles(u), unit: u.unitId ? tree.byId.get(String(u.unitId))?.path ?? '' : '',
          roles: u.roles.map((x) => t(`people.role.${x}`)).join(', '), active: u.active, head: Boolean(u.unitHeadOf?.length),
          position: [u.positionName, u.golongan].filter(Boolean).join(' · '),
        })),
        canImport: services.authz.can(user!, 'core:users-import'),
        canUnits: services.authz.can(user!, 'core:units-manage'),
        msg: q.msg ?? '',
      },
    };
  });

  // ---- create ----
  async function newPage(user: Parameters<RouteHandler>[0]['user'], locale: Locale, form: Partial<Fields>, roles: string[], errors: Record<string, string> = {}, status?: number): Promise<PageResult> {
    return {
      view: 'core/people-new', title: tr(locale)('people.new'), status,
      data: { form, errors, errorList: errorList(errors, fieldLabel(locale)), ...(await choices(user!, locale, form, roles)), nipStrings: nipStrings(locale) },
    };
  }
  page('/admin/users/new', { method: 'get', capability: MANAGE, scoped: true, summary: 'Form: a new person' }, ({ user, locale }) => newPage(user, locale, { timeZone: 'Asia/Jakarta', locale: 'id' }, ['learner']));
  page('/admin/users/new', { method: 'post', capability: MANAGE, scoped: true, summary: 'Create a person (form)', body: anyForm }, async ({ body, user, locale, res }) => {
    const f = fromForm(body);
    const canAssign = services.authz.can(user!, 'core:roles-assign');
    const roles = canAssign && many(body, 'roles').length ? many(body, 'roles') : ['learner'];
    const errors: Record<string, string> = {};
    const sup = await supervisorId(f.supervisor);
    if ('error' in sup) errors.supervisor = tr(locale)('people.err.supervisor');
    const input = { ...f, supervisor: undefined, supervisorId: 'id' in sup ? sup.id : '', password: one(body, 'password'), roles, nip: f.nip || undefined, locale: f.locale || undefined, timeZone: f.timeZone || undefined };
    delete input.supervisor;
    const parsed = newUserSchema.safeParse(input);
    if (!parsed.success) Object.assign(errors, issueErrors(services, locale, parsed.error.issues), errors);
    if (!errors.unitId && !(await access.unitsFor(user!, MANAGE).then((a) => !a || a.has(f.unitId)))) errors.unitId = tr(locale)('people.err.unitScope');
    if (Object.keys(errors).length || !parsed.success) return newPage(user, locale, f, roles, errors, 400);
    try {
      const created = await identity.createUser(parsed.data, user!.id);
      // Whoever set the first password is not its owner: it is changed at the first login.
      await User.updateOne({ _id: created._id }, { $set: { mustChangePassword: true } });
      res.redirect(303, `/admin/users/${String(created._id)}?msg=created`);
    } catch (e) {
      // A taken NIP or e-mail is one reason beside the number; the service's own (English) message
      // names the username and is not for the page.
      const errs = (e as { status?: number }).status === 409 ? { nip: tr(locale)('people.err.taken') } : serviceErrors(services, locale, e);
      if (!errs) throw e;
      return newPage(user, locale, f, roles, errs, 400);
    }
  });

  // ---- one person ----
  /** `roles`/`heads`: what a refused roles form sent, shown again as it was ticked. */
  async function personPage(user: Parameters<RouteHandler>[0]['user'], locale: Locale, u: UserDoc, extra: { form?: Fields; errors?: Record<string, string>; status?: number; msg?: string; roles?: string[]; heads?: string[] } = {}): Promise<PageResult> {
    const t = tr(locale);
    const tree = await UnitTree.load(Unit);
    const supervisor = u.supervisorId ? await User.findById(u.supervisorId, { username: 1, name: 1 }).lean() : null;
    const form = extra.form ?? fieldsOf(u, supervisor?.username);
    const errors = extra.errors ?? {};
    const heads = new Set(extra.heads ?? (u.unitHeadOf ?? []).map(String));
    return {
      view: 'core/people-edit', title: nameWithTitles(u), status: extra.status,
      data: {
        person: {
          id: String(u._id), login: u.nip ?? u.email, name: nameWithTitles(u), active: u.active, kind: t(`people.kind.${employmentOf(u.nip)}`),
          unit: u.unitId ? tree.byId.get(String(u.unitId))?.path : '', supervisor: supervisor ? `${supervisor.name} (${supervisor.username})` : '',
          mustChangePassword: Boolean(u.mustChangePassword), self: String(u._id) === user!.id,
          selfAdmin: String(u._id) === user!.id && u.roles.includes('admin'),
        },
        // A unit head sees, but cannot change, someone who holds more than they do (an admin).
        mayManage: await access.mayManage(user!, u),
        form, errors, errorList: errorList(errors, fieldLabel(locale)),
        ...(await choices(user!, locale, form, extra.roles ?? u.roles)),
        headUnits: tree.options().map((o) => ({ ...o, selected: heads.has(o.id) })),
        msg: extra.msg ?? '', msgRefused: extra.msg === 'self' || extra.msg === 'lastAdmin', nipStrings: nipStrings(locale),
      },
    };
  }
  async function load(user: Parameters<RouteHandler>[0]['user'], userId: string, cap: string) {
    const u = await admin.get(userId);
    await access.requirePerson(user!, cap, u);
    return u;
  }

  page('/admin/users/:userId', { method: 'get', capability: VIEW, scoped: true, summary: 'A person: fields, unit, roles, password, status', params: userParams, query: looseQuery }, async ({ params, query, user, locale }) => {
    const u = await load(user, params.userId, VIEW);
    return personPage(user, locale, u, { msg: typeof query.msg === 'string' ? query.msg : '' });
  });
  page('/admin/users/:userId', { method: 'post', capability: MANAGE, scoped: true, summary: 'Save a person\'s fields or move them to another unit (form)', params: userParams, body: anyForm }, async ({ params, body, user, locale, res }) => {
    const u = await load(user, params.userId, MANAGE);
    const f = { ...fromForm(body), nip: u.nip ?? '' };
    const errors: Record<string, string> = {};
    const sup = await supervisorId(f.supervisor);
    if ('error' in sup) errors.supervisor = tr(locale)('people.err.supervisor');
    const { nip: _n, supervisor: _s, ...fields } = f;
    const patch = { ...fields, supervisorId: 'id' in sup ? sup.id : undefined, locale: f.locale || undefined, timeZone: f.timeZone || undefined };
    const parsed = userPatchSchema.safeParse(patch);
    if (!parsed.success) Object.assign(errors, issueErrors(services, locale, parsed.error.issues), errors);
    if (f.unitId && !(await access.unitsFor(user!, MANAGE).then((a) => !a || a.has(f.unitId)))) errors.unitId = tr(locale)('people.err.unitScope');
    if (Object.keys(errors).length || !parsed.success) return personPage(user, locale, u, { form: f, errors, status: 400 });
    try {
      await admin.update(params.userId, parsed.data, user!.id);
    } catch (e) {
      const errs = serviceErrors(services, locale, e);
      if (!errs) throw e;
      return personPage(user, locale, u, { form: f, errors: errs, status: 400 });
    }
    res.redirect(303, `/admin/users/${params.userId}?msg=saved`);
  });
  page('/admin/users/:userId/roles', { method: 'post', capability: 'core:roles-assign', summary: 'Set roles and unit-head grants (form)', params: userParams, body: anyForm }, async ({ params, body, user, locale, res }) => {
    const u = await admin.get(params.userId);
    const roles = many(body, 'roles').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    if (!roles.length) return personPage(user, locale, u, { errors: { roles: tr(locale)('people.err.roles') }, status: 400 });
    const heads = many(body, 'unitHeadOf').filter(isObjectId);
    try {
      await admin.setRoles(params.userId, roles, heads, user!.id);
    } catch (e) {
      const errs = serviceErrors(services, locale, e);
      if (!errs) throw e;
      return personPage(user, locale, u, { errors: errs, status: 400, roles, heads });
    }
    res.redirect(303, `/admin/users/${params.userId}?msg=roles`);
  });
  page('/admin/users/:userId/active', { method: 'post', capability: MANAGE, scoped: true, summary: 'Deactivate or reactivate a person (form)', params: userParams, body: anyForm }, async ({ params, body, user, locale, res }) => {
    const u = await load(user, params.userId, MANAGE);
    const active = one(body, 'active') === 'true';
    if (!active && params.userId === user!.id) return personPage(user, locale, u, { msg: 'self', status: 409 });
    try {
      await admin.setActive(params.userId, active, user!.id);
    } catch (e) {
      if (!serviceErrors(services, locale, e)?.active) throw e;
      return personPage(user, locale, u, { msg: 'lastAdmin', status: 409 });
    }
    res.redirect(303, `/admin/users/${params.userId}?msg=${active ? 'reactivated' : 'deactivated'}`);
  });
  page('/admin/users/:userId/password', { method: 'post', capability: MANAGE, scoped: true, summary: 'Set a temporary password (form)', params: userParams, body: anyForm }, async ({ params, body, user, locale, res }) => {
    const u = await load(user, params.userId, MANAGE);
    const parsed = passwordField.safeParse(one(body, 'temporaryPassword'));
    if (!parsed.success) return personPage(user, locale, u, { errors: { temporaryPassword: issueErrors(services, locale, parsed.error.issues)._ ?? '' }, status: 400 });
    await admin.resetPassword(params.userId, parsed.data, user!.id);
    res.redirect(303, `/admin/users/${params.userId}?msg=reset`);
  });

  /** What nip-check.js says, in the page's language. */
  function nipStrings(locale: Locale) {
    const t = tr(locale);
    return { checking: t('people.nipCheck.checking'), pns: t('people.nipCheck.pns'), pppk: t('people.nipCheck.pppk'), taken: t('people.nipCheck.taken'), male: t('people.nipCheck.male'), female: t('people.nipCheck.female'), failed: t('people.nipCheck.failed') };
  }
}
