/**
 * The events plugin's side of the core's training-event contract (src/learning/training-events.ts):
 * the links other plugins add to an event's pages (the organiser's evaluation, the participant's
 * reaction survey), and the answer to "what is this event, and does this person organise it?".
 */
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { CourseLink } from '../../src/learning/course-links';
import { EVENT_ABOUT_HOOK, EVENT_LINKS_HOOK, type EventAbout, type EventLinks } from '../../src/learning/training-events';
import type { EventService } from './event-service';

export async function eventLinks(ctx: PluginContext, user: SessionUser, eventId: string, organiser: boolean, attended: boolean): Promise<{ authorLinks: CourseLink[]; learnerLinks: CourseLink[] }> {
  const { links } = await ctx.hooks.run<EventLinks>(EVENT_LINKS_HOOK, { user, eventId, organiser, attended, links: [] });
  return { authorLinks: links.filter((l) => l.audience === 'author'), learnerLinks: links.filter((l) => l.audience === 'learner') };
}

export function registerEventAbout(ctx: PluginContext, events: EventService): void {
  ctx.hooks.filter<EventAbout>(EVENT_ABOUT_HOOK, async (q) => {
    const event = await events.Event.findById(q.eventId, { title: 1, providerId: 1, published: 1 }).lean().catch(() => null);
    if (!event) return q;
    const organiser = q.user ? await events.canOrganise(q.user, event) : false;
    return { ...q, found: true, title: event.title, href: `/${ctx.id}/events/${event._id}`, organiser };
  });
}
