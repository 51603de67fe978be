/**
 * The personal calendar: a month view of the person's dated things (the hook of
 * src/learning/calendar.ts: this plugin adds the sessions of events they registered for or
 * organise; mentoring adds its sessions), and an iCal feed at a secret per-person URL that a
 * calendar app can subscribe to without a login. Making a new link revokes the old one.
 */
import { randomBytes } from 'node:crypto';
import { Schema, Types, type Model } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { CALENDAR_HOOK, type CalendarEntry, type CalendarQuery } from '../../src/learning/calendar';
import { dayIn, monthIn, utcToWallClock } from '../../src/learning/zone-time';
import { CAP_ATTEND, type EventService } from './event-service';
import { toIcal } from './ical';

interface FeedTokenDoc { _id: string; userId: Types.ObjectId; createdAt: Date }

export function feedTokenSchema() {
  const s = new Schema<FeedTokenDoc>({ _id: { type: String, required: true }, userId: { type: Schema.Types.ObjectId, required: true }, createdAt: { type: Date, required: true } }, { versionKey: false });
  s.index({ userId: 1 }, { unique: true });
  return s;
}

export function registerCalendar(ctx: PluginContext, events: EventService, Token: Model<FeedTokenDoc>): void {
  const id = ctx.id;

  // This plugin's entries: sessions of events the person holds a seat in or waits for, or organises.
  ctx.hooks.filter<CalendarQuery>(CALENDAR_HOOK, async (q) => {
    const regs = await events.Registration.find({ userId: new Types.ObjectId(q.userId), cancelled: false }, { eventId: 1 }).lean();
    const providers = await events.Provider.find({ staffIds: new Types.ObjectId(q.userId) }, { _id: 1 }).lean();
    const list = await events.Event.find({ $or: [{ _id: { $in: regs.map((r) => r.eventId) } }, { providerId: { $in: providers.map((p) => p._id) } }] }).lean();
    for (const e of list) {
      for (const s of e.sessions) {
        if (s.endsAt < q.from || s.startsAt >= q.to) continue;
        q.entries.push({ uid: `${id}-${e._id}-${s.key}@bina`, kind: 'event', title: e.title, start: s.startsAt, end: s.endsAt, href: `/${id}/events/${e._id}`, place: s.place || s.link || undefined });
      }
    }
    return q;
  });

  const entriesFor = async (userId: string, from: Date, to: Date): Promise<CalendarEntry[]> => {
    const q = await ctx.hooks.run<CalendarQuery>(CALENDAR_HOOK, { userId, from, to, entries: [] });
    return q.entries.sort((a, b) => a.start.getTime() - b.start.getTime());
  };

  async function tokenOf(userId: string, fresh = false): Promise<string> {
    if (!fresh) {
      const t = await Token.findOne({ userId: new Types.ObjectId(userId) }).lean();
      if (t) return t._id;
    } else {
      await Token.deleteOne({ userId: new Types.ObjectId(userId) });
    }
    const token = randomBytes(24).toString('base64url');
    try {
      await Token.create({ _id: token, userId, createdAt: ctx.clock.now() });
      return token;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
      return (await Token.findOne({ userId: new Types.ObjectId(userId) }).lean())!._id; // a concurrent first visit made one
    }
  }

  function monthGrid(user: SessionUser, month: string, entries: CalendarEntry[]) {
    const firstDay = new Date(`${month}-01T00:00:00Z`);
    const lead = (firstDay.getUTCDay() + 6) % 7; // Monday first
    const daysInMonth = new Date(Date.UTC(firstDay.getUTCFullYear(), firstDay.getUTCMonth() + 1, 0)).getUTCDate();
    const today = dayIn(ctx.clock.now(), user.timeZone);
    const byDay = new Map<string, CalendarEntry[]>();
    for (const e of entries) {
      const d = dayIn(e.start, user.timeZone);
      byDay.set(d, [...(byDay.get(d) ?? []), e]);
    }
    const cells: Array<{ day?: number; date?: string; today?: boolean; entries: Array<CalendarEntry & { time: string }> }> = [];
    for (let i = 0; i < lead; i++) cells.push({ entries: [] });
    for (let d = 1; d <= daysInMonth; d++) {
      const date = `${month}-${String(d).padStart(2, '0')}`;
      cells.push({ day: d, date, today: date === today, entries: (byDay.get(date) ?? []).map((e) => ({ ...e, time: utcToWallClock(e.start, user.timeZone).slice(11, 16) })) });
    }
    while (cells.length % 7) cells.push({ entries: [] });
    const weeks = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    return weeks;
  }

  const shift = (month: string, by: number) => {
    const d = new Date(`${month}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + by);
    return d.toISOString().slice(0, 7);
  };

  ctx.http.page({ method: 'get', path: '/calendar', capability: CAP_ATTEND, summary: 'My calendar: a month of events and mentoring sessions', query: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }) }, async ({ user, query, t, locale }) => {
    const m = monthIn(ctx.clock.now(), user!.timeZone, query.month);
    const entries = await entriesFor(user!.id, m.from, m.to);
    const token = await tokenOf(user!.id);
    const [y, mo] = m.month.split('-').map(Number) as [number, number];
    return {
      view: `${id}/calendar`, title: t(`${id}:calendar.title`),
      data: {
        month: m.month, monthName: new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, 1))),
        prev: shift(m.month, -1), next: shift(m.month, 1), weeks: monthGrid(user!, m.month, entries), entries: entries.map((e) => ({ ...e })),
        weekdays: [1, 2, 3, 4, 5, 6, 7].map((d) => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, d)))),
        feedUrl: `${ctx.site.publicUrl}/api/v1/${id}/ical/${token}`,
      },
    };
  });
  ctx.http.page({ method: 'post', path: '/calendar/feed', capability: CAP_ATTEND, summary: 'Make a new iCal link (the old one stops working)', body: z.object({ _csrf: z.string().optional() }) }, async ({ user, res }) => {
    await tokenOf(user!.id, true);
    res.redirect(303, `/${id}/calendar`);
  });

  // The feed: public (calendar apps send no cookies), the secret token is the credential.
  ctx.http.route({ method: 'get', path: '/ical/:token', public: true, rateLimit: 60, produces: ['text/calendar'], summary: 'My calendar as iCalendar, at a secret per-person URL', params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{32}$/) }) }, async ({ params, res }) => {
    const t = await Token.findById(params.token).lean();
    if (!t) throw Errors.notFound('No such calendar feed');
    const now = ctx.clock.now();
    const entries = await entriesFor(String(t.userId), new Date(now.getTime() - 90 * 86_400_000), new Date(now.getTime() + 400 * 86_400_000));
    res.status(200).type('text/calendar; charset=utf-8').set('cache-control', 'private, max-age=300').send(toIcal(entries, { name: 'Bina', baseUrl: ctx.site.publicUrl, now }));
  });
}
