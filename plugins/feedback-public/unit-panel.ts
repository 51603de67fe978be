/**
 * The public feedback's panel on the core's unit dashboard (`learning.unit-dashboard.panels`):
 * per service unit in the dashboard's scope, the items waiting for moderation, the accepted items
 * still open (not yet answered), and the share answered within the unit's service standard.
 */
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import { UNIT_DASHBOARD_HOOK, type DashboardPanel, type UnitDashboard } from '../../src/learning/unit-dashboard/unit-dashboard';
import type { SkmApi } from '../survey-skm/api';
import { answerTimes } from './answer-times';
import type { FeedbackDoc } from './feedback-items';

export function registerUnitPanel(ctx: PluginContext, Item: Model<FeedbackDoc>): void {
  const id = ctx.id;
  const holidays = new Set((ctx.settings as { holidays: string[] }).holidays);
  ctx.hooks.filter<UnitDashboard>(UNIT_DASHBOARD_HOOK, async (v) => {
    const t = (key: string, args?: Record<string, unknown>) => ctx.i18n.t(v.locale, `${id}:${key}`, args);
    const units = (await ctx.use<SkmApi>('survey-skm').units()).filter((u) => (v.units === 'all' ? true : Boolean(u.coreUnitId && v.units.has(u.coreUnitId))));
    const rows: NonNullable<DashboardPanel['table']>['rows'] = [];
    let open = 0;
    let pending = 0;
    for (const unit of units) {
      const items = await Item.find({ serviceUnitId: new Types.ObjectId(unit.id) }, { moderation: 1, status: 1, submittedAt: 1, firstAnswerAt: 1 }).lean();
      const accepted = items.filter((i) => i.moderation === 'published' || i.moderation === 'private');
      const unitOpen = accepted.filter((i) => i.status === 'open').length;
      const unitPending = items.filter((i) => i.moderation === 'pending').length;
      const times = answerTimes(accepted, { standardDays: unit.serviceStandardDays, now: ctx.clock.now(), timeZone: ctx.site.defaultTimeZone, holidays });
      open += unitOpen;
      pending += unitPending;
      rows.push({ cells: [unit.name, unitPending, unitOpen, times.withinStandardPct === undefined ? '–' : `${times.withinStandardPct}%`, unit.serviceStandardDays], ...(unitOpen ? { tone: 'warning' as const } : {}) });
    }
    const panel: DashboardPanel = {
      id: `${id}.open`, order: 30, title: t('dashboard.title'),
      figures: [{ label: t('dashboard.open'), value: String(open) }, { label: t('dashboard.pending'), value: String(pending) }],
      table: rows.length ? { caption: t('dashboard.caption'), head: [t('dashboard.unit'), t('dashboard.pending'), t('dashboard.open'), t('dashboard.within'), t('dashboard.standard')], rows } : undefined,
      links: [{ href: `/${id}/moderate`, label: t('dashboard.queue') }, ...units.map((u) => ({ href: `/${id}/u/${u.slug}`, label: t('dashboard.public', { unit: u.name }) }))],
      empty: units.length ? undefined : t('dashboard.none'),
    };
    return { ...v, panels: [...v.panels, panel] };
  });
}
