/**
 * The unit dashboard page and its CSV export (unit-dashboard.ts says what it shows). Scope as
 * every people report (ADR 0034): an admin every unit, a unit head the units they head and those
 * below, narrowed to one of them by the picker; another unit is a 403, never a wider answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { KernelServices } from '../../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../../http/route-table';
import type { IdentityModels } from '../../identity/identity-models';
import type { SessionUser } from '../../identity/session-user';
import { UnitScope } from '../../identity/unit-scope';
import { Errors } from '../../kernel/errors';
import type { CompetencyService } from '../competency/competency-service';
import { buildJpReport } from '../jp-ledger/jp-report';
import type { JpParts } from '../jp-ledger/jp-parts';
import { toCsv } from '../table-export';
import { dashboardTable, UNIT_DASHBOARD, UNIT_DASHBOARD_HOOK, type DashboardPanel, type UnitDashboard } from './unit-dashboard';

const query = z.object({ unit: z.string().regex(/^[a-f0-9]{24}$/).optional().or(z.literal('').transform(() => undefined)) });

export function registerUnitDashboard(services: KernelServices, jp: JpParts, competency: CompetencyService, identity: Pick<IdentityModels, 'User' | 'Unit'>): void {
  for (const locale of ['id', 'en'] as const) {
    services.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  services.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  services.authz.grantInScopedRole('unit-head', UNIT_DASHBOARD);
  services.registries.navItems.add('core', { id: 'core.unit-dashboard', href: '/units/dashboard', labelKey: 'unitDashboard.nav', icon: 'speedometer2', capability: UNIT_DASHBOARD, order: 11, menu: 'manage' });
  const scope = new UnitScope(services.authz, identity);
  const page = (path: string, spec: Omit<RouteSpec, 'kind' | 'path'>, h: RouteHandler) => services.routes.add('core', path, { ...spec, path, kind: 'page' }, h);

  async function build(user: SessionUser, locale: 'id' | 'en', unitId: string | undefined) {
    const t = (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);
    const tree = await scope.tree();
    const allowed = await scope.units(user, UNIT_DASHBOARD, tree);
    if (unitId && (!tree.byId.has(unitId) || (allowed !== 'all' && !allowed.has(unitId)))) throw Errors.forbidden('This unit is not one of yours', { details: { capability: UNIT_DASHBOARD, scope: 'unit' } });
    const units = await scope.reportUnits(user, UNIT_DASHBOARD, unitId, tree);
    const year = jp.currentYear(user.timeZone);

    const report = await buildJpReport(jp.ledger, await scope.people(units), tree, year, services.config);
    const jpPanel: DashboardPanel = {
      id: 'core.jp', order: 10, title: t('unitDashboard.jp.title', { year }),
      figures: [
        { label: t('unitDashboard.jp.people'), value: String(report.totals.people) },
        { label: t('unitDashboard.jp.met'), value: String(report.totals.met) },
        { label: t('unitDashboard.jp.share'), value: Math.round(report.totals.share * 100) / 100, suffix: '%' },
      ],
      table: { caption: t('unitDashboard.jp.byUnit'), head: [t('unitDashboard.col.unit'), t('unitDashboard.jp.people'), t('unitDashboard.jp.met'), '%'], rows: report.units.map((u) => ({ cells: [u.unit || t('unitDashboard.noUnit'), u.people, u.met, u.share], bar: u.share })) },
      links: [{ href: `/jp/report${unitId ? `?unit=${unitId}` : ''}`, label: t('unitDashboard.jp.link') }],
      empty: report.totals.people ? undefined : t('unitDashboard.jp.none'),
    };

    const heat = await competency.heatMap(units === 'all' ? undefined : units);
    const gaps = heat.competencies
      .map((c) => ({ ...c, withGap: heat.rows.filter((r) => (r.cells.get(c.code)?.gap ?? 0) > 0).length, asked: heat.rows.filter((r) => r.cells.has(c.code)).length }))
      .filter((c) => c.withGap > 0)
      .sort((a, b) => b.withGap - a.withGap || a.code.localeCompare(b.code));
    const competencyPanel: DashboardPanel = {
      id: 'core.competency', order: 20, title: t('unitDashboard.competency.title'),
      figures: [{ label: t('unitDashboard.competency.people'), value: String(heat.rows.length) }, { label: t('unitDashboard.competency.withGap'), value: String(heat.rows.filter((r) => [...r.cells.values()].some((c) => c.gap > 0)).length) }],
      table: gaps.length ? { caption: t('unitDashboard.competency.byCompetency'), head: [t('unitDashboard.competency.col'), t('unitDashboard.competency.withGap'), t('unitDashboard.competency.asked')], rows: gaps.slice(0, 8).map((g) => ({ cells: [`${g.code} ${g.name}`, g.withGap, g.asked], bar: g.asked ? (g.withGap / g.asked) * 100 : 0, tone: 'warning' as const })) } : undefined,
      links: [{ href: `/competency/units${unitId ? `?unitId=${unitId}` : ''}`, label: t('unitDashboard.competency.link') }],
      empty: heat.rows.length ? (gaps.length ? undefined : t('unitDashboard.competency.noGaps')) : t('unitDashboard.competency.none'),
    };

    const value = await services.hooks.run<UnitDashboard>(UNIT_DASHBOARD_HOOK, { user, locale, units, panels: [jpPanel, competencyPanel] });
    const panels = [...value.panels].sort((a, b) => a.order - b.order);
    return { tree, allowed, panels, year };
  }

  page('/units/dashboard', { method: 'get', capability: UNIT_DASHBOARD, scoped: true, summary: 'Unit dashboard: IKM and its trend, JP compliance, competency gaps and open feedback of my units', query }, async ({ user, locale, query: q, t }) => {
    const { tree, allowed, panels } = await build(user!, locale, q.unit);
    return {
      view: 'core/unit-dashboard', title: t('unitDashboard.title'),
      data: { units: tree.options(q.unit, allowed === 'all' ? undefined : allowed), anyUnit: allowed === 'all', chosen: q.unit ?? '', panels, csv: `/units/dashboard.csv${q.unit ? `?unit=${q.unit}` : ''}` },
    };
  });

  page('/units/dashboard.csv', { method: 'get', capability: UNIT_DASHBOARD, scoped: true, summary: 'The unit dashboard as CSV (every panel\'s figures and table)', query }, async ({ user, locale, query: q, res }) => {
    const { panels } = await build(user!, locale, q.unit);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="dasbor-unit-${services.clock.now().toISOString().slice(0, 10)}.csv"`);
    res.send(toCsv(dashboardTable(panels)));
    return undefined;
  });
}
