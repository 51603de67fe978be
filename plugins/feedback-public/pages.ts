/**
 * The pages of the public feedback:
 * - public: a unit's page (published items with their answers, answer times) and its form;
 * - moderators: the queue of pending items of the units they moderate, publish / keep private /
 *   reject with a reason;
 * - the unit's ASN: an item's page with the answer form and "close".
 * Public routes are rate limited per IP and guarded by survey-skm's public-form guard.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { Errors } from '../../src/kernel/errors';
import type { ErrorSummaryItem, HubRender, ServiceUnitView, SkmApi } from '../survey-skm/api';
import { answerTimes } from './answer-times';
import { KINDS, PRIVACY, type FeedbackDoc } from './feedback-items';
import { maskPersonalData } from './mask';
import { localDay } from './working-days';

const MODERATE = 'feedback-public:moderate';
const ANSWER = 'feedback-public:answer';
const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,60}$/) });
const itemParams = z.object({ itemId: z.string().regex(/^[a-f0-9]{24}$/) });
const csrfOnly = z.object({ _csrf: z.string().optional() });

/** What is stored of a follow-up code: its hash, so the collection never holds a working link. */
const followHash = (code: string) => createHash('sha256').update(code).digest('hex');

export function registerPages(ctx: PluginContext, Item: Model<FeedbackDoc>): void {
  const id = ctx.id;
  const skm = () => ctx.use<SkmApi>('survey-skm');
  const settings = ctx.settings as { holidays: string[]; submitsPerMinute: number };
  const holidays = new Set(settings.holidays);

  async function unitOr404(slug: string): Promise<ServiceUnitView> {
    const u = await skm().unitBySlug(slug);
    if (!u) throw Errors.notFound('Service unit not found');
    return u;
  }

  function itemView(d: FeedbackDoc, opts: { moderator?: boolean } = {}) {
    return {
      id: String(d._id),
      kind: d.kind,
      text: d.publicText,
      original: opts.moderator ? d.text : undefined,
      contact: opts.moderator ? d.contact : undefined,
      privacy: d.privacy,
      moderation: d.moderation,
      rejectReason: d.rejectReason,
      status: d.status,
      submittedAt: d.submittedAt,
      answers: d.answers.map((a) => ({ authorName: a.authorName, text: a.text, at: a.at })),
    };
  }

  async function timesOf(unit: ServiceUnitView) {
    const accepted = await Item.find({ serviceUnitId: new Types.ObjectId(unit.id), moderation: { $in: ['published', 'private'] } }, { submittedAt: 1, firstAnswerAt: 1 }).lean();
    return answerTimes(accepted, { standardDays: unit.serviceStandardDays, now: ctx.clock.now(), timeZone: ctx.site.defaultTimeZone, holidays });
  }

  // ---- public ----
  ctx.http.page({ method: 'get', path: '/u/:slug', public: true, summary: "A service unit's published feedback with the unit's answers", params: slugParams, query: z.object({ sent: z.string().optional() }) }, async ({ params, query, user, t }) => {
    const unit = await unitOr404(params.slug);
    const items = await Item.find({ serviceUnitId: new Types.ObjectId(unit.id), moderation: 'published' }).sort({ submittedAt: -1 }).limit(200).lean();
    return {
      view: `${id}/unit`,
      title: t(`${id}:unit.title`, { unit: unit.name }),
      data: { unit, sent: query.sent === '1', items: items.map((d) => itemView(d)), times: await timesOf(unit), isStaff: await skm().isStaff(user, unit), isModerator: await skm().isModerator(user, unit) },
    };
  });

  const formBody = z.object({
    kind: z.string().default(''),
    text: z.string().default(''),
    contact: z.string().default(''),
    privacy: z.string().default('anonim'),
    website: z.string().default(''),
    ticket: z.string().default(''),
    _csrf: z.string().optional(),
  });
  type Form = z.infer<typeof formBody>;

  /** The mistakes at the top of the form, in its order, each linking to its field. */
  const FIELD_ANCHORS: Array<[keyof Form, string, string]> = [['kind', `#kind-${KINDS[0]}`, 'form.kind'], ['text', '#fb-text', 'form.text'], ['contact', '#fb-contact', 'form.contact'], ['privacy', `#privacy-${PRIVACY[0]}`, 'form.privacy']];
  const errorSummary = (t: (k: string) => string, errors: Record<string, string>): ErrorSummaryItem[] => [
    ...(errors.form ? [{ message: errors.form }] : []),
    ...FIELD_ANCHORS.filter(([f]) => errors[f]).map(([f, href, label]) => ({ href, label: t(`${id}:${label}`), message: errors[f]! })),
  ];

  /** `ticket`: the stamp the form was first served with, kept when it is shown again after a mistake (the fill time keeps running). */
  async function formPage(unit: ServiceUnitView, t: (k: string, a?: Record<string, unknown>) => string, form: Partial<Form>, errors: Record<string, string>, status = 200, ticket?: string) {
    return { view: `${id}/form`, title: t(`${id}:form.title`, { unit: unit.name }), status, data: { unit, form: { privacy: 'anonim', ...form }, errors, errorSummary: errorSummary(t, errors), ticket: await skm().guard.keep(ticket), kinds: KINDS, privacies: PRIVACY } };
  }

  ctx.http.page({ method: 'get', path: '/u/:slug/new', public: true, summary: 'Feedback form of a service unit (no account)', params: slugParams }, async ({ params, req, res, t }) => {
    const unit = await unitOr404(params.slug);
    skm().guard.device(req, res);
    return formPage(unit, t, {}, {});
  });

  ctx.http.page(
    { method: 'post', path: '/u/:slug/new', public: true, rateLimit: settings.submitsPerMinute, summary: 'Send feedback about a service unit (form, no account)', params: slugParams, body: formBody },
    async ({ params, body, req, res, t }) => {
      const unit = await unitOr404(params.slug);
      const g = skm().guard;
      const device = g.deviceOf(req);
      const verdict = await g.check({ ticket: body.ticket, honeypot: body.website, device });
      const form = { kind: body.kind, text: body.text, contact: body.contact, privacy: body.privacy };
      // A filled honeypot gets the thank-you page and nothing is stored: a bot learns nothing.
      if (verdict === 'honeypot') return void res.redirect(303, `/${id}/u/${unit.slug}?sent=1`);
      const errors: Record<string, string> = {};
      if (verdict !== 'ok') errors.form = t(`${id}:errors.${verdict}`);
      if (!(KINDS as readonly string[]).includes(body.kind)) errors.kind = t(`${id}:errors.kind`);
      const text = body.text.trim();
      if (text.length < 10 || text.length > 4000) errors.text = t(`${id}:errors.text`);
      if (body.contact.trim().length > 200) errors.contact = t(`${id}:errors.contact`);
      if (!(PRIVACY as readonly string[]).includes(body.privacy)) errors.privacy = t(`${id}:errors.privacy`);
      if (Object.keys(errors).length) {
        if (verdict !== 'no-device') g.device(req, res);
        return formPage(unit, t, form, errors, 400, body.ticket);
      }
      const now = ctx.clock.now();
      const deviceHash = await g.deviceHash(device!, `feedback:${unit.id}:${localDay(now, ctx.site.defaultTimeZone)}`);
      const follow = randomBytes(18).toString('base64url');
      try {
        await Item.create({
          serviceUnitId: new Types.ObjectId(unit.id),
          kind: body.kind,
          text,
          publicText: maskPersonalData(text),
          contact: body.contact.trim() || undefined,
          privacy: body.privacy,
          moderation: 'pending',
          status: 'open',
          answers: [],
          submittedAt: now,
          deviceHash,
          followHash: followHash(follow),
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        return formPage(unit, t, form, { form: t(`${id}:errors.duplicate`) }, 409);
      }
      // The thank-you page is the item's follow-up page: its address is the citizen's code.
      res.redirect(303, `/${id}/f/${follow}?sent=1`);
    },
  );

  // ---- moderators ----
  ctx.http.page({ method: 'get', path: '/moderate', capability: MODERATE, summary: 'Moderation queue of the units one moderates' }, async ({ user, t, query }) => {
    const units = await skm().moderatedBy(user!);
    const byId = new Map(units.map((u) => [u.id, u]));
    const pending = units.length ? await Item.find({ serviceUnitId: { $in: units.map((u) => new Types.ObjectId(u.id)) }, moderation: 'pending' }).sort({ submittedAt: 1 }).limit(200).lean() : [];
    return {
      view: `${id}/moderate`,
      title: t(`${id}:moderate.title`),
      data: { units, notice: (query as { notice?: string }).notice, items: pending.map((d) => ({ ...itemView(d, { moderator: true }), unit: byId.get(String(d.serviceUnitId)) })), errors: {} },
    };
  });

  async function loadForModerator(user: SessionUser | undefined, itemId: string) {
    const d = await Item.findById(itemId).lean();
    const unit = d ? await skm().unitById(String(d.serviceUnitId)) : undefined;
    // 404 rather than 403: a refusal would confirm that someone else's item exists.
    if (!d || !unit || !(await skm().isModerator(user, unit))) throw Errors.notFound('Feedback not found');
    return { d, unit };
  }

  const moderate = async (user: SessionUser, itemId: string, to: 'published' | 'private' | 'rejected', reason?: string) => {
    const { d } = await loadForModerator(user, itemId);
    // Stricter, never looser: a *rahasia* item cannot be published.
    const filter: Record<string, unknown> = { _id: d._id, moderation: 'pending' };
    if (to === 'published') filter.privacy = 'anonim';
    const set: Record<string, unknown> = { moderation: to, moderatedBy: new Types.ObjectId(user.id), moderatedAt: ctx.clock.now() };
    if (to === 'private') set.privacy = 'rahasia';
    if (reason) set.rejectReason = reason;
    const r = await Item.updateOne(filter, { $set: set });
    if (r.modifiedCount === 1) await ctx.audit.record({ action: `${id}:audit.${to}`, subject: { type: 'feedback', id: itemId }, actorId: user.id, before: { moderation: 'pending' }, after: { moderation: to, reason } });
    return r.modifiedCount === 1;
  };

  ctx.http.page({ method: 'post', path: '/items/:itemId/publish', capability: MODERATE, summary: 'Publish feedback (form)', params: itemParams, body: csrfOnly }, async ({ params, user, res }) => {
    const done = await moderate(user!, params.itemId, 'published');
    res.redirect(`/${id}/moderate?notice=${done ? 'published' : 'unchanged'}`);
  });
  ctx.http.page({ method: 'post', path: '/items/:itemId/private', capability: MODERATE, summary: 'Accept feedback as confidential (form)', params: itemParams, body: csrfOnly }, async ({ params, user, res }) => {
    const done = await moderate(user!, params.itemId, 'private');
    res.redirect(`/${id}/moderate?notice=${done ? 'private' : 'unchanged'}`);
  });
  ctx.http.page(
    { method: 'post', path: '/items/:itemId/reject', capability: MODERATE, summary: 'Reject feedback with a reason (form)', params: itemParams, body: z.object({ reason: z.string().default(''), _csrf: z.string().optional() }) },
    async ({ params, body, user, res, t }) => {
      const reason = body.reason.trim();
      if (reason.length < 3 || reason.length > 500) {
        const { d, unit } = await loadForModerator(user, params.itemId);
        return { view: `${id}/moderate`, title: t(`${id}:moderate.title`), status: 400, data: { units: [unit], items: [{ ...itemView(d, { moderator: true }), unit }], errors: { [params.itemId]: t(`${id}:errors.reason`) }, reasons: { [params.itemId]: body.reason } } };
      }
      const done = await moderate(user!, params.itemId, 'rejected', reason);
      res.redirect(`/${id}/moderate?notice=${done ? 'rejected' : 'unchanged'}`);
    },
  );

  // ---- an item: public when published; the unit's ASN answer and close it ----
  async function loadItem(user: SessionUser | undefined, itemId: string) {
    const d = await Item.findById(itemId).lean();
    const unit = d ? await skm().unitById(String(d.serviceUnitId)) : undefined;
    if (!d || !unit) throw Errors.notFound('Feedback not found');
    const staff = await skm().isStaff(user, unit);
    const moderator = await skm().isModerator(user, unit);
    const visible = d.moderation === 'published' || (d.moderation === 'private' && staff) || (d.moderation === 'pending' && moderator);
    if (!visible) throw Errors.notFound('Feedback not found');
    return { d, unit, staff, moderator };
  }

  async function itemPage(user: SessionUser | undefined, itemId: string, t: (k: string, a?: Record<string, unknown>) => string, error?: string, answer = '') {
    const { d, unit, staff, moderator } = await loadItem(user, itemId);
    return {
      view: `${id}/item`,
      title: t(`${id}:item.title`),
      status: error ? 400 : 200,
      data: { unit, item: itemView(d, { moderator }), canAnswer: staff && d.status !== 'closed' && (d.moderation === 'published' || d.moderation === 'private'), canClose: staff && d.status === 'answered', error, answer },
    };
  }

  ctx.http.page(
    { method: 'get', path: '/f/:code', public: true, summary: "A citizen's own feedback by its follow-up code: moderation, status and the unit's answers", params: z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{24}$/) }), query: z.object({ sent: z.string().optional() }) },
    async ({ params, query, t }) => {
      const d = await Item.findOne({ followHash: followHash(params.code) }).lean();
      if (!d) throw Errors.notFound('No feedback has this follow-up code');
      const unit = await skm().unitById(String(d.serviceUnitId));
      return {
        view: `${id}/follow`,
        title: t(`${id}:follow.title`),
        data: { unit, sent: query.sent === '1', link: `${ctx.site.publicUrl.replace(/\/$/, '')}/${id}/f/${params.code}`, item: itemView(d), published: d.moderation === 'published' },
      };
    },
  );

  ctx.http.page({ method: 'get', path: '/items/:itemId', public: true, summary: 'One feedback item with its answers', params: itemParams }, async ({ params, user, t }) => itemPage(user, params.itemId, t));

  ctx.http.page(
    { method: 'post', path: '/items/:itemId/answers', capability: ANSWER, summary: "Answer feedback publicly as the unit's ASN (form)", params: itemParams, body: z.object({ text: z.string().default(''), _csrf: z.string().optional() }) },
    async ({ params, body, user, res, t }) => {
      const { d, staff } = await loadItem(user, params.itemId);
      if (!staff) throw Errors.notFound('Feedback not found');
      const text = body.text.trim();
      if (text.length < 2 || text.length > 4000) return itemPage(user, params.itemId, t, t(`${id}:errors.answer`), body.text);
      const now = ctx.clock.now();
      const r = await Item.updateOne(
        { _id: d._id, moderation: { $in: ['published', 'private'] }, status: { $in: ['open', 'answered'] } },
        { $push: { answers: { authorId: new Types.ObjectId(user!.id), authorName: user!.name, text, at: now } }, $set: { status: 'answered' } },
      );
      if (r.modifiedCount !== 1) return itemPage(user, params.itemId, t, t(`${id}:errors.closed`), body.text);
      // The first answer's time, once (its own precondition: none recorded yet).
      await Item.updateOne({ _id: d._id, firstAnswerAt: { $exists: false } }, { $set: { firstAnswerAt: now } });
      res.redirect(`/${id}/items/${params.itemId}`);
    },
  );

  ctx.http.page({ method: 'post', path: '/items/:itemId/close', capability: ANSWER, summary: 'Close answered feedback (form)', params: itemParams, body: csrfOnly }, async ({ params, user, res }) => {
    const { d, staff } = await loadItem(user, params.itemId);
    if (!staff) throw Errors.notFound('Feedback not found');
    await Item.updateOne({ _id: d._id, status: 'answered' }, { $set: { status: 'closed', closedAt: ctx.clock.now() } });
    res.redirect(`/${id}/items/${params.itemId}`);
  });

  // ---- the hub: each unit's feedback page; moderators get their queue ----
  ctx.hooks.filter<HubRender>('survey-skm.hub.render', async (v) => {
    for (const u of v.units) u.links.push({ href: `/${id}/u/${u.unit.slug}`, label: ctx.i18n.t(v.locale, 'hub.feedback'), icon: 'chat-left-text' });
    if (v.user && (await skm().moderatedBy(v.user)).length) v.top.push({ href: `/${id}/moderate`, label: ctx.i18n.t(v.locale, 'moderate.title'), icon: 'inboxes' });
    return v;
  });
}
