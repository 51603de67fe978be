/**
 * The public hub of service units (`/survey-skm/`): every unit with its survey, its IKM report and
 * whatever other plugins add for it (the public feedback adds its page and, for moderators, the
 * queue) through the filter hook `survey-skm.hub.render`, so this plugin names none of their paths.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import type { HubLink, HubRender, ServiceUnitView } from './api';
import type { ServiceUnits } from './service-units';

export function registerHubPage(ctx: PluginContext, units: ServiceUnits, ownLinks: (unit: ServiceUnitView, t: (k: string) => string) => HubLink[]): void {
  ctx.http.page({ method: 'get', path: '/', public: true, summary: 'Public services: survey and feedback per service unit' }, async ({ user, locale, t }) => {
    const list = await units.list();
    const rendered = await ctx.hooks.run<HubRender>('survey-skm.hub.render', {
      user,
      locale,
      units: list.map((unit) => ({ unit, links: ownLinks(unit, t) })),
      top: [],
    });
    return { view: `${ctx.id}/hub`, title: t(`${ctx.id}:hub.title`), data: { units: rendered.units, top: rendered.top } };
  });
}
