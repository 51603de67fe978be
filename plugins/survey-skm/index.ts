/**
 * The public satisfaction survey (SKM, PermenPANRB 14/2017): service units defined by the admin,
 * the public-form guard shared with the public feedback, the public hub of service units, and the
 * IKM maths (ikm.ts, also `bina skm ikm`). Wiring only.
 */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SkmApi } from './api';
import { registerAdminPages, MANAGE } from './admin-pages';
import { loadFormKey, secretSchema, type SecretDoc } from './form-key';
import { registerSkmDemo } from './demo';
import { registerHubPage } from './hub-page';
import { periodOf, type PeriodKind } from './periods';
import { PublicFormGuard } from './public-form-guard';
import { responseSchema, type ResponseDoc } from './responses';
import { ServiceUnits, serviceUnitSchema, type ServiceUnitDoc } from './service-units';
import { registerSurveyPages } from './survey-pages';

export default definePlugin({
  register(ctx) {
    const Unit = ctx.models.define<ServiceUnitDoc>('service_units', serviceUnitSchema());
    const Secret = ctx.models.define<SecretDoc>('secrets', secretSchema());
    const Response = ctx.models.define<ResponseDoc>('responses', responseSchema());
    const settings = ctx.settings as { minFillSeconds: number };
    const guard = new PublicFormGuard(
      () => loadFormKey(Secret),
      () => ctx.clock.now(),
      { minFillSeconds: settings.minFillSeconds, secureCookie: ctx.site.publicUrl.startsWith('https:') },
    );
    const units = new ServiceUnits(Unit, () => ctx.use<IdentityService>('identity'), (u) => ctx.authz.can(u, MANAGE));
    const api: SkmApi = {
      unitBySlug: (s) => units.bySlug(s),
      unitById: (i) => units.byId(i),
      units: () => units.list(),
      isModerator: (u, unit) => units.isModerator(u, unit),
      isStaff: (u, unit) => units.isStaff(u, unit),
      moderatedBy: (u) => units.moderatedBy(u),
      guard,
    };
    ctx.provide<SkmApi>(ctx.id, api);

    registerAdminPages(ctx, Unit);
    registerSurveyPages(ctx, units, Response, guard);
    registerHubPage(ctx, units, (unit, t) => [
      { href: `/${ctx.id}/u/${unit.slug}`, label: t(`${ctx.id}:hub.survey`), icon: 'ui-checks' },
      { href: `/${ctx.id}/u/${unit.slug}/report`, label: t(`${ctx.id}:hub.report`), icon: 'bar-chart' },
    ]);
    registerSkmDemo(ctx, Unit, Response, (at) => periodOf(at, (ctx.settings as { period: PeriodKind }).period, ctx.site.defaultTimeZone));
    ctx.views.nav({ id: `${ctx.id}.hub`, href: `/${ctx.id}/`, labelKey: `${ctx.id}:nav`, capability: `${ctx.id}:hub`, icon: 'megaphone', order: 80 });
    ctx.views.nav({ id: `${ctx.id}.admin`, href: `/${ctx.id}/admin/units`, labelKey: `${ctx.id}:admin.nav`, capability: MANAGE, icon: 'building', order: 81, menu: 'manage' });

  },
});
