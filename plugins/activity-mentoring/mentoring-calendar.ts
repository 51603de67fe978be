/** Mentoring sessions (as mentor or mentee) on the person's calendar (src/learning/calendar.ts). */
import type { PluginContext } from '../../src/host/plugins/context';
import { CALENDAR_HOOK, type CalendarQuery } from '../../src/learning/calendar';
import type { MentoringService } from './mentoring-service';
import { idsOf } from './mentoring-views';

export function registerMentoringCalendar(ctx: PluginContext, svc: MentoringService): void {
  ctx.hooks.filter<CalendarQuery>(CALENDAR_HOOK, async (q) => {
    const sessions = await svc.sessionsBetween(q.userId, q.from, q.to);
    const people = await svc.people(idsOf(sessions));
    for (const s of sessions) {
      const other = String(s.mentorId) === q.userId ? people.get(String(s.menteeId)) : people.get(String(s.mentorId));
      q.entries.push({
        uid: `${ctx.id}-${s._id}@bina`, kind: 'mentoring', title: `Mentoring: ${s.topic}${other ? ` (${other.name})` : ''}`,
        start: s.heldAt, end: new Date(s.heldAt.getTime() + s.minutes * 60_000), href: `/${ctx.id}/pairs/${s.pairId}#session-${s._id}`,
      });
    }
    return q;
  });
}
