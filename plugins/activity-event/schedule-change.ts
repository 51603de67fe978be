/**
 * Telling registered people that an event's time or place changed (ADR 0068). An edit that moves a
 * session, changes its place or online link, or adds or removes one is a schedule change; an edit
 * of the title, the description or the capacity is not. Each change gets its own id, saved with
 * the edit (`scheduleChange`), and the `change-notices` job (keyed by it) emits
 * `activity-event.event.changed` for every active registration, seated or waiting, then clears it;
 * the inbox keys its notice by change and person, so every change is told once to each, however
 * often the job runs. A change left pending (the edit's process died before the enqueue) is sent
 * by the `recover-change-notices` job.
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

/** A new change id when the edit changes the schedule (saved with the edit as `scheduleChange`), else none. */
export function scheduleChangeOf(before: EventSessionDoc[], after: EventSessionDoc[], at: Date): { id: string; at: Date } | undefined {
  return scheduleChanged(before, after) ? { id: new Types.ObjectId().toHexString(), at } : undefined;
}

/** After the edit is saved: enqueues the notices of its change, keyed by the change. */
export async function enqueueChangeNotices(ctx: PluginContext, eventId: string, change: { id: string }): Promise<void> {
  await ctx.jobs.requeue<ChangeNoticeJob>('change-notices', { eventId, changeId: change.id }, { key: `change-${change.id}` });
}

/**
 * The job: one event per registered (or waiting) person; listeners key by change and person. Then
 * the change is marked sent (a later change, saved meanwhile, stays pending for its own job).
 */
export async function sendChangeNotices(ctx: PluginContext, models: { Event: Model<EventDoc>; Registration: Model<RegistrationDoc> }, job: ChangeNoticeJob): Promise<number> {
  const event = await models.Event.findById(job.eventId).lean();
  if (!event) return 0;
  const regs = await models.Registration.find({ eventId: event._id, cancelled: false }, { userId: 1 }).lean();
  for (const r of regs) {
    await ctx.events.emit(`${ctx.id}.event.changed`, { eventId: job.eventId, changeId: job.changeId, userId: String(r.userId), title: event.title, href: `/${ctx.id}/events/${job.eventId}` }, { strict: true });
  }
  await models.Event.updateOne({ _id: event._id, 'scheduleChange.id': job.changeId }, { $unset: { scheduleChange: 1 } });
  return regs.length;
}

/**
 * The recovery job (every 5 minutes and at each worker start): a change saved more than 5 minutes
 * ago whose notices are still pending (the edit's process died before it enqueued them, or the
 * job was lost) is sent now; a job still waiting or running is left alone.
 */
export async function recoverChangeNotices(ctx: PluginContext, Event: Model<EventDoc>, graceMs = 5 * 60_000): Promise<number> {
  const pending = await Event.find({ 'scheduleChange.at': { $lt: new Date(ctx.clock.now().getTime() - graceMs) } }, { scheduleChange: 1 }).limit(500).lean();
  for (const e of pending) await enqueueChangeNotices(ctx, String(e._id), e.scheduleChange!);
  return pending.length;
}
