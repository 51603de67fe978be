/**
 * evaluation-training: Kirkpatrick's four levels for a course (issue 15; ADRs 0057, 0058, 0066),
 * and the reaction survey of an event (a seminar or workshop of activity-event, through the
 * core's training-event hooks, never by import).
 * Level 1 reaction-service.ts, level 2 learning-gain.ts, level 3 behaviour-service.ts, level 4
 * skp-service.ts; one page per course shows them together. Wiring only.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { COURSE_LINKS_HOOK, type CourseLinks } from '../../src/learning/course-links';
import { objectId } from '../../src/kernel/object-id';
import { behaviourJob, BehaviourService, type BehaviourJob } from './behaviour-service';
import { registerEvaluationDemo } from './demo';
import { courseSettingsSchema, offerSchema, reactionFormSchema, reactionItemSchema, responseSchema, skpRatingSchema, taskSchema, type CourseSettingsDoc, type OfferDoc, type ReactionFormDoc, type ReactionItemDoc, type ResponseDoc, type SkpRatingDoc, type TaskDoc } from './evaluation-models';
import { registerEvaluationPages } from './evaluation-pages';
import { registerEvaluationRoutes } from './evaluation-routes';
import { registerExportPages } from './export-pages';
import { registerReactionPages } from './reaction-pages';
import { LearningGain } from './learning-gain';
import { ReactionForms } from './reaction-forms';
import { ofCourse, ofEvent, OFFER_ID, offerId, ReactionService } from './reaction-service';
import { evaluationSettingsSchema } from './settings';
import { EVENT_ATTENDED, EVENT_LINKS_HOOK, type EventLinks } from '../../src/learning/training-events';
import { SkpService } from './skp-service';

const courseCompleted = z.object({ courseId: objectId, userId: objectId, title: z.string() });
const eventAttended = z.object({ eventId: objectId, userId: objectId, title: z.string() });
const reminderJob = z.object({ kind: z.enum(['reaction', 'behaviour']), id: z.string().regex(OFFER_ID) });

export interface Evaluation {
  reaction: ReactionService;
  gain: LearningGain;
  behaviour: BehaviourService;
  skp: SkpService;
}

export default definePlugin({
  register(ctx) {
    const settings = evaluationSettingsSchema.parse(ctx.settings);
    const Settings = ctx.models.define<CourseSettingsDoc>('course_settings', courseSettingsSchema());
    const Offer = ctx.models.define<OfferDoc>('offers', offerSchema());
    const ev: Evaluation = {
      reaction: new ReactionService(ctx, Settings, Offer, ctx.models.define<ResponseDoc>('responses', responseSchema()),
        new ReactionForms(ctx, ctx.models.define<ReactionFormDoc>('reaction_forms', reactionFormSchema()), ctx.models.define<ReactionItemDoc>('reaction_items', reactionItemSchema())), settings),
      gain: new LearningGain(ctx, Settings),
      behaviour: new BehaviourService(ctx, ctx.models.define<TaskDoc>('tasks', taskSchema()), settings),
      skp: new SkpService(ctx, ctx.models.define<SkpRatingDoc>('skp_ratings', skpRatingSchema()), Offer),
    };
    ctx.provide(ctx.id, ev);

    // A completed course: offer the reaction survey now, ask for the behaviour rating N weeks later.
    ctx.events.on('learning.course.completed', async (raw) => {
      const p = courseCompleted.safeParse(raw);
      if (!p.success) return;
      await ev.reaction.offer(ofCourse(p.data.courseId), p.data.userId, p.data.title);
      await ev.behaviour.schedule(p.data.courseId, p.data.userId);
    });
    // An event attended (its attendance rule met; may be reported again): offer its reaction survey once.
    ctx.events.on(EVENT_ATTENDED, async (raw) => {
      const p = eventAttended.safeParse(raw);
      if (p.success) await ev.reaction.offer(ofEvent(p.data.eventId), p.data.userId, p.data.title);
    });
    ctx.jobs.define<BehaviourJob>('behaviour-task', { payload: behaviourJob, process: (data, job) => ev.behaviour.run(data, job.job) });
    ctx.jobs.define<z.infer<typeof reminderJob>>('reminder', {
      payload: reminderJob,
      process: (data) => (data.kind === 'reaction' ? ev.reaction.remind(data.id) : ev.behaviour.remind(data.id)),
    });

    ctx.hooks.filter<CourseLinks>(COURSE_LINKS_HOOK, async (v) => {
      if (v.canAuthor && ctx.authz.can(v.user, `${ctx.id}:view`)) v.links.push({ href: `/${ctx.id}/courses/${v.courseId}`, labelKey: `${ctx.id}:course.link`, icon: 'clipboard-data', audience: 'author' });
      if (v.enrolled && ctx.authz.can(v.user, `${ctx.id}:respond`)) {
        const offer = await ev.reaction.Offer.findById(offerId(ofCourse(v.courseId), v.user.id), { answered: 1 }).lean();
        if (offer && !offer.answered) v.links.push({ href: ev.reaction.surveyHref(ofCourse(v.courseId)), labelKey: `${ctx.id}:course.survey`, icon: 'ui-checks', audience: 'learner' });
      }
      return v;
    });
    ctx.hooks.filter<EventLinks>(EVENT_LINKS_HOOK, async (v) => {
      if (v.organiser) v.links.push({ href: `/${ctx.id}/events/${v.eventId}`, labelKey: `${ctx.id}:event.link`, icon: 'clipboard-data', audience: 'author' });
      if (v.attended && ctx.authz.can(v.user, `${ctx.id}:respond`)) {
        const offer = await ev.reaction.Offer.findById(offerId(ofEvent(v.eventId), v.user.id), { answered: 1 }).lean();
        if (offer && !offer.answered) v.links.push({ href: ev.reaction.surveyHref(ofEvent(v.eventId)), labelKey: `${ctx.id}:event.survey`, icon: 'ui-checks', audience: 'learner' });
      }
      return v;
    });
    ctx.views.nav({ id: `${ctx.id}.tasks`, href: `/${ctx.id}/tasks`, labelKey: `${ctx.id}:tasks.nav`, icon: 'person-check', capability: `${ctx.id}:rate`, order: 35, badge: (u) => ev.behaviour.waitingFor(u.id), visible: (u) => ev.behaviour.mayRate(u.id) });
    ctx.views.nav({ id: `${ctx.id}.skp`, href: `/${ctx.id}/skp`, labelKey: `${ctx.id}:skp.nav`, icon: 'graph-up', capability: `${ctx.id}:skp-import`, order: 82, menu: 'manage' });

    registerEvaluationRoutes(ctx, ev);
    registerEvaluationPages(ctx, ev);
    registerReactionPages(ctx, ev);
    registerExportPages(ctx, ev);
    registerEvaluationDemo(ctx, ev);
  },
});
