/**
 * Telling registered people that an event's time or place changed (ADR 0068). An edit that moves a
 * session, changes its place or online link, or adds or removes one is a schedule change; an edit
 * of the title, the description or the capacity is not. Each change gets its own id, and the
 * `change-notices` job (keyed by it) emits `activity-event.event.changed` for every active
 * registration, seated or waiting; the inbox keys its notice by change and person, so every
 * change is told once to each, however often the job runs.
 */
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { EventDoc, EventSessionDoc, RegistrationDoc } from './event-models';

export const changeNoticeJob = z.strictObject({ eventId: objectId, changeId: objectId });
export type ChangeNoticeJob = z.infer<typeof changeNoticeJob>;

const when = (s: EventSessionDoc) => `${new Date(s.startsAt).getTime()}|${new Date(s.endsAt).getTime()}|${s.place ?? ''}|${s.link ?? ''}`;

/** Whether the sessions' times, places or links differ (sessions matched by their key). */
export function scheduleChanged(before: EventSessionDoc[], after: EventSessionDoc[]): boolean {
  if (before.length !== after.length) return true;
  const was = new Map(before.map((s) => [s.key, when(s)]));
  return after.some((s) => was.get(s.key) !== when(s));
}

/** After an edit saved: enqueues the notices of a schedule change (nothing for any other edit). */
export async function announceScheduleChange(ctx: PluginContext, before: Pick<EventDoc, 'sessions'>, after: Pick<EventDoc, '_id' | 'sessions'>): Promise<boolean> {
  if (!scheduleChanged(before.sessions, after.sessions)) return false;
  const changeId = new Types.ObjectId().toHexString();
  await ctx.jobs.enqueue<ChangeNoticeJob>('change-notices', { eventId: String(after._id), changeId }, { key: `change-${changeId}` });
  return true;
}

/** The job: one event per registered (or waiting) person; listeners key by change and person. */
export async function sendChangeNotices(ctx: PluginContext, models: { Event: Model<EventDoc>; Registration: Model<RegistrationDoc> }, job: ChangeNoticeJob): Promise<number> {
  const event = await models.Event.findById(job.eventId).lean();
  if (!event) return 0;
  const regs = await models.Registration.find({ eventId: event._id, cancelled: false }, { userId: 1 }).lean();
  for (const r of regs) {
    await ctx.events.emit(`${ctx.id}.event.changed`, { eventId: job.eventId, changeId: job.changeId, userId: String(r.userId), title: event.title, href: `/${ctx.id}/events/${job.eventId}` }, { strict: true });
  }
  return regs.length;
}
