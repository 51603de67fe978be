/**
 * The public satisfaction survey (SKM, PermenPANRB 14/2017): service units defined by the admin,
 * the public-form guard shared with the public feedback, the public hub of service units, and the
 * IKM maths (ikm.ts, also `bina skm ikm`). Wiring only.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SkmApi } from './api';
import { registerAdminPages, MANAGE } from './admin-pages';
import { loadFormKey, secretSchema, type SecretDoc } from './form-key';
import { registerSkmDemo } from './demo';
import { registerHubPage } from './hub-page';
import { DevelopmentLoop } from './development-loop';
import { registerLoopHooks } from './unit-panel';
import type { LearningService } from '../../src/learning/learning-service';
import { periodOf } from './periods';
import { PublicFormGuard } from './public-form-guard';
import { legacyResponseSchema, moveLegacyResponses, type LegacyResponseDoc } from './legacy-responses';
import { skmAttemptSchema, type SkmAttemptDoc } from './responses';
import { skmQuestions } from './skm-questionnaire';
import { pruneProfiles } from './profile-retention';
import { SkmResponses } from './skm-responses';
import { ServiceUnits, serviceUnitSchema, type ServiceUnitDoc } from './service-units';
import { registerSurveyPages } from './survey-pages';
import { skmSettingsSchema } from './settings';

/** The language the regulation words the nine elements in. */
const REGULATION_LOCALE = 'id' as const;

/** The responses' store on the attempt engine; the nine items worded as the regulation does (id). */
function responsesOf(ctx: PluginContext): SkmResponses {
  const Attempt = ctx.models.define<SkmAttemptDoc>('attempts', skmAttemptSchema());
  let questions: ReturnType<typeof skmQuestions> | undefined;
  const wording = (e: string) => {
    // The regulation's wording is Indonesian: the stored items are, whatever the reader's language.
    const [name, question, o1, o2, o3, o4] = ['name', 'question', 'o1', 'o2', 'o3', 'o4'].map((part) => ctx.i18n.t(REGULATION_LOCALE, `${ctx.id}:element.${e}.${part}`)) as [string, string, string, string, string, string];
    return { name, question, options: [o1, o2, o3, o4] as [string, string, string, string] };
  };
  return new SkmResponses(Attempt, ctx.questionTypes, () => (questions ??= skmQuestions(wording)), () => ctx.clock.now());
}

export default definePlugin({
  async start(ctx) {
    // Responses stored before the move onto the engine become attempts, once (ADR 0059).
    const moved = await moveLegacyResponses(ctx.models.define<LegacyResponseDoc>('responses', legacyResponseSchema()), responsesOf(ctx));
    if (moved) ctx.log.info({ moved }, 'SKM responses moved onto the attempt engine');
  },
  register(ctx) {
    const Unit = ctx.models.define<ServiceUnitDoc>('service_units', serviceUnitSchema());
    const Secret = ctx.models.define<SecretDoc>('secrets', secretSchema());
    const responses = responsesOf(ctx);
    const settings = skmSettingsSchema.parse(ctx.settings);
    ctx.jobs.define('prune-profiles', { payload: z.strictObject({}), process: async () => pruneProfiles(responses.Attempt, ctx.clock, settings.profileKeepDays) });
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

    const loop = new DevelopmentLoop(responses, units, settings, () => ctx.use<LearningService>('learning'), () => ctx.use<IdentityService>('identity'), () => ctx.clock.now());
    registerLoopHooks(ctx, units, responses, loop);

    registerAdminPages(ctx, Unit);
    registerSurveyPages(ctx, units, responses, guard);
    registerHubPage(ctx, units, (unit, t) => [
      { href: `/${ctx.id}/u/${unit.slug}`, label: t(`${ctx.id}:hub.survey`), icon: 'ui-checks' },
      { href: `/${ctx.id}/u/${unit.slug}/report`, label: t(`${ctx.id}:hub.report`), icon: 'bar-chart' },
    ]);
    registerSkmDemo(ctx, Unit, responses, (at) => periodOf(at, settings.period, ctx.site.defaultTimeZone));
    ctx.views.nav({ id: `${ctx.id}.hub`, href: `/${ctx.id}/`, labelKey: `${ctx.id}:nav`, capability: `${ctx.id}:hub`, icon: 'megaphone', order: 80 });
    ctx.views.nav({ id: `${ctx.id}.admin`, href: `/${ctx.id}/admin/units`, labelKey: `${ctx.id}:admin.nav`, capability: MANAGE, icon: 'building', order: 81, menu: 'manage' });

  },
});
