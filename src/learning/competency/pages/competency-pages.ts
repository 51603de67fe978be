/**
 * The competency pages of people: my profile (radar against the position's standard with a table
 * fallback, JPM and band, gaps with the courses that close them, the evidence trail, a
 * self-assessment), my development plan (drafted from the gaps, submitted to the direct supervisor,
 * progress), a person's profile for their supervisor, unit head or an admin (ratings, approving or
 * returning the plan), the plans waiting for approval, and the gap heat map of units with CSV and
 * XLSX export. Every person is checked through competency-access (scoped roles), never by hand.
 */
import { formatNumber } from '../../../views/view-engine';
import type { Response } from 'express';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { KernelServices } from '../../../host/kernel-services';
import type { PageResult, RouteHandler, RouteSpec } from '../../../http/route-table';
import type { IdentityModels, UserDoc } from '../../../identity/identity-models';
import { nameWithTitles } from '../../../identity/asn-lists';
import { UnitScope } from '../../../identity/unit-scope';
import type { SessionUser } from '../../../identity/session-user';
import { UnitTree } from '../../../identity/unit-tree';
import { anyForm, looseQuery, one, many } from '../../../identity/pages/page-kit';
import { BinaError, Errors } from '../../../kernel/errors';
import { objectId } from '../../../kernel/object-id';
import type { Locale } from '../../../views/i18n';
import type { CourseDoc } from '../../learning-models';
import { toCsv, toXlsx, type Cell } from '../../table-export';
import { yearIn as jpYearIn } from '../../jp-ledger/jp-year';

/** Plans run by calendar year in the person's zone, like the JP year. */
const yearIn = (timeZone: string, at: Date) => jpYearIn(at, timeZone);
import { canForPerson, CATALOGUE_MANAGE, PEOPLE_VIEW, PLAN_APPROVE, RATE, requireForPerson, UNITS_VIEW } from '../competency-access';
import type { CompetencyCatalogue } from '../competency-catalogue';
import type { PlanDoc } from '../competency-models';
import type { CompetencyService, Profile } from '../competency-service';
import { JPM_BAND_LABELS, type JpmBand } from '../job-person-match';

const BAND_CLASS: Record<JpmBand, string> = { optimal: 'text-bg-success', 'cukup-optimal': 'text-bg-warning', 'kurang-optimal': 'text-bg-danger' };
/** Cell colours of the heat map by gap (0, 1, 2, 3 or more); the number is in the cell too. */
const HEAT_CLASS = ['bg-success-subtle', 'bg-warning-subtle', 'bg-danger-subtle', 'bg-danger text-white'];
/** A report as a CSV or XLSX download. */
async function sendTable(res: Response, format: 'csv' | 'xlsx', name: string, rows: Cell[][], sheet: string): Promise<void> {
  if (format === 'xlsx') {
    res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('content-disposition', `attachment; filename="${name}.xlsx"`);
    res.send(await toXlsx(rows, sheet));
  } else {
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
    res.send(toCsv(rows));
  }
}

const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }).passthrough();

export function registerCompetencyPages(services: KernelServices, svc: CompetencyService, catalogue: CompetencyCatalogue, identity: IdentityModels, learning: { Course: Model<CourseDoc> }): void {
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page' }, h);
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);
  const scope = new UnitScope(services.authz, identity);
  const asSet = (u: 'all' | Set<string>) => (u === 'all' ? undefined : u);

  async function person(userId: string): Promise<UserDoc> {
    const u = await identity.User.findById(userId).lean();
    if (!u) throw Errors.notFound('Person not found');
    return u;
  }

  /** What the profile partial shows, for me or for someone I may see. */
  async function profileView(p: Profile, locale: Locale) {
    const t = tr(locale);
    const names = new Map(p.rows.map((r) => [r.code, r.name]));
    const standardRows = p.rows.filter((r) => r.required !== undefined);
    const trail = await svc.trail(String(p.user._id));
    const raters = new Map((await identity.User.find({ _id: { $in: trail.filter((e) => e.by).map((e) => e.by!) } }, { name: 1 }).lean()).map((u) => [String(u._id), u.name]));
    return {
      name: nameWithTitles(p.user),
      positionName: p.user.positionName ?? '',
      position: p.position ? { name: p.position.name, code: p.position.code } : null,
      jpm: p.jpm ? { value: formatNumber(locale, p.jpm.jpm, 2, true), band: JPM_BAND_LABELS[p.jpm.band], bandClass: BAND_CLASS[p.jpm.band], rule: t(svc.rules.capped ? 'competency.jpm.capped' : 'competency.jpm.uncapped') } : null,
      rows: p.rows.map((r) => ({ ...r, requiredText: r.required ?? '—', met: r.required !== undefined && r.gap === 0 })),
      chart: { labels: standardRows.map((r) => r.name), required: standardRows.map((r) => r.required), current: standardRows.map((r) => r.current) },
      chartStrings: { required: t('competency.required'), current: t('competency.current') },
      gaps: (p.jpm?.gaps ?? []).map((g) => ({ ...g, name: names.get(g.competency) ?? g.competency, courses: p.recommendations.get(g.competency) ?? [] })),
      trail: trail.map((e) => ({
        at: e.at, level: e.level, competency: names.get(e.competency) ?? e.competency, source: t(`competency.source.${e.source}`), self: e.source === 'self',
        message: services.translator.exists(locale, e.message.key) ? t(e.message.key, e.message.args) : e.message.key, by: e.by ? raters.get(String(e.by)) ?? '' : '',
      })),
    };
  }

  async function competencyChoices(selected?: string) {
    const { Competency } = svc.catalogueModels;
    return (await Competency.find().sort({ group: 1, code: 1 }).lean()).map((c) => ({ code: c.code, name: c.name, selected: c.code === selected }));
  }

  const levelChoices = (selected?: number) => [1, 2, 3, 4, 5].map((l) => ({ level: l, selected: l === selected }));

  // ---- my profile -----------------------------------------------------------------------------
  async function myPage(user: SessionUser, locale: Locale, extra: { error?: string; form?: { competency?: string; level?: number }; status?: number; msg?: string } = {}): Promise<PageResult> {
    const t = tr(locale);
    const p = await svc.profile(user.id);
    const year = yearIn(user.timeZone, services.clock.now());
    const plan = await svc.getPlan(user.id, year);
    const staff = await identity.User.countDocuments({ supervisorId: new Types.ObjectId(user.id), active: true });
    return {
      view: 'core/competency-profile', title: t('competency.title'), status: extra.status,
      data: {
        me: true, profile: await profileView(p, locale), year,
        plan: plan ? { state: plan.state, stateLabel: t(`competency.plan.state.${plan.state}`), items: plan.items.length } : null,
        competencies: await competencyChoices(extra.form?.competency), levels: levelChoices(extra.form?.level),
        error: extra.error, msg: extra.msg ? t(`competency.msg.${extra.msg}`) : '',
        links: {
          staff: staff > 0, approvals: staff > 0 || services.authz.canSomewhere(user, UNITS_VIEW),
          units: services.authz.canSomewhere(user, UNITS_VIEW) && (services.authz.can(user, UNITS_VIEW) || Boolean(user.unitHeadOf?.length)),
          catalogue: services.authz.can(user, CATALOGUE_MANAGE),
        },
      },
    };
  }
  page('/competency', { method: 'get', capability: 'core:self', summary: 'My competency profile: radar, JPM, gaps, recommendations, evidence', query: looseQuery }, ({ user, locale, query }) => myPage(user!, locale, { msg: typeof query.msg === 'string' && /^[a-z]+$/.test(query.msg) ? query.msg : undefined }));
  page('/competency/self-assessment', { method: 'post', capability: 'core:self', summary: 'Record a self-assessment (form)', body: anyForm }, async ({ user, locale, body, res }) => {
    const parsed = z.object({ competency: z.string().min(1).max(40), level: z.coerce.number().int().min(1).max(5) }).safeParse({ competency: one(body, 'competency'), level: one(body, 'level') });
    if (!parsed.success) return myPage(user!, locale, { status: 400, error: tr(locale)('competency.err.selfForm'), form: { competency: one(body, 'competency') } });
    try {
      await svc.recordEvidence({ userId: user!.id, competency: parsed.data.competency, level: parsed.data.level, source: 'self', by: user!.id, message: { key: 'competency.evidence.msg.self', args: { level: parsed.data.level } } });
    } catch (e) {
      if (e instanceof BinaError && e.status === 400) return myPage(user!, locale, { status: 400, error: tr(locale)('competency.err.unknown'), form: parsed.data });
      throw e;
    }
    res.redirect(303, '/competency?msg=selfSaved');
    return undefined;
  });

  // ---- my plan --------------------------------------------------------------------------------
  async function planView(plan: PlanDoc | null, locale: Locale) {
    const t = tr(locale);
    if (!plan) return null;
    const progress = await svc.progress(plan);
    const names = new Map((await svc.catalogueModels.Competency.find({ code: { $in: plan.items.map((i) => i.competency) } }).lean()).map((c) => [c.code, c.name]));
    return {
      id: String(plan._id), year: plan.year, state: plan.state, stateLabel: t(`competency.plan.state.${plan.state}`), returnReason: plan.returnReason ?? '',
      editable: plan.state === 'draft' || plan.state === 'returned', submitted: plan.state === 'submitted',
      progress: { done: progress.done, total: progress.total, percent: progress.percent },
      items: progress.items.map((i) => ({ ...i, name: names.get(i.competency) ?? i.competency, courseId: i.courseId ? String(i.courseId) : '' })),
    };
  }

  async function planPage(user: SessionUser, locale: Locale, year: number, extra: { error?: string; status?: number; msg?: string } = {}): Promise<PageResult> {
    const t = tr(locale);
    const p = await svc.profile(user.id);
    const plan = await svc.getPlan(user.id, year);
    const view = await planView(plan, locale);
    const names = new Map(p.rows.map((r) => [r.code, r.name]));
    const inPlan = new Map((plan?.items ?? []).map((i) => [i.competency, i]));
    const me = await person(user.id);
    return {
      view: 'core/competency-plan', title: t('competency.plan.title', { year }), status: extra.status,
      data: {
        year, plan: view, editable: !plan || view!.editable, hasSupervisor: Boolean(me.supervisorId),
        gaps: (p.jpm?.gaps ?? []).map((g) => {
          const chosen = inPlan.get(g.competency);
          const courses = p.recommendations.get(g.competency) ?? [];
          return {
            ...g, name: names.get(g.competency) ?? g.competency, checked: Boolean(chosen) || !plan, note: chosen?.note ?? '',
            courses: courses.map((c) => ({ ...c, selected: chosen?.courseId ? String(chosen.courseId) === c.id : false })),
          };
        }),
        hasStandard: Boolean(p.position), error: extra.error, msg: extra.msg ? t(`competency.msg.${extra.msg}`) : '',
        prevYear: year - 1, nextYear: year + 1,
      },
    };
  }
  page('/competency/plan', { method: 'get', capability: 'core:self', summary: 'My development plan of a year', query: yearQuery }, ({ user, locale, query }) => {
    const q = query as z.infer<typeof yearQuery>;
    return planPage(user!, locale, q.year ?? yearIn(user!.timeZone, services.clock.now()), { msg: typeof q.msg === 'string' && /^[a-zA-Z]+$/.test(q.msg) ? q.msg : undefined });
  });
  page('/competency/plan', { method: 'post', capability: 'core:self', summary: 'Save or submit my development plan (form)', body: anyForm }, async ({ user, locale, body, res }) => {
    const t = tr(locale);
    const year = Number.parseInt(one(body, 'year'), 10);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) return planPage(user!, locale, yearIn(user!.timeZone, services.clock.now()), { status: 400, error: t('competency.plan.err.year') });
    const me = await person(user!.id);
    const p = await svc.profile(user!.id);
    const gaps = new Map((p.jpm?.gaps ?? []).map((g) => [g.competency, g]));
    const chosen = many(body, 'competency').filter((c) => gaps.has(c));
    const items = chosen.map((c) => {
      const g = gaps.get(c)!;
      const courseId = one(body, `course_${c}`);
      return { competency: c, from: g.current, to: g.required, courseId: objectId.safeParse(courseId).success ? courseId : undefined, note: one(body, `note_${c}`).trim().slice(0, 500) || undefined };
    });
    if (!items.length) return planPage(user!, locale, year, { status: 400, error: t('competency.plan.err.empty') });
    try {
      await svc.saveDraft(me, year, await catalogue.planItems(items));
      if (one(body, 'action') === 'submit') await svc.submit(me, year);
    } catch (e) {
      if (e instanceof BinaError && (e.status === 400 || e.status === 409)) {
        const d = Array.isArray(e.details) ? (e.details[0] as { i18n?: string } | undefined) : undefined;
        return planPage(user!, locale, year, { status: e.status, error: d?.i18n ? t(d.i18n) : e.message });
      }
      throw e;
    }
    res.redirect(303, `/competency/plan?year=${year}&msg=${one(body, 'action') === 'submit' ? 'planSubmitted' : 'planSaved'}`);
    return undefined;
  });

  // ---- people I may see -----------------------------------------------------------------------
  async function personPage(user: SessionUser, locale: Locale, target: UserDoc, extra: { error?: string; status?: number; msg?: string } = {}): Promise<PageResult> {
    const t = tr(locale);
    const p = await svc.profile(String(target._id));
    const year = yearIn(target.timeZone, services.clock.now());
    const plans = await svc.models.Plan.find({ userId: target._id }).sort({ year: -1 }).limit(3).lean();
    const canDecide = String(target._id) !== user.id && (await canForPerson(services.authz, user, PLAN_APPROVE, target));
    return {
      view: 'core/competency-person', title: nameWithTitles(target), status: extra.status,
      data: {
        id: String(target._id), profile: await profileView(p, locale), year,
        plans: await Promise.all(plans.map(async (pl) => ({ ...(await planView(pl, locale))!, canDecide: canDecide && pl.state === 'submitted' }))),
        canRate: String(target._id) !== user.id && (await canForPerson(services.authz, user, RATE, target)),
        competencies: await competencyChoices(), levels: levelChoices(),
        error: extra.error, msg: extra.msg ? t(`competency.msg.${extra.msg}`) : '',
      },
    };
  }
  const userParams = z.object({ userId: objectId });
  page('/competency/people/:userId', { method: 'get', capability: PEOPLE_VIEW, scoped: true, summary: 'A person\'s competency profile and plans', params: userParams, query: looseQuery }, async ({ params, user, locale, query }) => {
    const target = await person(params.userId);
    await requireForPerson(services.authz, user!, PEOPLE_VIEW, target);
    return personPage(user!, locale, target, { msg: typeof query.msg === 'string' && /^[a-zA-Z]+$/.test(query.msg) ? query.msg : undefined });
  });
  page('/competency/people/:userId/rating', { method: 'post', capability: RATE, scoped: true, summary: 'Rate a person\'s competency (form)', params: userParams, body: anyForm }, async ({ params, user, locale, body, res }) => {
    const target = await person(params.userId);
    if (params.userId === user!.id) throw Errors.forbidden('One does not rate oneself');
    await requireForPerson(services.authz, user!, RATE, target);
    const parsed = z.object({ competency: z.string().min(1).max(40), level: z.coerce.number().int().min(1).max(5) }).safeParse({ competency: one(body, 'competency'), level: one(body, 'level') });
    if (!parsed.success) return personPage(user!, locale, target, { status: 400, error: tr(locale)('competency.err.selfForm') });
    const source = services.authz.can(user, RATE) ? 'assessor' : 'supervisor';
    try {
      await svc.recordEvidence({ userId: params.userId, competency: parsed.data.competency, level: parsed.data.level, source, by: user!.id, message: { key: `competency.evidence.msg.${source}`, args: { level: parsed.data.level } } });
    } catch (e) {
      if (e instanceof BinaError && e.status === 400) return personPage(user!, locale, target, { status: 400, error: tr(locale)('competency.err.unknown') });
      throw e;
    }
    res.redirect(303, `/competency/people/${params.userId}?msg=rated`);
    return undefined;
  });
  page('/competency/plans/:planId/decision', { method: 'post', capability: PLAN_APPROVE, scoped: true, summary: 'Approve a plan, or return it with a reason (form)', params: z.object({ planId: objectId }), body: anyForm }, async ({ params, user, locale, body, res }) => {
    const t = tr(locale);
    const plan = await svc.models.Plan.findById(new Types.ObjectId(params.planId)).lean();
    if (!plan) throw Errors.notFound('Plan not found');
    const target = await person(String(plan.userId));
    if (String(plan.userId) === user!.id || !(await canForPerson(services.authz, user!, PLAN_APPROVE, target))) throw Errors.forbidden('Only the direct supervisor or an admin decides on this plan');
    const approve = one(body, 'decision') === 'approve';
    const reason = one(body, 'reason').trim();
    if (!approve && (reason.length < 3 || reason.length > 1000)) return personPage(user!, locale, target, { status: 400, error: t('competency.plan.err.reason') });
    try {
      await svc.decide(params.planId, user!.id, approve ? { approve: true } : { approve: false, reason });
    } catch (e) {
      if (e instanceof BinaError && e.status === 409) return personPage(user!, locale, target, { status: 409, error: t('competency.plan.err.notSubmitted') });
      throw e;
    }
    res.redirect(303, `/competency/people/${String(plan.userId)}?msg=${approve ? 'planApproved' : 'planReturned'}`);
    return undefined;
  });

  // ---- my staff and plans waiting ---------------------------------------------------------------
  page('/competency/staff', { method: 'get', capability: 'core:self', summary: 'My direct staff: JPM and plans' }, async ({ user, locale }) => {
    const t = tr(locale);
    const staff = await identity.User.find({ supervisorId: new Types.ObjectId(user!.id), active: true }).sort({ name: 1 }).limit(500).lean();
    const rows = await Promise.all(staff.map(async (s) => {
      const p = await svc.profile(String(s._id), false);
      const plan = await svc.getPlan(String(s._id), yearIn(s.timeZone, services.clock.now()));
      return { id: String(s._id), name: nameWithTitles(s), position: s.positionName ?? '', jpm: p.jpm ? formatNumber(locale, p.jpm.jpm, 2, true) : '', band: p.jpm ? JPM_BAND_LABELS[p.jpm.band] : '', bandClass: p.jpm ? BAND_CLASS[p.jpm.band] : '', plan: plan ? t(`competency.plan.state.${plan.state}`) : t('competency.plan.none'), waiting: plan?.state === 'submitted' };
    }));
    return { view: 'core/competency-staff', title: t('competency.staff.title'), data: { rows } };
  });
  /** Plans waiting: of my staff (mine: I decide), and in the units I oversee (admins: all). */
  async function waitingPlans(user: SessionUser) {
    const submitted = await svc.models.Plan.find({ state: 'submitted' }).sort({ submittedAt: 1 }).limit(1000).lean();
    const people = new Map((await identity.User.find({ _id: { $in: submitted.map((p) => p.userId) } }).lean()).map((u) => [String(u._id), u]));
    const tree = await UnitTree.load(identity.Unit);
    const units = asSet(await scope.units(user, UNITS_VIEW, tree));
    const rows = [];
    for (const plan of submitted) {
      const u = people.get(String(plan.userId));
      if (!u) continue;
      const mine = String(u.supervisorId ?? '') === user.id;
      const inScope = units === undefined || (u.unitId ? units.has(String(u.unitId)) : false);
      if (!mine && !(inScope && services.authz.canSomewhere(user, UNITS_VIEW))) continue;
      rows.push({ id: String(u._id), name: nameWithTitles(u), nip: u.nip ?? '', unit: u.unitId ? tree.byId.get(String(u.unitId))?.path ?? '' : '', year: plan.year, items: plan.items.length, submittedAt: plan.submittedAt, mine });
    }
    return rows;
  }
  page('/competency/approvals', { method: 'get', capability: 'core:self', summary: 'Development plans waiting for approval: of my staff, and in the units I head' }, async ({ user, locale }) => {
    const rows = await waitingPlans(user!);
    return { view: 'core/competency-approvals', title: tr(locale)('competency.approvals.title'), data: { rows } };
  });
  page('/competency/approvals/export', { method: 'get', capability: 'core:self', summary: 'Export the plans waiting for approval (CSV or XLSX)', query: looseQuery }, async ({ user, locale, query, res }) => {
    const t = tr(locale);
    const rows: Cell[][] = [[t('competency.export.name'), 'NIP', t('competency.unit'), t('competency.plan.year'), t('competency.plan.items'), t('competency.approvals.submitted')]];
    for (const r of await waitingPlans(user!)) rows.push([r.name, r.nip, r.unit, r.year, r.items, r.submittedAt ? r.submittedAt.toISOString() : null]);
    await sendTable(res, query.format === 'xlsx' ? 'xlsx' : 'csv', `rencana-menunggu-${services.clock.now().toISOString().slice(0, 10)}`, rows, t('competency.approvals.title'));
    return undefined;
  });

  // ---- heat map -------------------------------------------------------------------------------
  async function heatMapData(user: SessionUser, unitId: string | undefined) {
    const tree = await UnitTree.load(identity.Unit);
    const allowed = asSet(await scope.units(user, UNITS_VIEW, tree));
    const chosen = unitId && tree.byId.has(unitId) && (!allowed || allowed.has(unitId)) ? unitId : '';
    const units = asSet(await scope.reportUnits(user, UNITS_VIEW, chosen || undefined, tree));
    const h = await svc.heatMap(units);
    return { tree, allowed, chosen, h };
  }
  page('/competency/units', { method: 'get', capability: UNITS_VIEW, scoped: true, summary: 'Gap heat map of units (competency × person)', query: looseQuery }, async ({ user, locale, query }) => {
    const t = tr(locale);
    const unitId = typeof query.unitId === 'string' ? query.unitId : undefined;
    const { tree, allowed, chosen, h } = await heatMapData(user!, unitId);
    const withGap = h.competencies.map((c) => h.rows.filter((r) => (r.cells.get(c.code)?.gap ?? 0) > 0).length);
    const exportQuery = chosen ? `&unitId=${chosen}` : '';
    return {
      view: 'core/competency-units', title: t('competency.units.title'),
      data: {
        units: tree.options(chosen, allowed), chosen, anyUnit: !allowed,
        competencies: h.competencies.map((c, i) => ({ ...c, withGap: withGap[i] })),
        rows: h.rows.map((r) => ({
          id: r.id, name: r.name, position: r.position, jpm: formatNumber(locale, r.jpm.jpm, 2, true), band: JPM_BAND_LABELS[r.jpm.band], bandClass: BAND_CLASS[r.jpm.band],
          cells: h.competencies.map((c) => {
            const cell = r.cells.get(c.code);
            return cell ? { has: true, gap: cell.gap, current: cell.current, required: cell.required, heat: HEAT_CLASS[Math.min(cell.gap, 3)] } : { has: false };
          }),
        })),
        chart: { labels: h.competencies.map((c) => c.name), withGap },
        chartStrings: { withGap: t('competency.units.withGap') },
        csv: `/competency/units/export?format=csv${exportQuery}`, xlsx: `/competency/units/export?format=xlsx${exportQuery}`,
      },
    };
  });
  page('/competency/units/export', { method: 'get', capability: UNITS_VIEW, scoped: true, summary: 'Export the gap heat map (CSV or XLSX)', query: looseQuery }, async ({ user, locale, query, res }) => {
    const t = tr(locale);
    const format = query.format === 'xlsx' ? 'xlsx' : 'csv';
    const { h } = await heatMapData(user!, typeof query.unitId === 'string' ? query.unitId : undefined);
    const rows: Cell[][] = [[t('competency.export.name'), 'NIP', t('competency.export.position'), 'JPM', t('competency.export.band'), ...h.competencies.flatMap((c) => [`${c.code} ${t('competency.export.required')}`, `${c.code} ${t('competency.export.current')}`, `${c.code} ${t('competency.export.gap')}`])]];
    for (const r of h.rows) {
      rows.push([r.name, r.nip, r.position, r.jpm.jpm.toFixed(2), JPM_BAND_LABELS[r.jpm.band], ...h.competencies.flatMap((c) => {
        const cell = r.cells.get(c.code);
        return cell ? [cell.required, cell.current, cell.gap] : [null, null, null];
      })]);
    }
    await sendTable(res, format, `peta-kompetensi-${services.clock.now().toISOString().slice(0, 10)}`, rows, t('competency.units.title'));
    return undefined;
  });
}


