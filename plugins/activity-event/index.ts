/**
 * activity-event: seminars, workshops and bimtek (issue 14). Providers (a unit or an external
 * one) have organiser staff limited to their own events; registration with a waiting list and
 * restrictions; per-session QR check-in with rotating signed codes; attendance credits classical
 * JP and a certificate of attendance once the event's rule is met. Wiring only (ADR 0048).
 */
import { changeNoticeJob, recoverChangeNotices, sendChangeNotices, type ChangeNoticeJob } from './schedule-change';
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { objectId } from '../../src/kernel/object-id';
import { attendanceSchema, eventSchema, providerSchema, registrationSchema, seatSchema, secretSchema, type AttendanceDoc, type EventDoc, type ProviderDoc, type RegistrationDoc, type SeatDoc, type SecretDoc } from './event-models';
import { CAP_ATTEND, CAP_MANAGE, EventService } from './event-service';
import { AttendanceService, type CertifyJob } from './attendance-service';
import { certifyAttendance } from './event-certificate';
import { registerEventRoutes } from './event-routes';
import { registerEventPages } from './event-pages';
import { registerEventDemo } from './demo';
import { feedTokenSchema, registerCalendar } from './event-calendar';
import { registerEventAbout } from './event-links';

export default definePlugin({
  register(ctx) {
    const claims = ctx.models.claims();
    const Attendance = ctx.models.define<AttendanceDoc>('attendance', attendanceSchema());
    const events = new EventService(
      ctx,
      ctx.models.define<ProviderDoc>('providers', providerSchema()),
      ctx.models.define<EventDoc>('events', eventSchema()),
      ctx.models.define<RegistrationDoc>('registrations', registrationSchema()),
      ctx.models.define<SeatDoc>('seats', seatSchema()),
      Attendance,
    );
    const attendance = new AttendanceService(ctx, events, Attendance, ctx.models.define<SecretDoc>('secrets', secretSchema()), claims);

    ctx.jobs.define<CertifyJob>('certify', {
      payload: z.strictObject({ eventId: objectId, userId: objectId }),
      process: async (job) => certifyAttendance(ctx, events, attendance, claims, job),
    });

    ctx.jobs.define<ChangeNoticeJob>('change-notices', { payload: changeNoticeJob, process: (job) => sendChangeNotices(ctx, events, job) });
    ctx.jobs.define('recover-change-notices', { payload: z.strictObject({}), process: () => recoverChangeNotices(ctx, events.Event) });

    ctx.provide(ctx.id, { events, attendance });
    ctx.views.nav({ id: ctx.id, href: `/${ctx.id}/`, labelKey: `${ctx.id}:nav.events`, icon: 'calendar-event', capability: CAP_ATTEND, order: 32 });
    ctx.views.nav({ id: `${ctx.id}.providers`, href: `/${ctx.id}/providers`, labelKey: `${ctx.id}:nav.providers`, icon: 'building', capability: CAP_MANAGE, order: 85, menu: 'manage' });
    registerEventRoutes(ctx, events, attendance);
    registerEventPages(ctx, events, attendance);
    registerEventDemo(ctx, events);
    registerEventAbout(ctx, events);
    registerCalendar(ctx, events, ctx.models.define('feed_tokens', feedTokenSchema()));
    ctx.views.nav({ id: `${ctx.id}.calendar`, href: `/${ctx.id}/calendar`, labelKey: `${ctx.id}:nav.calendar`, icon: 'calendar3', capability: CAP_ATTEND, order: 33 });
  },
});
