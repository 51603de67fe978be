/**
 * What the SKM adds to the core's unit dashboard (`learning.unit-dashboard.panels`) and to the
 * learners' home recommendations (`learning.home.recommendations`), ADR 0060:
 * - the IKM of every service unit in the dashboard's scope (linked to an organisation unit in it;
 *   an admin's "all units" also shows the unlinked ones), per period as a trend, with the grade;
 * - the low elements of each such unit's latest period: which element, which period, the average
 *   against the threshold, and the courses recommended to the unit's ASN (the "why").
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { HOME_RECOMMENDATIONS_HOOK, type HomeRecommendations } from '../../src/learning/home-recommendations';
import { UNIT_DASHBOARD_HOOK, type DashboardPanel, type UnitDashboard } from '../../src/learning/unit-dashboard/unit-dashboard';
import type { ServiceUnitView } from './api';
import type { DevelopmentLoop, LowElement } from './development-loop';
import { ikmWeightLabel, type IkmWeight } from './ikm';
import { unitReport } from './report-data';
import { formatNumber } from '../../src/views/view-engine';
import type { ServiceUnits } from './service-units';
import type { SkmResponses } from './skm-responses';

export function registerLoopHooks(ctx: PluginContext, units: ServiceUnits, responses: SkmResponses, loop: DevelopmentLoop): void {
  const id = ctx.id;
  const s = ctx.settings as { weight: IkmWeight; minRespondents: number };
  const reason = (locale: 'id' | 'en', unit: ServiceUnitView, low: LowElement) =>
    ctx.i18n.t(locale, `${id}:loop.reason`, { number: low.number, element: ctx.i18n.t(locale, `${id}:element.${low.element}.name`), unit: unit.name, period: low.period, average: formatNumber(locale, low.average, 2, true), threshold: formatNumber(locale, low.threshold, 2, true) });

  ctx.hooks.filter<HomeRecommendations>(HOME_RECOMMENDATIONS_HOOK, async (v) => ({ ...v, items: [...v.items, ...(await loop.recommendationsFor(v.user, (unit, low) => reason(v.locale, unit, low)))] }));

  ctx.hooks.filter<UnitDashboard>(UNIT_DASHBOARD_HOOK, async (v) => {
    const t = (key: string, args?: Record<string, unknown>) => ctx.i18n.t(v.locale, `${id}:${key}`, args);
    const shown = (await units.list()).filter((u) => (v.units === 'all' ? true : Boolean(u.coreUnitId && v.units.has(u.coreUnitId))));
    const rows: NonNullable<DashboardPanel['table']>['rows'] = [];
    const notes: NonNullable<DashboardPanel['notes']> = [];
    for (const unit of shown) {
      for (const p of await unitReport(responses, unit.id, { weight: s.weight, minRespondents: s.minRespondents })) {
        rows.push(p.result ? { cells: [unit.name, p.period, p.respondents, Math.round(p.result.ikm * 100) / 100, `${p.result.grade} · ${p.result.label}`], bar: p.result.ikm } : { cells: [unit.name, p.period, p.respondents, '–', t('report.notEnough')] });
      }
      for (const low of await loop.lowElements(unit)) {
        const courses = await loop.coursesFor(low);
        notes.push({
          text: `${reason(v.locale, unit, low)} ${courses.length ? t('loop.recommended') : t('loop.noCourses', { codes: low.competencies.join(', ') || '–' })}`,
          links: courses.map((c) => ({ href: `/courses/${c.id}`, label: `${c.title} (${c.competency}, ${c.jp} JP)` })),
        });
      }
    }
    const panel: DashboardPanel = {
      id: `${id}.ikm`, order: 5, title: t('dashboard.title'),
      table: rows.length ? { caption: t('dashboard.caption', { weight: ikmWeightLabel(s.weight, (n) => formatNumber(v.locale, n)) }), head: [t('dashboard.unit'), t('export.period'), t('export.respondents'), 'IKM', t('export.grade')], rows } : undefined,
      notes,
      links: shown.map((u) => ({ href: `/${id}/u/${u.slug}/report`, label: t('dashboard.report', { unit: u.name }) })),
      empty: shown.length ? (rows.length ? undefined : t('dashboard.noResponses')) : t('dashboard.none'),
    };
    return { ...v, panels: [...v.panels, panel] };
  });
}
