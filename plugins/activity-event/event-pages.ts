/**
 * The event pages (work without JavaScript, except the QR screen's rotation): the events home,
 * an event's page with registration, the organiser's new-event form, manage page (participants,
 * waiting list, attendance by hand) and QR screen, the check-in page a phone opens from the QR
 * code, and the admin's providers page.
 */
import { z } from 'zod';
import QRCode from 'qrcode';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { POSITION_TYPES, nameWithTitles } from '../../src/identity/asn-lists';
import { isBinaError } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import { utcToWallClock, wallClockToUtc } from '../../src/learning/zone-time';
import type { IdentityService } from '../../src/identity/identity-service';
import type { AttendanceService } from './attendance-service';
import { EventErrors } from './event-errors';
import { EVENT_KINDS, type EventDoc } from './event-models';
import { CAP_ATTEND, CAP_MANAGE, eventEditInput, eventInput, type EventService } from './event-service';
import { eventView } from './event-views';
import { sessionKey } from './event-routes';
import { eventLinks } from './event-links';

type T = (key: string, args?: Record<string, unknown>) => string;
type Errs = Record<string, string>;
const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const SESSION_ROWS = 3;

const eventForm = z.object({
  providerId: z.string().default(''), title: z.string().default(''), description: z.string().default(''), kind: z.string().default('seminar'),
  jp: z.string().default(''), capacity: z.string().default(''), minAttendancePct: z.string().default('100'), published: z.string().optional(),
  competencies: list, restrictUnitIds: list, restrictPositionTypes: list,
  startsAt: list, endsAt: list, place: list, link: list, key: list, _csrf: z.string().optional(),
});
type EventForm = z.infer<typeof eventForm>;

/** How many session rows hold something (the last one that does, counted from 1). */
function filledRows(chosen: (k: string) => string[]): number {
  return Math.max(...['startsAt', 'endsAt', 'place', 'link'].map((k) => chosen(k).reduce((last, v, i) => (v.trim() ? i + 1 : last), 0)));
}

function message(e: unknown, t: T): string {
  if (!isBinaError(e) || e.status >= 500) throw e;
  const text = t(e.messageKey);
  return text && text !== e.messageKey ? text : e.message;
}

export function registerEventPages(ctx: PluginContext, events: EventService, attendance: AttendanceService): void {
  const id = ctx.id;
  const identity = () => ctx.use<IdentityService>('identity');
  const learning = () => ctx.use<LearningService>('learning');
  const eventParams = z.object({ eventId: objectId });
  const sessionParams = z.object({ eventId: objectId, key: sessionKey });
  const providerOf = async (pid: unknown) => events.Provider.findById(pid, { name: 1, kind: 1 }).lean();
  const viewOf = async (e: EventDoc) => eventView(e, await providerOf(e.providerId));

  ctx.http.page({ method: 'get', path: '/', capability: CAP_ATTEND, summary: 'Events: open for registration, mine, and those I organise' }, async ({ user, t }) => {
    const now = ctx.clock.now();
    const [open, organised, providers] = await Promise.all([events.published(), events.organisedBy(user!), events.providersOf(user!)]);
    const rows = [];
    for (const e of open) {
      const last = e.sessions[e.sessions.length - 1];
      const state = await events.stateOf(e._id, user!.id);
      if (last && last.endsAt < now && state === 'none') continue;
      if (state === 'none' && !(await events.mayRegister(user!, e))) continue;
      rows.push({ ...(await viewOf(e)), state });
    }
    return {
      view: `${id}/home`, title: t(`${id}:title`),
      data: {
        mine: rows.filter((r) => r.state === 'registered' || r.state === 'waiting'),
        open: rows.filter((r) => r.state !== 'registered' && r.state !== 'waiting'),
        organised: await Promise.all(organised.map(viewOf)),
        canCreate: providers.length > 0,
        canManage: ctx.authz.can(user, CAP_MANAGE),
      },
    };
  });

  async function eventPage(user: SessionUser, eventId: string, t: T, error?: string, status?: number) {
    const { event, organiser } = await events.eventFor(user, eventId);
    const state = await events.stateOf(event._id, user.id);
    const attended = await attendance.attendedKeys(event._id, user.id);
    const credited = attendance.ruleMet(event, attended.length);
    return {
      view: `${id}/event`, title: event.title, status,
      data: {
        event: await viewOf(event), state, organiser, error, ...(await eventLinks(ctx, user, String(event._id), organiser, credited)),
        attended: event.sessions.map((s) => ({ key: s.key, startsAt: s.startsAt, present: attended.includes(s.key) })),
        attendedCount: attended.length, credited,
        mayRegister: state !== 'registered' && state !== 'waiting' && (await events.mayRegister(user, event)),
      },
    };
  }

  // Before /events/:eventId, which would take 'new' for an id.
  ctx.http.page({ method: 'get', path: '/events/new', capability: CAP_ATTEND, summary: 'New event form (organisers)' }, async ({ user, t, res }) => {
    const providers = await events.providersOf(user!);
    if (!providers.length) return void res.redirect(303, `/${id}/`);
    const start = new Date(ctx.clock.now().getTime() + 7 * 86_400_000);
    start.setUTCMinutes(0, 0, 0);
    const wall = (d: Date) => utcToWallClock(d, user!.timeZone);
    const form = { providerId: String(providers[0]!._id), kind: 'seminar', jp: '2', capacity: '30', minAttendancePct: '100', published: 'on', startsAt: [wall(start)], endsAt: [wall(new Date(start.getTime() + 2 * 3600_000))], place: ['Aula BKPSDM'], link: [''] };
    return { view: `${id}/edit`, title: t(`${id}:new.title`), data: await formData(user!, form, {}) };
  });

  ctx.http.page({ method: 'get', path: '/events/:eventId', capability: CAP_ATTEND, summary: 'An event: sessions, registration, my attendance', params: eventParams }, async ({ user, params, t }) => eventPage(user!, params.eventId, t));
  const action = (path: string, summary: string, run: (user: SessionUser, eventId: string) => Promise<unknown>) =>
    ctx.http.page({ method: 'post', path, capability: CAP_ATTEND, summary, params: eventParams, body: z.object({ _csrf: z.string().optional() }) }, async ({ user, params, t, res }) => {
      try {
        await run(user!, params.eventId);
      } catch (e) {
        return eventPage(user!, params.eventId, t, message(e, t), isBinaError(e) ? e.status : 400);
      }
      res.redirect(303, `/${id}/events/${params.eventId}`);
    });
  action('/events/:eventId/register', 'Register (form)', (u, e) => events.register(u, e));
  action('/events/:eventId/cancel', 'Cancel my registration (form)', (u, e) => events.cancel(u, e));

  // ---- organisers ----
  /** The form's data; `editing` is the event being edited (its provider fixed, its session keys kept). */
  async function formData(user: SessionUser, form: Record<string, unknown>, errors: Errs, editing?: EventDoc) {
    const [providers, competencies, units] = await Promise.all([
      events.providersOf(user), learning().models.Competency.find({}, { code: 1, name: 1 }).sort({ code: 1 }).lean(), identity().models.Unit.find({}, { name: 1, code: 1 }).sort({ name: 1 }).lean(),
    ]);
    const chosen = (k: string) => (Array.isArray(form[k]) ? (form[k] as string[]) : []);
    return {
      form, errors,
      providers: providers.map((p) => ({ id: String(p._id), name: p.name, selected: String(p._id) === form.providerId })),
      kinds: EVENT_KINDS.map((k) => ({ id: k, selected: k === form.kind })),
      competencies: competencies.map((c) => ({ code: c.code, name: c.name, selected: chosen('competencies').includes(c.code) })),
      units: units.map((u) => ({ id: String(u._id), name: u.name, selected: chosen('restrictUnitIds').includes(String(u._id)) })),
      positions: POSITION_TYPES.map((p) => ({ id: p, checked: chosen('restrictPositionTypes').includes(p) })),
      // One empty row more than filled, at least SESSION_ROWS.
      rows: Array.from({ length: Math.min(20, Math.max(SESSION_ROWS, filledRows(chosen) + 1)) }, (_, i) => ({
        n: i + 1, startsAt: chosen('startsAt')[i] ?? '', endsAt: chosen('endsAt')[i] ?? '', place: chosen('place')[i] ?? '', link: chosen('link')[i] ?? '', key: chosen('key')[i] ?? '',
      })),
      editing: editing ? { id: String(editing._id), provider: (await providerOf(editing.providerId))?.name ?? '' } : undefined,
      action: editing ? `/${id}/events/${editing._id}/edit` : `/${id}/events`,
    };
  }

  /** The form's session rows as API sessions; a row left empty is skipped, a bad one gets its reason. */
  function sessionsOf(body: EventForm, tz: string, errors: Errs, t: T) {
    const sessions = [];
    const rows = Math.min(20, Math.max(body.startsAt.length, body.endsAt.length, body.place.length, body.link.length));
    for (let i = 0; i < rows; i++) {
      const [s, e, place, link] = [body.startsAt[i] ?? '', body.endsAt[i] ?? '', (body.place[i] ?? '').trim(), (body.link[i] ?? '').trim()];
      if (!s && !e && !place && !link) continue;
      const startsAt = wallClockToUtc(s, tz);
      const endsAt = wallClockToUtc(e, tz);
      if (!startsAt || !endsAt || endsAt <= startsAt) errors[`session${i + 1}`] = t(`${id}:form.err.sessionTime`);
      else if (!place && !link) errors[`session${i + 1}`] = t(`${id}:form.err.sessionPlace`);
      else sessions.push({ startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), place, link, ...(/^s\d{1,2}$/.test(body.key[i] ?? '') ? { key: body.key[i] } : {}) });
    }
    if (!sessions.length && !Object.keys(errors).length) errors.session1 = t(`${id}:form.err.sessionNone`);
    return sessions;
  }

  /** The form's fields as API input (without sessions), and the reasons beside the fields zod refused. */
  function fieldsOf(body: EventForm) {
    return {
      title: body.title, description: body.description, kind: body.kind, jp: Number(body.jp), capacity: Number(body.capacity),
      minAttendancePct: Number(body.minAttendancePct), published: body.published === 'on', competencies: body.competencies, restrictUnitIds: body.restrictUnitIds,
      restrictPositionTypes: body.restrictPositionTypes,
    };
  }
  function fieldErrors(issues: z.core.$ZodIssue[], errors: Errs, t: T) {
    for (const issue of issues) {
      const field = String(issue.path[0]);
      if (field !== 'sessions' && !errors[field]) errors[field] = t(`${id}:form.err.${field}`);
    }
  }

  ctx.http.page({ method: 'post', path: '/events', capability: CAP_ATTEND, summary: 'Create an event (form)', body: eventForm }, async ({ user, body, t, res }) => {
    const errors: Errs = {};
    const sessions = sessionsOf(body, user!.timeZone, errors, t);
    const parsed = eventInput.safeParse({ providerId: body.providerId, ...fieldsOf(body), sessions: sessions.length ? sessions : [{ startsAt: '', endsAt: '' }] });
    if (!parsed.success) fieldErrors(parsed.error.issues, errors, t);
    if (Object.keys(errors).length || !parsed.success) return { view: `${id}/edit`, title: t(`${id}:new.title`), status: 400, data: await formData(user!, body, errors) };
    try {
      const e = await events.createEvent(user!, parsed.data);
      res.redirect(303, `/${id}/events/${e._id}/manage`);
    } catch (e) {
      return { view: `${id}/edit`, title: t(`${id}:new.title`), status: isBinaError(e) ? e.status : 400, data: await formData(user!, body, { form: message(e, t) }) };
    }
  });

  ctx.http.page({ method: 'get', path: '/events/:eventId/edit', capability: CAP_ATTEND, summary: 'Edit an event (organisers), saying what a change does for those registered', params: eventParams }, async ({ user, params, t }) => {
    const event = await events.organisedEvent(user!, params.eventId);
    const wall = (d: Date) => utcToWallClock(d, user!.timeZone);
    const form = {
      title: event.title, description: event.description, kind: event.kind, jp: String(event.jp), capacity: String(event.capacity), minAttendancePct: String(event.minAttendancePct),
      published: event.published ? 'on' : undefined, competencies: event.competencies, restrictUnitIds: event.restrictUnitIds.map(String), restrictPositionTypes: event.restrictPositionTypes,
      startsAt: event.sessions.map((x) => wall(x.startsAt)), endsAt: event.sessions.map((x) => wall(x.endsAt)), place: event.sessions.map((x) => x.place), link: event.sessions.map((x) => x.link), key: event.sessions.map((x) => x.key),
    };
    return { view: `${id}/edit`, title: t(`${id}:edit.title`, { title: event.title }), data: { ...(await formData(user!, form, {}, event)), ...(await editFacts(event)) } };
  });

  /** What the edit page tells the organiser before they change anything. */
  async function editFacts(event: EventDoc) {
    const p = await events.participants(event);
    const attended = new Set((await attendance.Attendance.find({ eventId: event._id }, { sessionKey: 1 }).lean()).map((a) => a.sessionKey));
    return { registeredCount: p.registered.length, waitingCount: p.waiting.length, attendedSessions: event.sessions.filter((x) => attended.has(x.key)).length };
  }

  ctx.http.page({ method: 'post', path: '/events/:eventId/edit', capability: CAP_ATTEND, summary: 'Save an edited event (form)', params: eventParams, body: eventForm }, async ({ user, params, body, t, res }) => {
    const event = await events.organisedEvent(user!, params.eventId);
    const errors: Errs = {};
    const again = async (status: number) => ({ view: `${id}/edit`, title: t(`${id}:edit.title`, { title: event.title }), status, data: { ...(await formData(user!, body, errors, event)), ...(await editFacts(event)) } });
    const sessions = sessionsOf(body, user!.timeZone, errors, t);
    const parsed = eventEditInput.safeParse({ ...fieldsOf(body), sessions: sessions.length ? sessions : [{ startsAt: '', endsAt: '' }] });
    if (!parsed.success) fieldErrors(parsed.error.issues, errors, t);
    if (Object.keys(errors).length || !parsed.success) return again(400);
    try {
      const r = await events.updateEvent(user!, params.eventId, parsed.data);
      res.redirect(303, `/${id}/events/${params.eventId}/manage?saved=1&promoted=${r.effects.promoted}&over=${r.effects.overCapacity}`);
    } catch (e) {
      errors.form = message(e, t);
      return again(isBinaError(e) ? e.status : 400);
    }
  });

  async function managePage(user: SessionUser, eventId: string, t: T, error?: string, status?: number, saved?: { promoted: number; over: number }) {
    const event = await events.organisedEvent(user, eventId);
    const p = await events.participants(event);
    const people = await identity().models.User.find({ _id: { $in: [...p.registered, ...p.waiting].map((r) => r.userId) } }, { name: 1, frontTitle: 1, backTitle: 1, nip: 1, username: 1 }).lean();
    const byId = new Map(people.map((u) => [String(u._id), u]));
    const att = await attendance.Attendance.find({ eventId: event._id }).lean();
    const present = new Set(att.map((a) => `${a.sessionKey}|${a.userId}`));
    const person = (uid: string) => {
      const u = byId.get(uid);
      return { id: uid, name: u ? nameWithTitles(u) : '—', login: u?.nip ?? u?.username ?? '' };
    };
    return {
      view: `${id}/manage`, title: t(`${id}:manage.title`, { title: event.title }), status,
      data: {
        event: await viewOf(event), error, saved, authorLinks: (await eventLinks(ctx, user, String(event._id), true, false)).authorLinks,
        registered: p.registered.map((r) => ({
          ...person(String(r.userId)),
          sessions: event.sessions.map((s) => ({ key: s.key, present: present.has(`${s.key}|${r.userId}`) })),
          credited: attendance.ruleMet(event, event.sessions.filter((s) => present.has(`${s.key}|${r.userId}`)).length),
        })),
        waiting: p.waiting.map((r, i) => ({ ...person(String(r.userId)), position: i + 1 })),
        seatsLeft: Math.max(0, event.capacity - p.registered.length),
      },
    };
  }
  const savedQuery = z.object({ saved: z.literal('1').optional(), promoted: z.coerce.number().int().min(0).max(10_000).default(0), over: z.coerce.number().int().min(0).max(10_000).default(0) });
  ctx.http.page({ method: 'get', path: '/events/:eventId/manage', capability: CAP_ATTEND, summary: 'Manage an event: participants, waiting list, attendance (organisers)', params: eventParams, query: savedQuery }, async ({ user, params, query, t }) =>
    managePage(user!, params.eventId, t, undefined, undefined, query.saved ? { promoted: query.promoted, over: query.over } : undefined));
  ctx.http.page({ method: 'post', path: '/events/:eventId/sessions/:key/mark', capability: CAP_ATTEND, summary: 'Mark attendance by hand (form; audited)', params: sessionParams, body: z.object({ userId: objectId, present: z.enum(['yes', 'no']), _csrf: z.string().optional() }) }, async ({ user, params, body, t, res }) => {
    try {
      await attendance.mark(user!, params.eventId, params.key, body.userId, body.present === 'yes');
    } catch (e) {
      return managePage(user!, params.eventId, t, message(e, t), isBinaError(e) ? e.status : 400);
    }
    res.redirect(303, `/${id}/events/${params.eventId}/manage`);
  });

  ctx.http.page({ method: 'get', path: '/events/:eventId/sessions/:key/qr', capability: CAP_ATTEND, summary: 'The rotating check-in QR code of a session, for the organiser\'s screen', params: sessionParams }, async ({ user, params, t }) => {
    const event = await events.organisedEvent(user!, params.eventId);
    const session = attendance.session(event, params.key);
    const code = await attendance.currentCode(event, params.key);
    const svg = await QRCode.toString(code.url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return {
      view: `${id}/qr`, title: t(`${id}:qr.title`, { title: event.title }),
      data: { event: await viewOf(event), session, svg, period: code.period, expiresAt: code.expiresAt, seconds: attendance.seconds, codeUrl: `/api/v1/${id}/events/${event._id}/sessions/${params.key}/code` },
    };
  });

  // ---- the page a phone opens from the QR code ----
  ctx.http.page({ method: 'get', path: '/checkin/:eventId/:key', capability: CAP_ATTEND, summary: 'Check in with a scanned code (the QR code is this URL)', params: sessionParams, query: z.object({ p: z.string().max(20).default(''), c: z.string().max(64).default('') }) }, async ({ user, params, query, t }) => {
    const period = /^\d{1,15}$/.test(query.p) ? Number(query.p) : -1;
    const code = /^[A-Za-z0-9_-]{1,64}$/.test(query.c) ? query.c : '';
    try {
      if (period < 0 || !code) throw EventErrors.codeInvalid('This is not a valid check-in code');
      const r = await attendance.checkIn(user!, params.eventId, params.key, period, code);
      const attendedCount = (await attendance.attendedKeys(r.event._id, user!.id)).length;
      return { view: `${id}/checkin`, title: t(`${id}:checkin.title`), data: { ok: true, already: r.already, event: await viewOf(r.event), attendedCount, credited: attendance.ruleMet(r.event, attendedCount) } };
    } catch (e) {
      const status = isBinaError(e) ? e.status : 400;
      return { view: `${id}/checkin`, title: t(`${id}:checkin.title`), status, data: { ok: false, error: message(e, t), eventId: params.eventId } };
    }
  });

  // ---- admins: providers ----
  async function providersPage(t: T, form: Record<string, string> = {}, errors: Errs = {}, status?: number) {
    const [providers, units] = await Promise.all([events.Provider.find({}).sort({ name: 1 }).lean(), identity().models.Unit.find({}, { name: 1 }).sort({ name: 1 }).lean()]);
    const staff = await identity().models.User.find({ _id: { $in: providers.flatMap((p) => p.staffIds) } }, { name: 1, frontTitle: 1, backTitle: 1 }).lean();
    const names = new Map(staff.map((u) => [String(u._id), nameWithTitles(u)]));
    return {
      view: `${id}/providers`, title: t(`${id}:providers.title`), status,
      data: {
        providers: providers.map((p) => ({ id: String(p._id), name: p.name, kind: p.kind, staff: p.staffIds.map((s) => names.get(String(s)) ?? '—') })),
        units: units.map((u) => ({ id: String(u._id), name: u.name, selected: String(u._id) === form.unitId })), form, errors,
      },
    };
  }
  const personByLogin = async (login: string) => (login.trim() ? identity().models.User.findOne({ username: login.trim().toLowerCase() }, { _id: 1 }).lean() : null);
  ctx.http.page({ method: 'get', path: '/providers', capability: CAP_MANAGE, summary: 'Providers and their organiser staff (admins)' }, async ({ t }) => providersPage(t));
  ctx.http.page({ method: 'post', path: '/providers', capability: CAP_MANAGE, summary: 'Create a provider (form)', body: z.object({ name: z.string().default(''), kind: z.string().default('external'), unitId: z.string().default(''), staff: z.string().default(''), _csrf: z.string().optional() }) }, async ({ user, body, t, res }) => {
    const errors: Errs = {};
    if (body.name.trim().length < 2) errors.name = t(`${id}:form.err.name`);
    if (!['unit', 'external'].includes(body.kind)) errors.kind = t(`${id}:form.err.kind`);
    if (body.kind === 'unit' && !/^[a-f0-9]{24}$/.test(body.unitId)) errors.unitId = t(`${id}:form.err.unitId`);
    const staff = body.staff.trim() ? await personByLogin(body.staff) : null;
    if (body.staff.trim() && !staff) errors.staff = t(`${id}:form.err.person`);
    if (Object.keys(errors).length) return providersPage(t, body, errors, 400);
    await events.createProvider(user!, { name: body.name.trim(), kind: body.kind as 'unit' | 'external', ...(body.kind === 'unit' ? { unitId: body.unitId } : {}), staffIds: staff ? [String(staff._id)] : [] });
    res.redirect(303, `/${id}/providers`);
  });
  ctx.http.page({ method: 'post', path: '/providers/:providerId/staff', capability: CAP_MANAGE, summary: 'Add an organiser to a provider (form)', params: z.object({ providerId: objectId }), body: z.object({ staff: z.string().default(''), _csrf: z.string().optional() }) }, async ({ user, params, body, t, res }) => {
    const staff = await personByLogin(body.staff);
    if (!staff) return providersPage(t, {}, { [`staff-${params.providerId}`]: t(`${id}:form.err.person`) }, 400);
    await events.addStaff(user!, params.providerId, String(staff._id));
    res.redirect(303, `/${id}/providers`);
  });
}
