/**
 * activity-latsar: Latsar CPNS actualisation (issue 14): mentor, coach and penguji around each
 * participant, the plan then the report through the file store, coach comments, the seminar
 * scored with a rubric, the result by the programme's weights and bands (settings, DOMAIN.md).
 * Wiring only.
 */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { commentSchema, participantSchema, type CommentDoc, type ParticipantDoc } from './latsar-models';
import { CAP_MANAGE, CAP_TAKE, LatsarService } from './latsar-service';
import { registerLatsar } from './latsar-routes';
import { registerLatsarDemo } from './demo';

export default definePlugin({
  register(ctx) {
    const svc = new LatsarService(ctx, ctx.models.define<ParticipantDoc>('participants', participantSchema()), ctx.models.define<CommentDoc>('comments', commentSchema()), ctx.models.claims());
    ctx.provide(ctx.id, svc);
    ctx.views.nav({ id: ctx.id, href: `/${ctx.id}/`, labelKey: `${ctx.id}:nav.home`, icon: 'journal-check', capability: CAP_TAKE, order: 34 });
    ctx.views.nav({ id: `${ctx.id}.admin`, href: `/${ctx.id}/admin`, labelKey: `${ctx.id}:nav.admin`, icon: 'person-plus', capability: CAP_MANAGE, order: 86, menu: 'manage' });
    registerLatsar(ctx, svc);
    registerLatsarDemo(ctx, svc);
  },
});
