/**
 * The JP pages: my JP (progress, breakdown by kind with a chart and its table, history, my claims),
 * claiming training done elsewhere with evidence, a claim with its decision, the claims waiting
 * for me, and the compliance report of a unit head's units (an admin's: every unit and the
 * agency's totals), each exported as CSV and XLSX.
 */
import type { Response } from 'express';
import { z } from 'zod';
import { Errors, isBinaError } from '../../kernel/errors';
import type { RouteHandler, RouteSpec } from '../../http/route-table';
import { objectId } from '../../identity/identity-service';
import type { SessionUser } from '../../identity/session-user';
import { localizedIssue, toLocalizable, localize } from '../../views/zod-messages';
import { toCsv, toXlsx, type Cell } from '../table-export';
import { claimInput, CLAIM, DECIDE, decisionInput, EVIDENCE_LIMIT, type JpClaimDoc } from './jp-claims';
import { JP_KINDS } from './jp-kinds';
import { round2 } from './jp-ledger';
import { buildJpReport, jpReportTable } from './jp-report';
import { REPORT, type JpParts } from './jp-parts';

type T = (key: string, args?: Record<string, unknown>) => string;

const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
const formatQuery = z.enum(['csv', 'xlsx']).default('csv');

export async function sendTable(res: Response, rows: Cell[][], name: string, format: 'csv' | 'xlsx', sheet: string): Promise<void> {
  if (format === 'xlsx') res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`).send(await toXlsx(rows, sheet));
  else res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(toCsv(rows));
}

const ymd = (d: Date | undefined, timeZone: string) => (d ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d) : '');

/** Kinds for a form's select, grouped by mode. */
export function kindOptions(t: T, selected?: string) {
  return ['klasikal', 'nonklasikal'].map((mode) => ({
    label: t(`jp.mode.${mode}`),
    kinds: JP_KINDS.filter((k) => k.mode === mode).map((k) => ({ id: k.id, label: t(`jp.kind.${k.id}`), selected: k.id === selected })),
  }));
}

export function registerJpPages(parts: JpParts): void {
  const { services, ledger, claims } = parts;
  const add = (path: string, spec: Omit<RouteSpec, 'path' | 'kind'>, h: RouteHandler) => services.routes.add('core', path, { ...spec, path, kind: 'page' }, h);

  function years(current: number, selected: number) {
    return Array.from({ length: 5 }, (_, i) => current - i).map((y) => ({ year: y, selected: y === selected }));
  }

  function claimView(c: JpClaimDoc, t: T, tz: string, names?: Map<string, string>) {
    return {
      id: String(c._id), title: c.title, provider: c.provider, kind: t(`jp.kind.${c.kind}`), mode: t(`jp.mode.${c.mode}`), jp: c.jp,
      startDate: ymd(c.startDate, tz), endDate: ymd(c.endDate, tz), status: c.status, statusLabel: t(`jp.claim.status.${c.status}`),
      reason: c.reason, createdAt: c.createdAt, claimant: names?.get(String(c.userId)) ?? '', evidenceName: c.evidence.name,
      decidedBy: c.decidedBy ? names?.get(String(c.decidedBy)) ?? '' : '', decidedAt: c.decidedAt,
    };
  }

  async function historyRows(user: SessionUser, year: number, t: T) {
    const rows = await ledger.history(user.id, year);
    return rows.map((e) => ({
      id: String(e._id), title: e.title, provider: e.provider, kind: t(`jp.kind.${e.activityKind}`), mode: t(`jp.mode.${e.mode}`), source: t(`jp.source.${e.source}`),
      date: ymd(e.endDate ?? e.at, user.timeZone), jp: e.jp,
      evidenceHref: e.evidence?.kind === 'record' || e.evidence?.kind === 'url' ? e.evidence.ref : e.source === 'claim' ? `/jp/claims/${e.sourceId}` : undefined,
    }));
  }

  // ---- my JP -----------------------------------------------------------------------------------
  add('/jp', { method: 'get', capability: 'core:self', summary: 'My JP: progress, breakdown by kind, history and claims', query: yearQuery }, async ({ user, query, t }) => {
    await claims.repair(user!.id);
    const current = parts.currentYear(user!.timeZone);
    const year = query.year ?? current;
    const [summary, target, history, mine, pending, supervises] = await Promise.all([
      ledger.summary(user!.id, year), parts.targetOf(user!.id), historyRows(user!, year, t), claims.mine(user!.id), parts.pendingClaimsFor(user!),
      parts.identity.User.exists({ supervisorId: user!.id, active: true }),
    ]);
    const byKind = JP_KINDS.filter((x) => summary.byKind[x.id]).map((x) => ({ id: x.id, label: t(`jp.kind.${x.id}`), mode: t(`jp.mode.${x.mode}`), jp: round2(summary.byKind[x.id]!) }));
    return {
      view: 'core/jp-mine', title: t('jp.mine.title'),
      data: {
        year, years: years(current, year), total: summary.total, target, hasTarget: target !== undefined,
        percent: target ? Math.min(100, Math.round((summary.total / Math.max(target, 1)) * 100)) : 0,
        remaining: target !== undefined ? round2(Math.max(0, target - summary.total)) : 0,
        byKind, byMode: ['klasikal', 'nonklasikal'].map((m) => ({ label: t(`jp.mode.${m}`), jp: round2(summary.byMode[m] ?? 0) })),
        chart: { labels: byKind.map((x) => x.label), values: byKind.map((x) => x.jp) },
        history, claims: mine.map((c) => claimView(c, t, user!.timeZone)),
        canClaim: services.authz.can(user, CLAIM), waiting: pending.toDecide.length, supervises: Boolean(supervises), canReport: services.authz.canSomewhere(user, REPORT),
      },
    };
  });

  add('/jp/export', { method: 'get', capability: 'core:self', summary: 'My JP history of a year as CSV or XLSX', query: yearQuery.extend({ format: formatQuery }) }, async ({ user, query, res, t }) => {
    const year = query.year ?? parts.currentYear(user!.timeZone);
    const rows = await historyRows(user!, year, t);
    const table: Cell[][] = [
      [t('jp.col.date'), t('jp.col.title'), t('jp.col.kind'), t('jp.col.mode'), t('jp.col.provider'), t('jp.col.source'), 'JP'],
      ...rows.map((r) => [r.date, r.title, r.kind, r.mode, r.provider, r.source, r.jp]),
    ];
    await sendTable(res, table, `jp-${year}`, query.format, t('jp.mine.sheet', { year }));
  });

  // ---- claims ----------------------------------------------------------------------------------
  /** `droppedFile`: the evidence a refused form came with; browsers never refill a file field, so the page says to choose it again. */
  const claimForm = (t: T, form: Record<string, string> = {}, errors: Record<string, string> = {}, status = 200, droppedFile?: string) => ({
    view: 'core/jp-claim-new', title: t('jp.claim.new'), status,
    data: { form, errors, droppedFile: errors.evidence ? undefined : droppedFile, errorList: Object.entries(errors).map(([field, message]) => `${t(`jp.claim.f.${field}`, { mb: EVIDENCE_LIMIT / 1024 / 1024 })}: ${message}`), kinds: kindOptions(t, form.kind), maxMB: EVIDENCE_LIMIT / 1024 / 1024, jpMinutes: services.config.BINA_JP_MINUTES },
  });
  add('/jp/claims/new', { method: 'get', capability: CLAIM, summary: 'Claim JP for training done outside Bina (form)' }, ({ t }) => claimForm(t));
  add('/jp/claims', {
    method: 'post', capability: CLAIM, summary: 'Claim JP for training done outside Bina (form with evidence)', multipart: { limit: EVIDENCE_LIMIT + 64 * 1024 },
    body: z.record(z.string(), z.string()),
  }, async ({ body, files, user, res, t, locale }) => {
    const form = { title: body.title ?? '', provider: body.provider ?? '', kind: body.kind ?? '', startDate: body.startDate ?? '', endDate: body.endDate ?? '', jp: body.jp ?? '' };
    const parsed = claimInput.safeParse(form);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0] ?? 'title')] ??= localizedIssue(services.translator, locale, i);
      if (!files.evidence) errors.evidence ??= t('jp.claim.error.evidenceMissing');
      return claimForm(t, form, errors, 400, files.evidence?.name);
    }
    try {
      const c = await claims.submit(user!, parsed.data, files.evidence);
      res.redirect(303, `/jp/claims/${c._id}?submitted=1`);
    } catch (e) {
      if (!isBinaError(e) || e.status >= 500) throw e;
      const detail = (e.details as Array<{ path: string; message: string }> | undefined)?.[0];
      const field = detail?.path ?? 'evidence';
      return claimForm(t, form, { [field]: detail?.message?.startsWith('jp.') ? t(detail.message) : localize(services.translator, locale, { message: e.message, i18n: e.messageKey }) }, e.status);
    }
  });

  const claimParams = z.object({ claimId: objectId });
  add('/jp/claims/:claimId', { method: 'get', capability: 'core:self', summary: 'A JP claim with its evidence and decision', params: claimParams, query: z.object({ submitted: z.string().optional() }) }, async ({ params, query, user, t }) => {
    const c = await claims.get(params.claimId);
    await claims.requireViewer(user!, c, REPORT);
    const names = await parts.names([c.userId, c.decidedBy]);
    return {
      view: 'core/jp-claim', title: t('jp.claim.title'),
      data: { claim: claimView(c, t, user!.timeZone, names), mine: String(c.userId) === user!.id, canDecide: c.status === 'pending' && (await claims.mayDecide(user!, c)), submitted: Boolean(query.submitted) },
    };
  });
  add('/jp/claims/:claimId/evidence', { method: 'get', capability: 'core:self', summary: 'The evidence file of a JP claim', params: claimParams }, async ({ params, user, res }) => {
    const c = await claims.get(params.claimId);
    await claims.requireViewer(user!, c, REPORT);
    const stream = await services.storage.get(c.evidence.key);
    res.type(c.evidence.type).setHeader('content-disposition', `inline; filename="${c.evidence.key.split('/').pop()}"`);
    res.setHeader('x-content-type-options', 'nosniff');
    stream.pipe(res);
    await new Promise((r) => res.on('finish', r).on('close', r));
  });
  add('/jp/claims/:claimId/decision', {
    method: 'post', capability: DECIDE, scoped: true, summary: 'Approve or reject a JP claim (form)', params: claimParams,
    body: z.object({ decision: z.string(), reason: z.string().optional(), _csrf: z.string().optional() }),
  }, async ({ params, body, user, res, t, locale }) => {
    const parsed = decisionInput.safeParse(body.decision === 'reject' ? { decision: 'reject', reason: body.reason ?? '' } : { decision: body.decision });
    if (!parsed.success) {
      const c = await claims.get(params.claimId);
      await claims.requireViewer(user!, c, REPORT);
      const names = await parts.names([c.userId, c.decidedBy]);
      return {
        view: 'core/jp-claim', title: t('jp.claim.title'), status: 400,
        data: { claim: claimView(c, t, user!.timeZone, names), canDecide: await claims.mayDecide(user!, c), reasonError: t('jp.claim.error.reason'), reason: body.reason ?? '' },
      };
    }
    void locale;
    await claims.decide(user!, params.claimId, parsed.data);
    res.redirect(303, `/jp/approvals?decided=${parsed.data.decision}`);
  });

  add('/jp/approvals', { method: 'get', capability: DECIDE, scoped: true, summary: 'JP claims waiting for my decision, and in my units', query: z.object({ decided: z.enum(['approve', 'reject']).optional() }) }, async ({ user, query, t }) => {
    const { toDecide, inScope } = await parts.pendingClaimsFor(user!);
    const names = await parts.names([...toDecide, ...inScope].map((c) => c.userId));
    const admin = services.authz.can(user, DECIDE);
    return {
      view: 'core/jp-approvals', title: t('jp.approvals.title'),
      data: {
        toDecide: toDecide.map((c) => claimView(c, t, user!.timeZone, names)),
        inScope: inScope.map((c) => ({ ...claimView(c, t, user!.timeZone, names), canDecide: admin })),
        decided: query.decided,
      },
    };
  });

  // ---- my staff (direct supervisor) ----------------------------------------------------------
  add('/jp/team', { method: 'get', capability: DECIDE, scoped: true, summary: 'The JP of the people I directly supervise', query: yearQuery }, async ({ user, query, t }) => {
    const current = parts.currentYear(user!.timeZone);
    const year = query.year ?? current;
    const staff = await parts.identity.User.find({ supervisorId: user!.id, active: true }, { name: 1, nip: 1, kind: 1, unitId: 1, supervisorId: 1, positionName: 1, timeZone: 1, frontTitle: 1, backTitle: 1 }).sort({ name: 1 }).lean();
    const report = await buildJpReport(ledger, staff, await parts.scope.tree(), year, services.config);
    const pending = await claims.pendingForSupervisor(user!.id);
    return { view: 'core/jp-team', title: t('jp.team.title'), data: { year, years: years(current, year), rows: report.rows, totals: report.totals, waiting: pending.length } };
  });

  // ---- compliance report -----------------------------------------------------------------------
  const reportQuery = yearQuery.extend({ unit: objectId.optional().or(z.literal('').transform(() => undefined)) });
  add('/jp/report', { method: 'get', capability: REPORT, scoped: true, summary: 'JP compliance of my units (admins: every unit, with the agency\'s totals)', query: reportQuery }, async ({ user, query, t }) => {
    const current = parts.currentYear(user!.timeZone);
    const year = query.year ?? current;
    const { report, tree, scope } = await parts.reportFor(user!, year, query.unit);
    const admin = scope === 'all';
    const pending = await parts.pendingClaimsFor(user!);
    const kindCols = report.kinds.map((id) => ({ id, label: t(`jp.kind.${id}`) }));
    const qs = `year=${year}${query.unit ? `&unit=${query.unit}` : ''}`;
    return {
      view: 'core/jp-report', title: t('jp.report.title'),
      data: {
        year, years: years(current, year), qs, admin,
        units: tree.options(query.unit, admin ? undefined : scope),
        totals: report.totals, below: report.below, unitRows: report.units.map((u) => ({ ...u, unit: u.unit || t('jp.report.noUnit') })),
        agencyByKind: kindCols.map((c) => ({ label: c.label, jp: report.totals.byKind[c.id] ?? 0 })),
        chart: { labels: report.units.map((u) => u.unit || t('jp.report.noUnit')), values: report.units.map((u) => u.share), label: t('jp.report.share') },
        waiting: pending.toDecide.length + pending.inScope.length,
      },
    };
  });
  add('/jp/report/export', {
    method: 'get', capability: REPORT, scoped: true, summary: 'The JP compliance report as CSV or XLSX (every ASN, or those below target)',
    query: reportQuery.extend({ format: formatQuery, table: z.enum(['people', 'below', 'units']).default('people') }),
  }, async ({ user, query, res, t }) => {
    const year = query.year ?? parts.currentYear(user!.timeZone);
    const { report } = await parts.reportFor(user!, year, query.unit);
    let rows: Cell[][];
    if (query.table === 'units') {
      rows = [[t('jp.report.col.unit'), t('jp.report.col.people'), t('jp.report.col.metCount'), t('jp.report.share')], ...report.units.map((u) => [u.unit || t('jp.report.noUnit'), u.people, u.met, u.share])];
    } else {
      const full = jpReportTable(report, t);
      rows = query.table === 'below' ? [full[0]!, ...full.slice(1).filter((_, i) => !report.rows[i]!.met)] : full;
    }
    await sendTable(res, rows, `jp-${query.table}-${year}`, query.format, t('jp.report.sheet', { year }));
  });

  if (!services.authz.has(REPORT)) throw Errors.config(`Capability ${REPORT} is not declared`);
}
