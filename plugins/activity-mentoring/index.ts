/**
 * activity-mentoring: mentoring by senior ASN (issue 14). Pairs default to the mentee's direct
 * supervisor; sessions are logged by one side and confirmed by the other; the confirmation
 * credits the mentee non-classical JP once through the core's ledger. Wiring only: the rules
 * live in mentoring-service.ts (ADR 0047).
 */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { pairSchema, sessionSchema, type PairDoc, type SessionDoc } from './mentoring-models';
import { CAP_TAKE, MentoringService } from './mentoring-service';
import { registerMentoringRoutes } from './mentoring-routes';
import { registerMentoringPages } from './mentoring-pages';
import { registerMentoringDemo } from './demo';
import { registerMentoringCalendar } from './mentoring-calendar';
import { registerMentorsAnswer } from './mentoring-mentors';

export default definePlugin({
  register(ctx) {
    const Pair = ctx.models.define<PairDoc>('pairs', pairSchema());
    const Session = ctx.models.define<SessionDoc>('sessions', sessionSchema());
    const svc = new MentoringService(ctx, Pair, Session, ctx.models.claims());

    ctx.provide(ctx.id, svc);
    ctx.views.nav({
      id: ctx.id, href: `/${ctx.id}/`, labelKey: `${ctx.id}:nav`, icon: 'people', capability: CAP_TAKE, order: 30,
      badge: async (user) => (await svc.waitingFor(user.id)).length,
    });
    registerMentoringRoutes(ctx, svc);
    registerMentoringPages(ctx, svc);
    registerMentoringDemo(ctx, svc);
    registerMentoringCalendar(ctx, svc);
    registerMentorsAnswer(ctx, svc);
  },
});
