/**
 * The competency profile over the JSON API: courses for a competency (the recommendation API other
 * plugins use too), one's own profile, evidence and plan, a person's profile for their supervisor,
 * unit head or an admin, ratings, positions' standards, and the heat map of units.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import type { KernelServices } from '../../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../../http/route-table';
import type { IdentityModels } from '../../identity/identity-models';
import { UnitScope } from '../../identity/unit-scope';
import type { SessionUser } from '../../identity/session-user';
import { Errors } from '../../kernel/errors';
import { objectId } from '../../kernel/object-id';
import { canForPerson, CATALOGUE_MANAGE, PEOPLE_VIEW, PLAN_APPROVE, RATE, requireForPerson, UNITS_VIEW } from './competency-access';
import { CODE, CompetencyCatalogue } from './competency-catalogue';
import { coursesForCompetency } from './course-recommendations';
import type { CompetencyService, Profile } from './competency-service';
import type { PlanDoc } from './competency-models';

const code = z.string().trim().regex(CODE, 'must be a code: letters, digits, _ or -');
const level = z.coerce.number().int().min(1).max(5);

export function profileJson(p: Profile) {
  return {
    user: { id: String(p.user._id), name: p.user.name, positionName: p.user.positionName ?? null },
    position: p.position ? { code: p.position.code, name: p.position.name, standard: p.position.standard } : null,
    competencies: p.rows,
    jpm: p.jpm ? { jpm: p.jpm.jpm.toFixed(2), band: p.jpm.band, gaps: p.jpm.gaps } : null,
    recommendations: Object.fromEntries(p.recommendations),
  };
}

export function planJson(plan: PlanDoc | null) {
  if (!plan) return null;
  return {
    id: String(plan._id), year: plan.year, state: plan.state, returnReason: plan.returnReason ?? null,
    items: plan.items.map((i) => ({ competency: i.competency, from: i.from, to: i.to, courseId: i.courseId ? String(i.courseId) : null, courseTitle: i.courseTitle ?? null, note: i.note ?? null })),
  };
}

export const planItemsInput = z.array(z.strictObject({ competency: code, from: z.number().int().min(0).max(5), to: level, courseId: objectId.optional(), note: z.string().trim().max(500).optional() })).min(1).max(30);

export function registerCompetencyRoutes(services: KernelServices, svc: CompetencyService, catalogue: CompetencyCatalogue, identity: IdentityModels, learning: { Course: import('mongoose').Model<import('../learning-models').CourseDoc> }): void {
  const add = (fullPath: string, spec: RouteSpec, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, tags: ['competency'] }, h);
  const scope = new UnitScope(services.authz, identity);

  async function person(userId: string) {
    const u = await identity.User.findById(userId).lean();
    if (!u) throw Errors.notFound('Person not found');
    return u;
  }

  add('/api/v1/competency/courses', {
    method: 'get', path: '/competency/courses', capability: 'learning:course-view', summary: 'Published courses tagged with a competency at a level in (above, upTo]',
    query: z.object({ competency: code, above: z.coerce.number().int().min(0).max(5).default(0), upTo: level.default(5), limit: z.coerce.number().int().min(1).max(50).default(10) }),
  }, async ({ query }) => ({ courses: await coursesForCompetency(learning, { competency: query.competency, above: query.above, upTo: query.upTo, limit: query.limit }) }));

  add('/api/v1/competency/me', { method: 'get', path: '/competency/me', capability: 'core:self', summary: 'My competency profile: levels, JPM and band, gaps, recommended courses' }, async ({ user }) => profileJson(await svc.profile(user!.id)));

  add('/api/v1/competency/me/evidence', {
    method: 'post', path: '/competency/me/evidence', capability: 'core:self', status: 201, summary: 'Record a self-assessment (marked as such)',
    body: z.strictObject({ competency: code, level }),
  }, async ({ body, user }) => {
    await svc.recordEvidence({ userId: user!.id, competency: body.competency, level: body.level, source: 'self', by: user!.id, message: { key: 'competency.evidence.msg.self', args: { level: body.level } } });
    return { ok: true };
  });

  add('/api/v1/competency/people/:userId', { method: 'get', path: '/competency/people/:userId', capability: PEOPLE_VIEW, scoped: true, summary: 'A person\'s competency profile', params: z.object({ userId: objectId }) }, async ({ params, user }) => {
    const p = await person(params.userId);
    await requireForPerson(services.authz, user!, PEOPLE_VIEW, p);
    return profileJson(await svc.profile(params.userId));
  });

  const evidenceJson = (e: Awaited<ReturnType<CompetencyService['trail']>>[number]) => ({ id: String(e._id), competency: e.competency, level: e.level, source: e.source, by: e.by ? String(e.by) : null, at: e.at, message: e.message });
  add('/api/v1/competency/people/:userId/evidence', { method: 'get', path: '/competency/people/:userId/evidence', capability: PEOPLE_VIEW, scoped: true, summary: 'A person\'s evidence trail, newest first', params: z.object({ userId: objectId }) }, async ({ params, user }) => {
    if (params.userId !== user!.id) await requireForPerson(services.authz, user!, PEOPLE_VIEW, await person(params.userId));
    return { evidence: (await svc.trail(params.userId)).map(evidenceJson) };
  });

  add('/api/v1/competency/people/:userId/evidence', {
    method: 'post', path: '/competency/people/:userId/evidence', capability: RATE, scoped: true, status: 201, summary: 'Rate a person\'s competency (assessor: admins; supervisor: their direct supervisor)',
    params: z.object({ userId: objectId }), body: z.strictObject({ competency: code, level }),
  }, async ({ params, body, user }) => {
    const p = await person(params.userId);
    if (params.userId === user!.id) throw Errors.forbidden('One does not rate oneself here: use a self-assessment');
    await requireForPerson(services.authz, user!, RATE, p);
    const source = services.authz.can(user, RATE) ? 'assessor' : 'supervisor';
    await svc.recordEvidence({ userId: params.userId, competency: body.competency, level: body.level, source, by: user!.id, message: { key: `competency.evidence.msg.${source}`, args: { level: body.level, by: user!.name } } });
    return { ok: true, source };
  });

  add('/api/v1/competency/positions', { method: 'get', path: '/competency/positions', capability: 'learning:course-view', summary: 'Positions and their competency standards' }, async () => ({
    positions: (await svc.models.Position.find().sort({ name: 1 }).lean()).map((p) => ({ code: p.code, name: p.name, standard: p.standard })),
  }));
  add('/api/v1/competency/positions/:code', {
    method: 'put', path: '/competency/positions/:code', capability: CATALOGUE_MANAGE, summary: 'Create or replace a position and its standard',
    params: z.object({ code }), body: z.strictObject({ name: z.string().trim().min(2).max(200), standard: z.array(z.strictObject({ competency: code, required: level })).max(40) }),
  }, async ({ params, body, user }) => ({ position: await catalogue.savePosition(user!, { code: params.code, name: body.name, standard: body.standard }) }));

  add('/api/v1/competency/heatmap', {
    method: 'get', path: '/competency/heatmap', capability: UNITS_VIEW, scoped: true, summary: 'Gap heat map (competency × person) of the units in my scope',
    query: z.object({ unitId: objectId.optional() }),
  }, async ({ query, user }) => {
    const units = await scopeUnits(user!, query.unitId);
    const h = await svc.heatMap(units);
    return { competencies: h.competencies, people: h.rows.map((r) => ({ id: r.id, name: r.name, position: r.position, jpm: r.jpm.jpm.toFixed(2), band: r.jpm.band, gaps: Object.fromEntries([...r.cells].map(([c, v]) => [c.replace(/[.$]/g, '_'), v])) })) };
  });

  /** The units the heat map covers: the caller's scope, or a chosen unit's subtree within it (403 outside). */
  async function scopeUnits(user: SessionUser, unitId?: string): Promise<Set<string> | undefined> {
    if (unitId) await services.authz.requireIn(user, UNITS_VIEW, { type: 'unit', id: unitId });
    const units = await scope.reportUnits(user, UNITS_VIEW, unitId);
    return units === 'all' ? undefined : units;
  }

  add('/api/v1/competency/me/plans/:year', { method: 'get', path: '/competency/me/plans/:year', capability: 'core:self', summary: 'My development plan of a year', params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }) }, async ({ params, user }) => {
    const plan = await svc.getPlan(user!.id, params.year);
    return { plan: planJson(plan), progress: plan ? await svc.progress(plan) : null };
  });
  add('/api/v1/competency/me/plans/:year', {
    method: 'put', path: '/competency/me/plans/:year', capability: 'core:self', summary: 'Save my draft plan of a year (a returned plan becomes a draft again)',
    params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }), body: z.strictObject({ items: planItemsInput }),
  }, async ({ params, body, user }) => {
    const me = await person(user!.id);
    const items = await catalogue.planItems(body.items);
    return { plan: planJson(await svc.saveDraft(me, params.year, items)) };
  });
  add('/api/v1/competency/me/plans/:year/submit', { method: 'post', path: '/competency/me/plans/:year/submit', capability: 'core:self', summary: 'Submit my plan to my direct supervisor', params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }) }, async ({ params, user }) => ({
    plan: planJson(await svc.submit(await person(user!.id), params.year)),
  }));
  add('/api/v1/competency/plans/:planId/decision', {
    method: 'post', path: '/competency/plans/:planId/decision', capability: PLAN_APPROVE, scoped: true, summary: 'Approve a submitted plan, or return it with a reason',
    params: z.object({ planId: objectId }), body: z.discriminatedUnion('approve', [z.strictObject({ approve: z.literal(true) }), z.strictObject({ approve: z.literal(false), reason: z.string().trim().min(3).max(1000) })]),
  }, async ({ params, body, user }) => {
    const plan = await svc.models.Plan.findById(new Types.ObjectId(params.planId)).lean();
    if (!plan) throw Errors.notFound('Plan not found');
    if (String(plan.userId) === user!.id) throw Errors.forbidden('One does not approve one\'s own plan');
    if (!(await canForPerson(services.authz, user!, PLAN_APPROVE, await person(String(plan.userId))))) throw Errors.forbidden('Only the direct supervisor or an admin decides on this plan');
    return { plan: planJson(await svc.decide(params.planId, user!.id, body.approve ? { approve: true } : { approve: false, reason: body.reason })) };
  });
}
