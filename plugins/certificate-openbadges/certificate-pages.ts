/**
 * Server-rendered pages under `/certificate-openbadges`: the learner's own certificates, and the
 * admin pages (search with revoke/reissue, manual issue, bulk issue with live progress,
 * achievements, keys). Forms post to page routes that call the same services as the API, so the
 * pages work without JavaScript; only the bulk progress bar polls.
 */
import { z } from 'zod';
import { Errors } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import { achievementInput, achievementView, objectId } from './achievement-service';
import { bulkView, certificateSearch, certificateView, searchFilter, startBulk, SEARCH_STATUSES } from './api-routes';
import type { CertificateServices } from './certificate-services';
import { REQUIREMENT_TYPES } from './certificate-models';
import { CAP } from './capabilities';


/** Forms send empty fields; a search treats them as absent. */
const dropEmpty = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '')) : v);
const pageSearch = z.preprocess(dropEmpty, certificateSearch.extend({ notice: z.enum(['issued', 'revoked', 'reissued', 'rotated', 'created']).optional() }));
const reasonForm = z.object({ reason: z.string().trim().min(3).max(500), _csrf: z.string().optional() });
const certParams = z.strictObject({ certificateId: objectId });

/** Turns a failed form value check into the same 400 the API gives. */
function validated<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw Errors.validation('Invalid form', { details: r.error.issues.map((i) => ({ in: 'body', path: i.path.join('.'), message: i.message })) });
  return r.data;
}

export function registerPages(s: CertificateServices): void {
  const { ctx } = s;
  const id = ctx.id;

  async function findLearner(text: string) {
    const username = text.trim().replace(/\s+/g, '').toLowerCase();
    const u = username ? await s.identity().models.User.findOne({ username }).lean() : null;
    if (!u) throw Errors.validation('Unknown learner', { details: [{ in: 'body', path: 'learner', message: 'no user with this NIP or e-mail' }] });
    return u;
  }

  // ---- the learner ----
  ctx.http.page({ method: 'get', path: '/me', capability: CAP.viewOwn, summary: 'My certificates' }, async ({ user, t }) => {
    const rows = await s.Cert.find({ userId: user!.id, state: { $ne: 'pending' } }).sort({ issuedAt: -1 }).limit(500).lean();
    return { view: `${id}/my-certificates`, title: t(`${id}:me.title`), data: { certificates: rows.map((c) => certificateView(s, c, false)) } };
  });

  // ---- admin: certificates ----
  ctx.http.page({ method: 'get', path: '/admin', capability: CAP.viewAll, summary: 'Certificates: search, issue, revoke, reissue, bulk issue', query: pageSearch }, async ({ query, user, t }) => {
    const filter = searchFilter(query, ctx.clock.now());
    const [rows, total, achievements] = await Promise.all([
      s.Cert.find(filter).sort({ issuedAt: -1, _id: -1 }).skip(query.skip).limit(query.limit).lean(),
      s.Cert.countDocuments(filter),
      s.achievements.Achievement.find({ archived: false }).sort({ name: 1 }).limit(500).lean(),
    ]);
    return {
      view: `${id}/admin-certificates`,
      title: t(`${id}:admin.title`),
      data: {
        certificates: rows.map((c) => certificateView(s, c, true)),
        total,
        query,
        statuses: SEARCH_STATUSES,
        achievements: achievements.map((a) => ({ id: String(a._id), name: a.name, selected: String(a._id) === query.achievementId })),
        canIssue: ctx.authz.can(user, CAP.issue),
        notice: query.notice,
      },
    };
  });
  ctx.http.page({ method: 'post', path: '/admin/issue', capability: CAP.issue, summary: 'Issue manually (form)', body: z.object({ achievementId: z.string().max(40), learner: z.string().max(120), reason: z.string().max(500), _csrf: z.string().optional() }) }, async ({ body, user, res }) => {
    const { achievementId, reason } = validated(z.object({ achievementId: objectId, reason: z.string().trim().min(3).max(500) }), body);
    const learner = await findLearner(body.learner);
    await s.issuing.requestManualIssue({ achievementId, userId: String(learner._id), reason }, user!.id);
    res.redirect(`/${id}/admin?notice=issued`);
  });
  ctx.http.page({ method: 'post', path: '/admin/certificates/:certificateId/revoke', capability: CAP.issue, summary: 'Revoke (form)', params: certParams, body: reasonForm }, async ({ params, body, user, res }) => {
    await s.issuing.revoke(params.certificateId, user!.id, body.reason);
    res.redirect(`/${id}/admin?notice=revoked`);
  });
  ctx.http.page({ method: 'post', path: '/admin/certificates/:certificateId/reissue', capability: CAP.issue, summary: 'Reissue (form)', params: certParams, body: reasonForm }, async ({ params, body, user, res }) => {
    await s.issuing.requestReissue(params.certificateId, user!.id, body.reason);
    res.redirect(`/${id}/admin?notice=reissued`);
  });

  // ---- admin: bulk ----
  const bulkForm = z.object({ achievementId: z.string().max(40), cohort: z.enum(['course', 'unit']), cohortId: z.string().max(40), onlyCompleted: z.string().max(10).optional(), reason: z.string().max(500), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/admin/bulk', capability: CAP.issue, summary: 'Start a bulk issue (form)', body: bulkForm }, async ({ body, user, res }) => {
    const input = validated(z.object({ achievementId: objectId, cohortId: objectId, reason: z.string().trim().min(3).max(500) }), body);
    const b = await startBulk(s, {
      achievementId: input.achievementId, reason: input.reason, onlyCompleted: Boolean(body.onlyCompleted),
      ...(body.cohort === 'course' ? { courseId: input.cohortId } : { unitId: input.cohortId }),
    }, user as SessionUser);
    res.redirect(`/${id}/admin/bulk/${b._id}`);
  });
  ctx.http.page({ method: 'get', path: '/admin/bulk/:bulkId', capability: CAP.issue, summary: 'Bulk issue progress (live)', params: z.strictObject({ bulkId: objectId }) }, async ({ params, t }) => {
    const b = await s.Bulk.findById(params.bulkId).lean();
    if (!b) throw Errors.notFound('Bulk issue not found');
    const a = await s.achievements.Achievement.findById(b.achievementId).lean();
    return { view: `${id}/admin-bulk`, title: t(`${id}:bulk.title`), data: { bulk: bulkView(b), achievement: a?.name ?? '' } };
  });

  // ---- admin: achievements ----
  ctx.http.page({ method: 'get', path: '/admin/achievements', capability: CAP.manage, summary: 'Achievements and earn rules' }, async ({ t }) => {
    const rows = await s.achievements.Achievement.find().sort({ archived: 1, createdAt: -1 }).limit(1000).lean();
    const competencies = await s.learning().models.Competency.find().sort({ code: 1 }).limit(1000).lean();
    const templates = await s.pdf().templates.list();
    return {
      view: `${id}/admin-achievements`,
      title: t(`${id}:achievements.title`),
      data: {
        achievements: rows.map(achievementView),
        competencies: competencies.map((c) => ({ code: c.code, name: c.name })),
        templates,
        requirementTypes: REQUIREMENT_TYPES,
      },
    };
  });
  const achievementForm = z.object({
    name: z.string().max(200), description: z.string().max(2000), criteria: z.string().max(2000), competencyCode: z.string().max(40), level: z.string().max(2),
    jp: z.string().max(10), validityMonths: z.string().max(4).default(''), templateId: z.string().max(40).default('default'), locale: z.enum(['id', 'en']).default('id'),
    requirementType: z.string().max(10).default(''), requirementId: z.string().max(40).default(''), requirementType2: z.string().max(10).default(''), requirementId2: z.string().max(40).default(''),
    combine: z.enum(['all', 'any']).default('all'), _csrf: z.string().optional(),
  });
  ctx.http.page({ method: 'post', path: '/admin/achievements', capability: CAP.manage, summary: 'Create an achievement (form)', body: achievementForm }, async ({ body, user, res }) => {
    const requirements = [[body.requirementType, body.requirementId], [body.requirementType2, body.requirementId2]]
      .filter(([type, refId]) => type && refId)
      .map(([type, refId]) => ({ type, refId }));
    const input = validated(achievementInput, {
      name: body.name, description: body.description, criteria: body.criteria, competency: { code: body.competencyCode, level: Number(body.level) },
      jp: Number(body.jp), validityMonths: body.validityMonths ? Number(body.validityMonths) : null, templateId: body.templateId, locale: body.locale,
      requirements, combine: body.combine,
    });
    const a = await s.achievements.create(input, user!.id, ctx.clock.now());
    await ctx.audit.record({ action: 'certificate-openbadges:audit.achievementCreated', actorId: user!.id, subject: { type: 'achievement', id: String(a._id) }, after: achievementView(a), args: { name: a.name } });
    res.redirect(`/${id}/admin/achievements#a-${a._id}`);
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
