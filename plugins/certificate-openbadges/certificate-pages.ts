/**
 * Server-rendered pages under `/certificate-openbadges`: the learner's own certificates, and the
 * admin pages (search with revoke/reissue, manual issue, bulk issue with live progress,
 * achievements, keys). Forms post to page routes that call the same services as the API, so the
 * pages work without JavaScript; only the bulk progress bar polls.
 */
import { z } from 'zod';
import { Errors, isBinaError } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import { achievementInput, achievementView, objectId } from './achievement-service';
import { bulkView, certificateSearch, certificateView, searchFilter, startBulk, SEARCH_STATUSES } from './api-routes';
import type { CertificateServices } from './certificate-services';
import { CAP } from './capabilities';
import { REQUIREMENT_TYPES } from './certificate-models';
import { UnitTree } from '../../src/identity/unit-tree';
import type { Locale } from '../../src/views/i18n';
import type { PageResult } from '../../src/http/route-table';


/** Forms send empty fields; a search treats them as absent. */
const dropEmpty = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '')) : v);
const pageSearch = z.preprocess(dropEmpty, certificateSearch.extend({ notice: z.enum(['issued', 'revoked', 'reissued', 'rotated', 'created']).optional() }));
const reasonForm = z.object({ reason: z.string().trim().min(3).max(500), _csrf: z.string().optional() });
const certParams = z.strictObject({ certificateId: objectId });

export function registerPages(s: CertificateServices): void {
  const { ctx } = s;
  const id = ctx.id;

  async function findLearner(text: string) {
    const username = text.trim().replace(/\s+/g, '').toLowerCase();
    return username ? await s.identity().models.User.findOne({ username }).lean() : null;
  }

  // ---- the learner ----
  ctx.http.page({ method: 'get', path: '/me', capability: CAP.viewOwn, summary: 'My certificates' }, async ({ user, t }) => {
    const rows = await s.Cert.find({ userId: user!.id, state: { $ne: 'pending' } }).sort({ issuedAt: -1 }).limit(500).lean();
    return { view: `${id}/my-certificates`, title: t(`${id}:me.title`), data: { certificates: rows.map((c) => certificateView(s, c, false)) } };
  });

  // ---- admin: certificates ----
  /** What the admin forms held when they were refused, with a reason per field. */
  type Refused = { form: Record<string, string>; errors: Record<string, string> };
  const err = (locale: Locale, key: string) => ctx.i18n.t(locale, `${id}:form.err.${key}`);

  /**
   * Names to pick instead of ids: units with their path, courses, and each course's activities
   * (with the course's title). `chosen` marks the selected value (`unit:<id>`, `course:<id>`, `activity:<id>`).
   */
  async function pickerChoices(locale: Locale, chosen: Record<string, string> = {}) {
    const [tree, courses, activities, enrolled, members] = await Promise.all([
      UnitTree.load(s.identity().models.Unit),
      s.learning().models.Course.find({}, { title: 1 }).sort({ title: 1 }).limit(2000).lean(),
      s.learning().models.Activity.find({}, { refId: 1, title: 1, courseId: 1 }).limit(5000).lean(),
      // How many a bulk issue would reach: a course's participants, a unit's active learners
      // (as resolveCohort counts them). $group with $sum only, as FerretDB 1.x allows.
      s.learning().models.Enrolment.aggregate<{ _id: unknown; n: number }>([{ $group: { _id: '$courseId', n: { $sum: 1 } } }]),
      s.identity().models.User.aggregate<{ _id: unknown; n: number }>([{ $match: { active: true, roles: 'learner' } }, { $group: { _id: '$unitId', n: { $sum: 1 } } }]),
    ]);
    const enrolledIn = new Map(enrolled.map((r) => [String(r._id), r.n]));
    const membersOf = new Map(members.map((r) => [String(r._id), r.n]));
    const people = (n: number) => ctx.i18n.t(locale, `${id}:bulk.people`, { count: n });
    const courseTitle = new Map(courses.map((c) => [String(c._id), c.title]));
    const option = (field: string, value: string, label: string) => ({ value, label, selected: chosen[field] === value });
    const units = (field: string) => tree.ordered.map((u) => option(field, u.id, u.path));
    const courseOptions = (field: string, prefix = '') => courses.map((c) => option(field, `${prefix}${c._id}`, c.title));
    const activityOptions = (field: string) => activities
      .map((a) => option(field, `activity:${a.refId}`, `${a.title} (${courseTitle.get(String(a.courseId)) ?? ''})`))
      .sort((a, b) => a.label.localeCompare(b.label, 'id'));
    return {
      unitFilter: units('unitId'),
      // Only cohorts with someone in them: a bulk issue for nobody is refused anyway.
      cohortGroups: [
        { label: ctx.i18n.t(locale, `${id}:bulk.course`), options: courses.filter((c) => enrolledIn.get(String(c._id))).map((c) => option('cohort', `course:${c._id}`, `${c.title} (${people(enrolledIn.get(String(c._id))!)})`)) },
        { label: ctx.i18n.t(locale, `${id}:bulk.unit`), options: tree.ordered.filter((u) => membersOf.get(u.id)).map((u) => option('cohort', `unit:${u.id}`, `${u.path} (${people(membersOf.get(u.id)!)})`)) },
      ],
      requirementGroups: (field: string) => REQUIREMENT_TYPES.map((type) => ({
        label: ctx.i18n.t(locale, `${id}:achievements.req.${type}`),
        options: type === 'course' ? courseOptions(field, 'course:') : activityOptions(field),
      })),
    };
  }

  async function adminPage(query: z.output<typeof pageSearch>, user: SessionUser | undefined, locale: Locale, refused: { issue?: Refused; bulk?: Refused } = {}): Promise<PageResult> {
    const filter = searchFilter(query, ctx.clock.now());
    const [rows, total, achievements, choices] = await Promise.all([
      s.Cert.find(filter).sort({ issuedAt: -1, _id: -1 }).skip(query.skip).limit(query.limit).lean(),
      s.Cert.countDocuments(filter),
      s.achievements.Achievement.find({ archived: false }).sort({ name: 1 }).limit(500).lean(),
      pickerChoices(locale, { unitId: query.unitId ?? '', cohort: refused.bulk?.form.cohort ?? '' }),
    ]);
    const achievementOptions = (chosen: string | undefined) => achievements.map((a) => ({ value: String(a._id), label: a.name, selected: String(a._id) === chosen }));
    return {
      view: `${id}/admin-certificates`,
      title: ctx.i18n.t(locale, `${id}:admin.title`),
      status: refused.issue || refused.bulk ? 400 : undefined,
      data: {
        certificates: rows.map((c) => certificateView(s, c, true)),
        total,
        query,
        statuses: SEARCH_STATUSES,
        achievements: achievements.map((a) => ({ id: String(a._id), name: a.name, selected: String(a._id) === query.achievementId })),
        unitOptions: choices.unitFilter,
        issue: { form: refused.issue?.form ?? {}, errors: refused.issue?.errors ?? {}, achievements: achievementOptions(refused.issue?.form.achievementId) },
        bulk: { form: refused.bulk?.form ?? {}, errors: refused.bulk?.errors ?? {}, achievements: achievementOptions(refused.bulk?.form.achievementId), cohortGroups: choices.cohortGroups },
        canIssue: ctx.authz.can(user, CAP.issue),
        notice: query.notice,
      },
    };
  }
  const emptySearch = () => pageSearch.parse({}) as z.output<typeof pageSearch>;

  ctx.http.page({ method: 'get', path: '/admin', capability: CAP.viewAll, summary: 'Certificates: search, issue, revoke, reissue, bulk issue', query: pageSearch }, async ({ query, user, locale }) => adminPage(query, user, locale));

  const issueForm = z.object({ achievementId: z.string().max(40).default(''), learner: z.string().max(200).default(''), reason: z.string().max(500).default(''), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/admin/issue', capability: CAP.issue, summary: 'Issue manually (form; a refused form comes back as typed, with reasons by the fields)', body: issueForm }, async ({ body, user, res, locale }) => {
    const form = { achievementId: body.achievementId, learner: body.learner, reason: body.reason };
    const errors: Record<string, string> = {};
    if (!objectId.safeParse(body.achievementId).success) errors.achievementId = err(locale, 'achievement');
    if (body.reason.trim().length < 3) errors.reason = err(locale, 'reason');
    const learner = await findLearner(body.learner);
    if (!learner) errors.learner = err(locale, 'learner');
    if (!Object.keys(errors).length) {
      try {
        await s.issuing.requestManualIssue({ achievementId: body.achievementId, userId: String(learner!._id), reason: body.reason.trim() }, user!.id);
        return void res.redirect(`/${id}/admin?notice=issued`);
      } catch (e) {
        if (!isBinaError(e) || e.status >= 500) throw e;
        if (e.code === 'BINA_ERR_CERT_ALREADY_ISSUED') errors.learner = err(locale, 'alreadyIssued');
        else errors.achievementId = ctx.i18n.localize(locale, { message: e.message, i18n: e.messageKey });
      }
    }
    return adminPage(emptySearch(), user, locale, { issue: { form, errors } });
  });
  /**
   * Revoking cannot be undone, so the row's form (the typed reason) leads to a confirmation page
   * showing which certificate and whose, where "Saya yakin" must be ticked: the server refuses a
   * revoke without it, so the step holds without JavaScript too. The API revokes at once.
   */
  const revokeForm = z.object({ reason: z.string().max(500).default(''), confirm: z.literal('yes').optional(), step: z.literal('confirm').optional(), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/admin/certificates/:certificateId/revoke', capability: CAP.issue, summary: 'Revoke (form): the reason, then a confirmation page that must be ticked', params: certParams, body: revokeForm }, async ({ params, body, user, res, locale }) => {
    const c = await s.Cert.findById(params.certificateId).lean();
    if (!c) throw Errors.notFound('Certificate not found');
    const reason = body.reason.trim();
    const errors: Record<string, string> = {};
    if (reason.length < 3) errors.reason = err(locale, 'reason');
    if (body.step === 'confirm' && !body.confirm) errors.confirm = ctx.i18n.t(locale, `${id}:revoke.errConfirm`);
    const certificate = certificateView(s, c, true);
    if (c.state !== 'issued') errors.state = ctx.i18n.t(locale, `${id}:revoke.notIssued`, { status: ctx.i18n.t(locale, `${id}:status.${certificate.status}`) });
    if (!Object.keys(errors).length && body.confirm) {
      await s.issuing.revoke(params.certificateId, user!.id, reason);
      return void res.redirect(`/${id}/admin?notice=revoked`);
    }
    return {
      view: `${id}/revoke-confirm`,
      title: ctx.i18n.t(locale, `${id}:revoke.title`),
      status: errors.state ? 409 : Object.keys(errors).length ? 400 : undefined,
      data: { certificate, reason: body.reason, errors },
    };
  });
  ctx.http.page({ method: 'post', path: '/admin/certificates/:certificateId/reissue', capability: CAP.issue, summary: 'Reissue (form)', params: certParams, body: reasonForm }, async ({ params, body, user, res }) => {
    await s.issuing.requestReissue(params.certificateId, user!.id, body.reason);
    res.redirect(`/${id}/admin?notice=reissued`);
  });

  // ---- admin: bulk ----
  const bulkForm = z.object({ achievementId: z.string().max(40).default(''), cohort: z.string().max(60).default(''), onlyCompleted: z.string().max(10).optional(), reason: z.string().max(500).default(''), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/admin/bulk', capability: CAP.issue, summary: 'Start a bulk issue for a course or unit picked by name (form; a refused form comes back as typed)', body: bulkForm }, async ({ body, user, res, locale }) => {
    const form = { achievementId: body.achievementId, cohort: body.cohort, onlyCompleted: body.onlyCompleted ? '1' : '', reason: body.reason };
    const errors: Record<string, string> = {};
    const cohort = /^(course|unit):([a-f0-9]{24})$/.exec(body.cohort);
    if (!objectId.safeParse(body.achievementId).success) errors.achievementId = err(locale, 'achievement');
    if (!cohort) errors.cohort = err(locale, 'cohort');
    if (body.reason.trim().length < 3) errors.reason = err(locale, 'reason');
    if (!Object.keys(errors).length) {
      try {
        const b = await startBulk(s, {
          achievementId: body.achievementId, reason: body.reason.trim(), onlyCompleted: Boolean(body.onlyCompleted),
          ...(cohort![1] === 'course' ? { courseId: cohort![2]! } : { unitId: cohort![2]! }),
        }, user as SessionUser);
        return void res.redirect(`/${id}/admin/bulk/${b._id}`);
      } catch (e) {
        if (!isBinaError(e) || e.status >= 500) throw e;
        const path = Array.isArray(e.details) ? String((e.details as Array<{ path?: string }>)[0]?.path ?? '') : '';
        errors[/course|unit|userIds/.test(path) ? 'cohort' : 'achievementId'] = e.message === 'The cohort is empty' ? err(locale, 'emptyCohort') : ctx.i18n.localize(locale, { message: e.message, i18n: e.messageKey });
      }
    }
    return adminPage(emptySearch(), user, locale, { bulk: { form, errors } });
  });
  ctx.http.page({ method: 'get', path: '/admin/bulk/:bulkId', capability: CAP.issue, summary: 'Bulk issue progress (live); a failed one says why and offers a retry', params: z.strictObject({ bulkId: objectId }), query: z.object({ msg: z.string().max(20).optional() }).passthrough() }, async ({ params, query, t }) => {
    const b = await s.Bulk.findById(params.bulkId).lean();
    if (!b) throw Errors.notFound('Bulk issue not found');
    const a = await s.achievements.Achievement.findById(b.achievementId).lean();
    return { view: `${id}/admin-bulk`, title: t(`${id}:bulk.title`), data: { bulk: bulkView(b), achievement: a?.name ?? '', retried: query.msg === 'retried' && b.state !== 'failed' } };
  });
  ctx.http.page({ method: 'post', path: '/admin/bulk/:bulkId/retry', capability: CAP.issue, summary: 'Retry a failed bulk issue (form): it resumes where it stopped', params: z.strictObject({ bulkId: objectId }), body: z.object({ _csrf: z.string().optional() }) }, async ({ params, user, res }) => {
    if (!(await s.Bulk.exists({ _id: params.bulkId }))) throw Errors.notFound('Bulk issue not found');
    const b = await s.Bulk.findById(params.bulkId, { state: 1 }).lean();
    // Retried already (a second click, another admin): the page shows where it is.
    if (b?.state === 'failed') await s.issuing.retryBulk(params.bulkId, user!.id);
    res.redirect(303, `/${id}/admin/bulk/${params.bulkId}?msg=retried`);
  });

  // ---- admin: achievements ----
  /** The achievements page; a refused "new achievement" form comes back as typed, with reasons by the fields. */
  async function achievementsPage(locale: Locale, refused?: Refused): Promise<PageResult> {
    const form = refused?.form ?? {};
    const [rows, competencies, templates, choices] = await Promise.all([
      s.achievements.Achievement.find().sort({ archived: 1, createdAt: -1 }).limit(1000).lean(),
      s.learning().models.Competency.find().sort({ code: 1 }).limit(1000).lean(),
      s.pdf().templates.list(),
      pickerChoices(locale, { requirement: form.requirement ?? '', requirement2: form.requirement2 ?? '' }),
    ]);
    return {
      view: `${id}/admin-achievements`,
      title: ctx.i18n.t(locale, `${id}:achievements.title`),
      status: refused ? 400 : undefined,
      data: {
        achievements: rows.map(achievementView),
        competencies: competencies.map((c) => ({ code: c.code, name: c.name, selected: c.code === form.competencyCode })),
        templates: templates.map((x) => ({ value: x.id, label: x.labelKey ? ctx.i18n.t(locale, x.labelKey) : x.name, selected: x.id === (form.templateId ?? 'default') })),
        requirementGroups: choices.requirementGroups('requirement'),
        requirementGroups2: choices.requirementGroups('requirement2'),
        form: { level: '2', jp: '2', combine: 'all', locale: 'id', ...form },
        errors: refused?.errors ?? {},
      },
    };
  }
  ctx.http.page({ method: 'get', path: '/admin/achievements', capability: CAP.manage, summary: 'Achievements and earn rules' }, async ({ locale }) => achievementsPage(locale));

  const achievementForm = z.object({
    name: z.string().max(200).default(''), description: z.string().max(2000).default(''), criteria: z.string().max(2000).default(''), competencyCode: z.string().max(40).default(''), level: z.string().max(4).default(''),
    jp: z.string().max(10).default(''), validityMonths: z.string().max(4).default(''), templateId: z.string().max(40).default('default'), locale: z.enum(['id', 'en']).default('id'),
    requirement: z.string().max(60).default(''), requirement2: z.string().max(60).default(''), combine: z.enum(['all', 'any']).default('all'), _csrf: z.string().optional(),
  });
  /** An achievementInput issue path → the form field it is about. */
  const achievementField = (path: string): string => {
    const [head, index] = path.split('.');
    if (head === 'competency') return index === 'level' ? 'level' : 'competencyCode';
    if (head === 'requirements') return index === '1' ? 'requirement2' : 'requirement';
    return head ?? '_';
  };
  const ACHIEVEMENT_FIELDS = new Set(['name', 'description', 'criteria', 'competencyCode', 'level', 'jp', 'validityMonths', 'templateId', 'requirement', 'requirement2']);
  ctx.http.page({ method: 'post', path: '/admin/achievements', capability: CAP.manage, summary: 'Create an achievement, its earn rule picked by name (form; a refused form comes back as typed)', body: achievementForm }, async ({ body, user, res, locale }) => {
    const { _csrf: _c, ...form } = body;
    const errors: Record<string, string> = {};
    const requirements: Array<{ type: string; refId: string }> = [];
    for (const field of ['requirement', 'requirement2'] as const) {
      if (!body[field]) continue;
      const m = /^(activity|course):([a-f0-9]{24})$/.exec(body[field]);
      if (m) requirements.push({ type: m[1]!, refId: m[2]! });
      else errors[field] = err(locale, 'requirement');
    }
    const parsed = achievementInput.safeParse({
      name: body.name, description: body.description, criteria: body.criteria, competency: { code: body.competencyCode, level: Number(body.level) },
      jp: Number(body.jp), validityMonths: body.validityMonths ? Number(body.validityMonths) : null, templateId: body.templateId, locale: body.locale,
      requirements, combine: body.combine,
    });
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const field = achievementField(i.path.map(String).join('.'));
        errors[ACHIEVEMENT_FIELDS.has(field) ? field : '_'] ??= err(locale, ACHIEVEMENT_FIELDS.has(field) ? field : 'form');
      }
    }
    if (!Object.keys(errors).length && parsed.success) {
      try {
        const a = await s.achievements.create(parsed.data, user!.id, ctx.clock.now());
        await ctx.audit.record({ action: 'certificate-openbadges:audit.achievementCreated', actorId: user!.id, subject: { type: 'achievement', id: String(a._id) }, after: achievementView(a), args: { name: a.name } });
        return void res.redirect(`/${id}/admin/achievements#a-${a._id}`);
      } catch (e) {
        if (!isBinaError(e) || e.status >= 500) throw e;
        const details = Array.isArray(e.details) ? (e.details as Array<{ path?: string }>) : [];
        for (const d of details.length ? details : [{ path: '_' }]) {
          const field = achievementField(String(d.path ?? '_'));
          errors[ACHIEVEMENT_FIELDS.has(field) ? field : '_'] ??= err(locale, ACHIEVEMENT_FIELDS.has(field) ? field : 'form');
        }
      }
    }
    return achievementsPage(locale, { form, errors });
  });

  // ---- admin: keys ----
  ctx.http.page({ method: 'get', path: '/admin/keys', capability: CAP.keys, summary: 'Signing keys' }, async ({ t }) => ({
    view: `${id}/admin-keys`,
    title: t(`${id}:keys.title`),
    data: { did: s.keys.did, keys: await s.keys.publicKeys(), didUrl: `${ctx.site.publicUrl}/.well-known/did.json` },
  }));
  ctx.http.page({ method: 'post', path: '/admin/keys/rotate', capability: CAP.keys, summary: 'Rotate the signing key (form)', body: z.object({ _csrf: z.string().optional() }) }, async ({ user, res }) => {
    await s.rotateKey(user!.id);
    res.redirect(`/${id}/admin/keys`);
  });
}
