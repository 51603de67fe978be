/** The JSON API and pages of Latsar actualisation; the rules live in LatsarService. */
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { IdentityService } from '../../src/identity/identity-service';
import { Errors, isBinaError } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { wallClockToUtc } from '../../src/learning/zone-time';
import type { ParticipantDoc } from './latsar-models';
import { CAP_MANAGE, CAP_TAKE, enrolInput, LatsarErrors, scoresInput, seminarInput, type LatsarService, type Role } from './latsar-service';

type T = (key: string, args?: Record<string, unknown>) => string;

export function registerLatsar(ctx: PluginContext, svc: LatsarService): void {
  const id = ctx.id;
  const params = z.object({ participantId: objectId });
  const fileParams = z.object({ participantId: objectId, which: z.enum(['plan', 'report']) });
  const identity = () => ctx.use<IdentityService>('identity');

  const view = (p: ParticipantDoc, names: Map<string, string>, locale = 'id') => {
    const band = p.result ? svc.bands.find((b) => b.id === p.result!.band) : undefined;
    return {
      id: String(p._id), cohort: p.cohort, stage: p.stage,
      participant: names.get(String(p.userId)) ?? '—', mentor: names.get(String(p.mentorId)) ?? '—', coach: names.get(String(p.coachId)) ?? '—', penguji: names.get(String(p.pengujiId)) ?? '—',
      plan: p.plan ? { name: p.plan.name, size: p.plan.size, at: p.plan.at } : null, report: p.report ? { name: p.report.name, size: p.report.size, at: p.report.at } : null,
      seminarAt: p.seminarAt ?? null, seminarPlace: p.seminarPlace ?? null,
      result: p.result ? { score: p.result.score, band: band ? (locale === 'en' ? band.en : band.id) : p.result.band, passed: p.result.passed } : null,
      scores: p.scores ?? [],
    };
  };
  const namesOf = (rows: ParticipantDoc[]) => svc.names(rows.flatMap((p) => [p.userId, p.mentorId, p.coachId, p.pengujiId]));

  // ---- API ----
  ctx.http.route({ method: 'post', path: '/participants', capability: CAP_MANAGE, status: 201, summary: 'Enrol a Latsar participant with mentor (the supervisor by default), coach and penguji', body: enrolInput }, async ({ user, body }) => {
    const p = await svc.enrol(user!, body);
    return { participant: view(p, await namesOf([p])) };
  });
  ctx.http.route({ method: 'get', path: '/mine', capability: CAP_TAKE, summary: 'My Latsar participants, by my role' }, async ({ user, locale }) => {
    const m = await svc.mine(user!);
    const names = await namesOf([...m.participant, ...m.mentor, ...m.coach, ...m.penguji]);
    return Object.fromEntries(Object.entries(m).map(([k, rows]) => [k, rows.map((p) => view(p, names, locale))]));
  });
  ctx.http.route({ method: 'get', path: '/participants/:participantId', capability: CAP_TAKE, summary: 'A participant I have a role for', params }, async ({ user, params: q, locale }) => {
    const { p, roles } = await svc.participantFor(user!, q.participantId);
    return { participant: view(p, await namesOf([p]), locale), roles, comments: (await svc.Comment.find({ participantId: p._id }).sort({ at: 1 }).lean()).map((c) => ({ text: c.text, stage: c.stage, at: c.at })) };
  });
  ctx.http.route({ method: 'put', path: '/participants/:participantId/:which', capability: CAP_TAKE, summary: 'Upload my actualisation plan or report (a PDF; the body is the file)', params: fileParams, query: z.object({ name: z.string().trim().min(1).max(200).default('aktualisasi.pdf') }), rawBody: { types: ['application/pdf', 'application/octet-stream'], limit: '100mb' } }, async ({ user, params: q, query, req, locale }) => {
    const p = await svc.upload(user!, q.participantId, q.which, query.name, req as AsyncIterable<Buffer>, Number(req.headers['content-length'] ?? 0));
    return { participant: view(p, await namesOf([p]), locale) };
  });
  ctx.http.route({ method: 'post', path: '/participants/:participantId/comments', capability: CAP_TAKE, status: 201, summary: 'Comment as coach or mentor', params, body: z.strictObject({ text: z.string().trim().min(1).max(5000) }) }, async ({ user, params: q, body }) => {
    await svc.comment(user!, q.participantId, body.text);
    return {};
  });
  ctx.http.route({ method: 'post', path: '/participants/:participantId/approve-plan', capability: CAP_TAKE, summary: 'Approve the plan (coach)', params }, async ({ user, params: q }) => {
    await svc.approvePlan(user!, q.participantId);
    return { stage: 'implementing' };
  });
  ctx.http.route({ method: 'post', path: '/participants/:participantId/seminar', capability: CAP_TAKE, summary: 'Schedule the seminar (coach)', params, body: seminarInput }, async ({ user, params: q, body }) => {
    await svc.schedule(user!, q.participantId, new Date(body.at), body.place);
    return { stage: 'seminar' };
  });
  ctx.http.route({ method: 'post', path: '/participants/:participantId/scores', capability: CAP_TAKE, summary: 'Score the seminar with the rubric (penguji); gives the result and band', params, body: scoresInput }, async ({ user, params: q, body, locale }) => {
    const p = await svc.score(user!, q.participantId, body.scores);
    return { participant: view(p, await namesOf([p]), locale) };
  });

  // ---- pages ----
  ctx.http.page({ method: 'get', path: '/', capability: CAP_TAKE, summary: 'Latsar actualisation: mine, and my participants as mentor, coach or penguji' }, async ({ user, t, locale }) => {
    const m = await svc.mine(user!);
    const names = await namesOf([...m.participant, ...m.mentor, ...m.coach, ...m.penguji]);
    const rows = (r: ParticipantDoc[]) => r.map((p) => view(p, names, locale));
    return { view: `${id}/home`, title: t(`${id}:title`), data: { mine: rows(m.participant), mentor: rows(m.mentor), coach: rows(m.coach), penguji: rows(m.penguji), noRole: Object.values(m).every((r) => r.length === 0), canManage: ctx.authz.can(user, CAP_MANAGE) } };
  });

  async function detail(user: SessionUser, pid: string, t: T, locale: string, error?: string, status?: number, uploaded?: 'plan' | 'report') {
    const { p, roles } = await svc.participantFor(user, pid);
    const comments = await svc.Comment.find({ participantId: p._id }).sort({ at: 1 }).lean();
    const names = await svc.names([p.userId, p.mentorId, p.coachId, p.pengujiId, ...comments.map((c) => c.authorId)]);
    const has = (r: Role) => roles.includes(r);
    return {
      view: `${id}/participant`, title: t(`${id}:participant.title`, { name: names.get(String(p.userId)) ?? '' }), status,
      data: {
        p: view(p, names, locale), error, uploaded,
        comments: comments.map((c) => ({ text: c.text, stage: c.stage, at: c.at, author: names.get(String(c.authorId)) ?? '—' })),
        canUploadPlan: has('participant') && ['plan', 'plan-review'].includes(p.stage),
        canUploadReport: has('participant') && ['implementing', 'report-review'].includes(p.stage),
        canComment: has('coach') || has('mentor') || has('admin'),
        canApprove: (has('coach') || has('admin')) && p.stage === 'plan-review',
        canSchedule: (has('coach') || has('admin')) && ['report-review', 'seminar'].includes(p.stage),
        canScore: has('penguji') && p.stage === 'seminar',
        rubric: svc.rubric.map((c) => ({ key: c.key, weight: c.weight, label: locale === 'en' ? c.en : c.id })),
        bands: svc.bands.map((b) => ({ min: b.min, label: locale === 'en' ? b.en : b.id, passed: b.passed })),
        maxFileMB: maxUpload / 1024 / 1024,
      },
    };
  }
  const message = (e: unknown, t: T) => {
    if (!isBinaError(e) || e.status >= 500) throw e;
    const s = t(e.messageKey);
    return s && s !== e.messageKey ? s : e.message;
  };
  ctx.http.page({ method: 'get', path: '/participants/:participantId', capability: CAP_TAKE, summary: 'A Latsar participant: plan, report, comments, seminar and result', params, query: z.object({ uploaded: z.enum(['plan', 'report']).optional() }) }, async ({ user, params: q, query, t, locale }) =>
    detail(user!, q.participantId, t, locale, undefined, undefined, query.uploaded));
  const act = (path: string, summary: string, body: z.ZodType<Record<string, unknown>>, run: (u: SessionUser, pid: string, b: Record<string, unknown>, t: T) => Promise<unknown>) =>
    ctx.http.page({ method: 'post', path: `/participants/:participantId${path}`, capability: CAP_TAKE, summary, params, body }, async ({ user, params: q, body: b, t, res, locale }) => {
      try {
        await run(user!, q.participantId, b as Record<string, unknown>, t);
      } catch (e) {
        return detail(user!, q.participantId, t, locale, message(e, t), isBinaError(e) ? e.status : 400);
      }
      res.redirect(303, `/${id}/participants/${q.participantId}`);
    });
  const str = z.string().max(5000).default('');
  act('/comments', 'Comment (form)', z.object({ text: str, _csrf: z.string().optional() }), async (u, pid, b, t) => {
    const text = String(b.text).trim();
    if (!text) throw Errors.validation(t(`${id}:form.err.comment`));
    await svc.comment(u, pid, text);
  });
  act('/approve-plan', 'Approve the plan (form)', z.object({ _csrf: z.string().optional() }), (u, pid) => svc.approvePlan(u, pid));
  act('/seminar', 'Schedule the seminar (form)', z.object({ at: z.string().max(30).default(''), place: z.string().max(300).default(''), _csrf: z.string().optional() }), async (u, pid, b, t) => {
    const at = wallClockToUtc(String(b.at), u.timeZone);
    if (!at || !String(b.place).trim()) throw Errors.validation(t(`${id}:form.err.seminar`));
    await svc.schedule(u, pid, at, String(b.place).trim());
  });
  act('/scores', 'Score the seminar (form)', z.record(z.string(), z.string()), async (u, pid, b, t) => {
    const scores: Record<string, number> = {};
    for (const c of svc.rubric) {
      const v = Number(b[`score_${c.key}`]);
      if (!Number.isInteger(v) || v < 0 || v > 100) throw Errors.validation(t(`${id}:form.err.score`));
      scores[c.key] = v;
    }
    await svc.score(u, pid, scores);
  });
  // The plan or report as a plain form post (multipart), so uploading needs no JavaScript. The
  // limit lets a file a little over the setting reach the service, which says why it is refused.
  const maxUpload = ((ctx.settings as { maxFileMB?: number }).maxFileMB ?? 20) * 1024 * 1024;
  ctx.http.page(
    { method: 'post', path: '/participants/:participantId/files/:which', capability: CAP_TAKE, summary: 'Upload my plan or report (form with a PDF)', params: fileParams, multipart: { limit: maxUpload + 1024 * 1024 }, body: z.record(z.string(), z.string()) },
    async ({ user, params: q, files, t, res, locale }) => {
      try {
        const file = files.file;
        if (!file || file.bytes.length === 0) throw LatsarErrors.fileMissing('Choose a PDF file to upload');
        await svc.upload(user!, q.participantId, q.which, file.name || `${q.which}.pdf`, (async function* () { yield file.bytes; })(), file.bytes.length);
      } catch (e) {
        return detail(user!, q.participantId, t, locale, message(e, t), isBinaError(e) ? e.status : 400);
      }
      res.redirect(303, `/${id}/participants/${q.participantId}?uploaded=${q.which}`);
    },
  );
  ctx.http.page({ method: 'get', path: '/participants/:participantId/files/:which/:name', capability: CAP_TAKE, summary: 'The plan or report PDF, for the participant and their roles', params: fileParams.extend({ name: z.string().max(200) }) }, async ({ user, params: q, res }) => {
    const { p } = await svc.participantFor(user!, q.participantId);
    const f = q.which === 'plan' ? p.plan : p.report;
    if (!f) throw Errors.notFound('File not found');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${f.name.replace(/"/g, '')}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Length', f.size);
    await pipeline(await ctx.storage.get(f.key), res);
  });

  // ---- admins: enrol ----
  const enrolForm = z.object({ participant: z.string().default(''), mentor: z.string().default(''), coach: z.string().default(''), penguji: z.string().default(''), cohort: z.string().default(''), _csrf: z.string().optional() });
  const adminPage = async (t: T, form: Record<string, string> = {}, errors: Record<string, string> = {}, status?: number) => {
    const rows = await svc.Participant.find({}).sort({ createdAt: -1 }).limit(300).lean();
    const names = await namesOf(rows);
    return { view: `${id}/admin`, title: t(`${id}:admin.title`), status, data: { rows: rows.map((p) => view(p, names)), form, errors } };
  };
  ctx.http.page({ method: 'get', path: '/admin', capability: CAP_MANAGE, summary: 'Enrol Latsar participants (admins)' }, async ({ t }) => adminPage(t, { cohort: `Latsar ${new Date(ctx.clock.now()).getUTCFullYear()}` }));
  ctx.http.page({ method: 'post', path: '/admin', capability: CAP_MANAGE, summary: 'Enrol a Latsar participant (form)', body: enrolForm }, async ({ user, body, t, res }) => {
    const errors: Record<string, string> = {};
    const find = async (field: 'participant' | 'mentor' | 'coach' | 'penguji', optional = false) => {
      const v = body[field].trim().toLowerCase();
      if (!v) {
        if (!optional) errors[field] = t(`${id}:form.err.person`);
        return undefined;
      }
      const u = await identity().models.User.findOne({ username: v }, { _id: 1 }).lean();
      if (!u) errors[field] = t(`${id}:form.err.person`);
      return u ? String(u._id) : undefined;
    };
    const [userId, mentorId, coachId, pengujiId] = [await find('participant'), await find('mentor', true), await find('coach'), await find('penguji')];
    if (!body.cohort.trim()) errors.cohort = t(`${id}:form.err.cohort`);
    if (Object.keys(errors).length) return adminPage(t, body, errors, 400);
    try {
      await svc.enrol(user!, { userId: userId!, mentorId, coachId: coachId!, pengujiId: pengujiId!, cohort: body.cohort.trim() });
    } catch (e) {
      return adminPage(t, body, { form: message(e, t) }, isBinaError(e) ? e.status : 400);
    }
    res.redirect(303, `/${id}/admin`);
  });
}
