/** The JSON API of events (`/api/v1/activity-event/…`); the rules live in the services. */
import { z } from 'zod';
import QRCode from 'qrcode';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { AttendanceService } from './attendance-service';
import { CAP_ATTEND, CAP_MANAGE, eventEditInput, eventInput, providerInput, type EventService } from './event-service';
import { eventView } from './event-views';

export const sessionKey = z.string().regex(/^s\d{1,2}$/);

export function registerEventRoutes(ctx: PluginContext, events: EventService, attendance: AttendanceService): void {
  const eventParams = z.object({ eventId: objectId });
  const sessionParams = z.object({ eventId: objectId, key: sessionKey });
  const providerOf = async (id: unknown) => events.Provider.findById(id, { name: 1, kind: 1 }).lean();

  ctx.http.route({ method: 'post', path: '/providers', capability: CAP_MANAGE, status: 201, summary: 'Create a provider (a unit or an external one) with its organiser staff', body: providerInput }, async ({ user, body }) => {
    const p = await events.createProvider(user!, body);
    return { provider: { id: String(p._id), name: p.name, kind: p.kind, staffIds: p.staffIds.map(String) } };
  });
  ctx.http.route({ method: 'post', path: '/providers/:providerId/staff', capability: CAP_MANAGE, summary: 'Add an organiser to a provider', params: z.object({ providerId: objectId }), body: z.strictObject({ userId: objectId }) }, async ({ user, params, body }) => {
    await events.addStaff(user!, params.providerId, body.userId);
    return { added: true };
  });

  ctx.http.route({ method: 'get', path: '/events', capability: CAP_ATTEND, summary: 'Published events, and the events I organise' }, async ({ user }) => {
    const [open, mine] = await Promise.all([events.published(), events.organisedBy(user!)]);
    return {
      events: await Promise.all(open.map(async (e) => ({ ...eventView(e, await providerOf(e.providerId)), state: await events.stateOf(e._id, user!.id) }))),
      organised: await Promise.all(mine.map(async (e) => eventView(e, await providerOf(e.providerId)))),
    };
  });
  ctx.http.route({ method: 'post', path: '/events', capability: CAP_ATTEND, status: 201, summary: 'Create an event of a provider I am staff of', body: eventInput }, async ({ user, body }) => {
    const e = await events.createEvent(user!, body);
    return { event: eventView(e, await providerOf(e.providerId)) };
  });
  ctx.http.route({ method: 'put', path: '/events/:eventId', capability: CAP_ATTEND, summary: 'Change an event I organise (not its provider); registered people keep their seats, a raised capacity seats those waiting', params: eventParams, body: eventEditInput }, async ({ user, params, body }) => {
    const r = await events.updateEvent(user!, params.eventId, body);
    return { event: eventView(r.event, await providerOf(r.event.providerId)), effects: r.effects };
  });
  ctx.http.route({ method: 'get', path: '/events/:eventId', capability: CAP_ATTEND, summary: 'An event, my registration and my attendance', params: eventParams }, async ({ user, params }) => {
    const { event } = await events.eventFor(user!, params.eventId);
    return { event: eventView(event, await providerOf(event.providerId)), state: await events.stateOf(event._id, user!.id), attended: await attendance.attendedKeys(event._id, user!.id), credited: await attendance.credited(params.eventId, user!.id) };
  });
  ctx.http.route({ method: 'post', path: '/events/:eventId/register', capability: CAP_ATTEND, summary: 'Register (a seat, or the waiting list)', params: eventParams }, async ({ user, params }) => ({ state: await events.register(user!, params.eventId) }));
  ctx.http.route({ method: 'post', path: '/events/:eventId/cancel', capability: CAP_ATTEND, summary: 'Cancel my registration (the first person waiting gets the seat)', params: eventParams }, async ({ user, params }) => {
    await events.cancel(user!, params.eventId);
    return { state: 'cancelled' };
  });
  ctx.http.route({ method: 'get', path: '/events/:eventId/participants', capability: CAP_ATTEND, summary: 'Registered and waiting participants (organisers)', params: eventParams }, async ({ user, params }) => {
    const e = await events.organisedEvent(user!, params.eventId);
    const p = await events.participants(e);
    return { registered: p.registered.map((r) => String(r.userId)), waiting: p.waiting.map((r) => String(r.userId)) };
  });
  ctx.http.route({ method: 'get', path: '/events/:eventId/sessions/:key/code', capability: CAP_ATTEND, summary: 'The current check-in code of a session, as a URL and an SVG QR code (organisers)', params: sessionParams }, async ({ user, params }) => {
    const e = await events.organisedEvent(user!, params.eventId);
    const c = await attendance.currentCode(e, params.key);
    return { ...c, svg: await QRCode.toString(c.url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }) };
  });
  ctx.http.route({ method: 'post', path: '/events/:eventId/sessions/:key/attendance', capability: CAP_ATTEND, summary: 'Mark a participant present or absent by hand (organisers; audited)', params: sessionParams, body: z.strictObject({ userId: objectId, present: z.boolean() }) }, async ({ user, params, body }) => {
    await attendance.mark(user!, params.eventId, params.key, body.userId, body.present);
    return { present: body.present };
  });
  ctx.http.route({ method: 'post', path: '/checkin', capability: CAP_ATTEND, summary: 'Check in with a scanned code', body: z.strictObject({ eventId: objectId, sessionKey, period: z.number().int().min(0), code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }) }, async ({ user, body }) => {
    const r = await attendance.checkIn(user!, body.eventId, body.sessionKey, body.period, body.code);
    return { checkedIn: true, already: r.already, credited: await attendance.credited(body.eventId, user!.id) };
  });
}
