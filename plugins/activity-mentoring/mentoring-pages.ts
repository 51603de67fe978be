/**
 * The mentoring pages (work without JavaScript): the home of mentee and mentor, a pair's page with
 * its sessions, and the assign page of admins and unit heads. A refused form is shown again with
 * what was typed and the reason beside the field (status 400).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { UnitTree } from '../../src/identity/unit-tree';
import { isBinaError } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { dayIn, monthIn, utcToWallClock, wallClockToUtc } from '../../src/learning/zone-time';
import { CAP_TAKE, type MentoringService } from './mentoring-service';
import { goalsView, idsOf, pairView, sessionView } from './mentoring-views';

type T = (key: string, args?: Record<string, unknown>) => string;
type Errs = Record<string, string>;

const pairForm = z.object({
  mentee: z.string().max(200).default(''),
  mentor: z.string().max(200).default(''),
  startsOn: z.string().max(20).default(''),
  endsOn: z.string().max(20).default(''),
  goals: z.string().max(10_000).default(''),
  gap: z.union([z.string().max(50), z.array(z.string().max(50)).max(30)]).optional(),
  from: z.enum(['home', 'assign']).default('home'),
  _csrf: z.string().optional(),
});
const sessionForm = z.object({
  heldAt: z.string().max(30).default(''),
  minutes: z.string().max(10).default(''),
  topic: z.string().max(1000).default(''),
  notes: z.string().max(10_000).default(''),
  clientKey: z.string().max(100).default(''),
  _csrf: z.string().optional(),
});
const confirmForm = z.object({ notes: z.string().max(10_000).default(''), _csrf: z.string().optional() });
const goalsForm = z.object({ goals: z.string().max(10_000).default(''), gap: z.union([z.string().max(50), z.array(z.string().max(50)).max(30)]).optional(), _csrf: z.string().optional() });

/** Goals from a form: the ticked gaps (named as the profile names them), then one free goal per line. */
function goalsFrom(body: { goals: string; gap?: string | string[] }, choices: Array<{ code: string; name: string }>) {
  const ticked = new Set(body.gap === undefined ? [] : Array.isArray(body.gap) ? body.gap : [body.gap]);
  const linked = choices.filter((c) => ticked.has(c.code)).map((c) => ({ text: c.name.slice(0, 500), competency: c.code }));
  const free = body.goals.split(/\r?\n/).map((g) => g.trim()).filter(Boolean).map((text) => ({ text: text.slice(0, 500) }));
  return [...linked, ...free].slice(0, 20);
}

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** The reason of a refused action, in the reader's language, on the field it names. */
function reasons(e: unknown, t: T, fields: string[]): Errs {
  if (!isBinaError(e) || e.status >= 500) throw e;
  const details = Array.isArray(e.details) ? (e.details as Array<{ path?: string }>) : [];
  const field = details.map((d) => String(d.path ?? '').split('.')[0] ?? '').find((p) => fields.includes(p)) ?? 'form';
  const text = t(e.messageKey);
  return { [field]: text && text !== e.messageKey ? text : e.message };
}

export function registerMentoringPages(ctx: PluginContext, svc: MentoringService): void {
  const id = ctx.id;
  const identity = () => ctx.use<IdentityService>('identity');
  const pairParams = z.object({ pairId: objectId });
  const sessionParams = z.object({ sessionId: objectId });

  async function personByLogin(login: string) {
    const v = login.trim().toLowerCase();
    if (!v) return undefined;
    return (await identity().models.User.findOne({ username: v }, { _id: 1 }).lean()) ?? undefined;
  }

  async function homeData(user: SessionUser) {
    const now = ctx.clock.now();
    const month = monthIn(now, user.timeZone);
    const [asMentee, asMentor, waiting, thisMonth, me] = await Promise.all([
      svc.currentPairOf(user.id), svc.pairsAsMentor(user.id), svc.waitingFor(user.id), svc.sessionsBetween(user.id, month.from, month.to), svc.user(user.id),
    ]);
    const menteeSessions = asMentee ? await svc.sessionsOf(asMentee._id) : [];
    const supervisorId = me?.supervisorId ? String(me.supervisorId) : undefined;
    const people = await svc.people([...idsOf([...(asMentee ? [asMentee] : []), ...asMentor, ...waiting, ...thisMonth]), ...(supervisorId ? [supervisorId] : [])]);
    const today = dayIn(now, user.timeZone);
    const myGaps = await svc.gapsOf(user.id);
    return {
      asMentee: asMentee ? { ...pairView(asMentee, people), ...goalsView(asMentee, myGaps), sessions: menteeSessions.map((s) => sessionView(s, people, user.id)), jp: menteeSessions.reduce((n, s) => n + (s.jp ?? 0), 0) } : null,
      gapOptions: myGaps.gaps.map((g) => ({ ...g, checked: false })),
      supervisor: !asMentee && supervisorId ? people.get(supervisorId) ?? null : null,
      asMentor: asMentor.filter((p) => p.current === String(p.menteeId)).map((p) => pairView(p, people)),
      waiting: waiting.map((s) => sessionView(s, people, user.id)),
      thisMonth: thisMonth.map((s) => sessionView(s, people, user.id)),
      month: month.month,
      canAssign: svc.isAssigner(user),
      start: { startsOn: today, endsOn: addMonths(today, 6), goals: '' },
    };
  }

  ctx.http.page({ method: 'get', path: '/', capability: CAP_TAKE, summary: 'Mentoring home: my mentor, my mentees, sessions waiting for me' }, async ({ user, t }) => ({
    view: `${id}/home`, title: t(`${id}:title`), data: await homeData(user!),
  }));

  async function pairPage(user: SessionUser, pairId: string, t: T, extra: { form?: Record<string, string>; errors?: Errs; status?: number; goalsSaved?: boolean } = {}) {
    const { pair, side } = await svc.pairFor(user, pairId);
    const sessions = await svc.sessionsOf(pair._id);
    const people = await svc.people(idsOf([pair, ...sessions]));
    const view = { ...pairView(pair, people), ...goalsView(pair, await svc.gapsOf(pair.menteeId)) };
    const now = ctx.clock.now();
    return {
      view: `${id}/pair`, title: t(`${id}:pair.title`, { mentee: view.mentee.name }), status: extra.status,
      data: {
        pair: view, side, inPair: side !== 'assigner',
        canLog: side !== 'assigner' && view.current,
        canEnd: view.current && (await svc.canAssignFor(user, { unitId: pair.unitId })),
        canSetGoals: view.current,
        goalsSaved: extra.goalsSaved ?? false,
        sessions: sessions.map((s) => sessionView(s, people, user.id)),
        jp: sessions.reduce((n, s) => n + (s.jp ?? 0), 0),
        minutesPerJp: svc.minutesPerJp,
        form: extra.form ?? { heldAt: utcToWallClock(now, user.timeZone), minutes: '60', topic: '', notes: '', clientKey: randomUUID() },
        errors: extra.errors ?? {},
      },
    };
  }

  ctx.http.page({ method: 'get', path: '/pairs/:pairId', capability: CAP_TAKE, summary: 'A mentoring pair: mentor, goals and sessions', params: pairParams, query: z.object({ goals: z.literal('saved').optional() }) }, async ({ user, params, query, t }) =>
    pairPage(user!, params.pairId, t, { goalsSaved: query.goals === 'saved' }));

  ctx.http.page({ method: 'post', path: '/pairs/:pairId/goals', capability: CAP_TAKE, summary: "Set a pair's goals (form): the mentee's competency gaps ticked, and goals in words", params: pairParams, body: goalsForm }, async ({ user, params, body, t, res }) => {
    const { pair } = await svc.pairFor(user!, params.pairId);
    const choices = goalsView(pair, await svc.gapsOf(pair.menteeId)).gapOptions;
    try {
      await svc.setGoals(user!, params.pairId, goalsFrom(body, choices));
    } catch (e) {
      return pairPage(user!, params.pairId, t, { errors: reasons(e, t, ['goals']), status: isBinaError(e) ? e.status : 400 });
    }
    res.redirect(303, `/${id}/pairs/${params.pairId}?goals=saved#goals`);
  });

  ctx.http.page({ method: 'post', path: '/pairs/:pairId/sessions', capability: CAP_TAKE, summary: 'Log a session (form)', params: pairParams, body: sessionForm }, async ({ user, params, body, t, res }) => {
    const errors: Errs = {};
    const heldAt = wallClockToUtc(body.heldAt, user!.timeZone);
    if (!heldAt) errors.heldAt = t(`${id}:form.err.heldAt`);
    const minutes = Number(body.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) errors.minutes = t(`${id}:form.err.minutes`);
    if (!body.topic.trim()) errors.topic = t(`${id}:form.err.topic`);
    const clientKey = /^[A-Za-z0-9_-]{8,64}$/.test(body.clientKey) ? body.clientKey : randomUUID();
    const form = { ...body, clientKey };
    if (Object.keys(errors).length) return pairPage(user!, params.pairId, t, { form, errors, status: 400 });
    try {
      await svc.logSession(user!, params.pairId, { heldAt: heldAt!.toISOString(), minutes, topic: body.topic.trim().slice(0, 300), notes: body.notes.trim().slice(0, 5000), clientKey });
    } catch (e) {
      return pairPage(user!, params.pairId, t, { form, errors: reasons(e, t, ['heldAt', 'minutes', 'topic', 'notes']), status: isBinaError(e) ? e.status : 400 });
    }
    res.redirect(303, `/${id}/pairs/${params.pairId}`);
  });

  ctx.http.page({ method: 'post', path: '/sessions/:sessionId/confirm', capability: CAP_TAKE, summary: 'Confirm (sign off) a session (form)', params: sessionParams, body: confirmForm }, async ({ user, params, body, t, res }) => {
    const { session } = await svc.sessionFor(user!, params.sessionId);
    try {
      await svc.confirm(user!, params.sessionId, body.notes.trim().slice(0, 5000));
    } catch (e) {
      return pairPage(user!, String(session.pairId), t, { errors: reasons(e, t, []), status: isBinaError(e) ? e.status : 400 });
    }
    res.redirect(303, `/${id}/pairs/${session.pairId}`);
  });

  ctx.http.page({ method: 'post', path: '/pairs/:pairId/end', capability: CAP_TAKE, summary: 'End a pair (form)', params: pairParams }, async ({ user, params, t, res }) => {
    try {
      await svc.endPair(user!, params.pairId);
    } catch (e) {
      return pairPage(user!, params.pairId, t, { errors: reasons(e, t, []), status: isBinaError(e) ? e.status : 400 });
    }
    res.redirect(303, `/${id}/pairs/${params.pairId}`);
  });

  async function assignData(user: SessionUser) {
    const now = ctx.clock.now();
    const today = dayIn(now, user.timeZone);
    let filter: Record<string, unknown> = {};
    if (!ctx.authz.can(user, 'activity-mentoring:assign')) {
      const units = (await UnitTree.load(identity().models.Unit)).subtree(user.unitHeadOf ?? []);
      filter = { unitId: { $in: [...units] } };
    }
    const pairs = await svc.currentPairs(filter);
    const people = await svc.people(idsOf(pairs));
    return { pairs: pairs.map((p) => pairView(p, people)), form: { mentee: '', mentor: '', startsOn: today, endsOn: addMonths(today, 6), goals: '' }, errors: {} as Errs };
  }

  ctx.http.page({ method: 'get', path: '/assign', capability: CAP_TAKE, summary: 'Assign mentors (admins, unit heads)' }, async ({ user, t, res }) => {
    if (!svc.isAssigner(user!)) return void res.redirect(303, `/${id}/`);
    return { view: `${id}/assign`, title: t(`${id}:assign.title`), data: await assignData(user!) };
  });

  ctx.http.page({ method: 'post', path: '/pairs', capability: CAP_TAKE, summary: 'Start a pair (form): with my supervisor, or assigned by an admin or unit head', body: pairForm }, async ({ user, body, t, res }) => {
    // From home, the mentee ticks their own gaps; the assign page takes goals in words (the pair page then offers the gaps).
    const goals = goalsFrom(body, body.from === 'home' ? (await svc.gapsOf(user!.id)).gaps : []);
    const errors: Errs = {};
    const again = async (errs: Errs, status: number) => {
      if (body.from === 'assign') {
        const data = await assignData(user!);
        return { view: `${id}/assign`, title: t(`${id}:assign.title`), status, data: { ...data, form: body, errors: errs } };
      }
      const data = await homeData(user!);
      return { view: `${id}/home`, title: t(`${id}:title`), status, data: { ...data, start: body, errors: errs } };
    };
    let menteeId = user!.id;
    if (body.from === 'assign') {
      const m = await personByLogin(body.mentee);
      if (!m) errors.mentee = t(`${id}:form.err.person`);
      else menteeId = String(m._id);
    }
    let mentorId: string | undefined;
    if (body.from === 'assign' && body.mentor.trim()) {
      const m = await personByLogin(body.mentor);
      if (!m) errors.mentor = t(`${id}:form.err.person`);
      else mentorId = String(m._id);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(body.startsOn)) errors.startsOn = t(`${id}:form.err.day`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(body.endsOn)) errors.endsOn = t(`${id}:form.err.day`);
    if (Object.keys(errors).length) return again(errors, 400);
    try {
      const pair = await svc.createPair(user!, { menteeId, mentorId, startsOn: body.startsOn, endsOn: body.endsOn, goals });
      res.redirect(303, `/${id}/pairs/${pair._id}`);
    } catch (e) {
      const errs = reasons(e, t, ['menteeId', 'mentorId', 'startsOn', 'endsOn']);
      const mapped: Errs = {};
      for (const [k, v] of Object.entries(errs)) mapped[k === 'menteeId' ? 'mentee' : k === 'mentorId' ? 'mentor' : k] = v;
      return again(mapped, isBinaError(e) ? e.status : 400);
    }
  });
}
