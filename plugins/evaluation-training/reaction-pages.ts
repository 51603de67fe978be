/**
 * Level 1's pages, for a course and for an event alike (they work without JavaScript):
 * - the learner's reaction survey, reached from the course's or event's page and the inbox;
 * - the statements a survey asks, edited by the course's trainer (from its evaluation page) or
 *   the event's organiser (from the event's results page); a refused list is shown again as typed;
 * - an event's results per cohort, reached from the event's page and its manage page.
 * Who organises an event is the events plugin's answer to the core's `learning.event.about`.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { Errors, isBinaError } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import type { Locale } from '../../src/views/i18n';
import { EvaluationErrors } from './evaluation-errors';
import type { Evaluation } from './index';
import { many, one, reasons, type Errs, type T } from './page-helpers';
import { formId, type Subject } from './reaction-forms';
import { MAX_ITEMS } from './reaction-items';
import { ofCourse, ofEvent } from './reaction-service';

const courseParams = z.object({ courseId: objectId });
const eventParams = z.object({ eventId: objectId });
const answersForm = z.record(z.string(), z.union([z.string().max(2000), z.array(z.string().max(2000))]).optional());
const itemsForm = z.object({ item: z.union([z.string().max(2000), z.array(z.string().max(2000)).max(50)]).optional(), action: z.enum(['save', 'defaults']).default('save'), _csrf: z.string().optional() });
const flagQuery = z.object({ sent: z.string().optional(), saved: z.string().optional() });

/** Pages of the plugin under `/evaluation-training/courses/:id/…` or `/evaluation-training/events/:id/…`. */
const base = (id: string, s: Subject) => `/${id}/${s.kind === 'course' ? 'courses' : 'events'}/${s.id}`;

export function registerReactionPages(ctx: PluginContext, ev: Evaluation): void {
  const id = ctx.id;
  const learning = () => ctx.use<LearningService>('learning');

  /** The subject's title and page, as its reader may see them (404 for an event the events plugin does not know). */
  async function subjectView(s: Subject, user: SessionUser) {
    if (s.kind === 'course') {
      const c = await learning().getCourse(s.id);
      return { id: s.id, title: c.title, href: `/courses/${s.id}`, evaluationHref: `/${id}/courses/${s.id}`, organiser: learning().canAuthor(user, c) };
    }
    const about = await ev.reaction.aboutEvent(s.id, user);
    if (!about.found) throw Errors.notFound('Event not found');
    return { id: s.id, title: about.title, href: about.href, evaluationHref: `/${id}/events/${s.id}`, organiser: about.organiser };
  }

  /** The trainer of the course, or an organiser of the event (else 403). */
  async function requireOrganiser(s: Subject, user: SessionUser) {
    if (s.kind === 'course') await learning().requireAuthor(user, s.id);
    const view = await subjectView(s, user);
    if (!view.organiser) throw EvaluationErrors.notOrganiser('Only the event\'s organisers read and set its survey');
    return view;
  }

  // ---- the learner's survey -------------------------------------------------------------------

  async function surveyPage(s: Subject, user: SessionUser, t: T, locale: Locale, extra: { fields?: Record<string, string>; comment?: string; errors?: Errs; status?: number; sent?: boolean } = {}) {
    const [subject, offer, anonymous, form] = await Promise.all([subjectView(s, user), ev.reaction.offerFor(s, user.id), ev.reaction.isAnonymous(s), ev.reaction.form(s, locale)]);
    return {
      view: `${id}/reaction`, title: t(`${id}:reaction.title`, { course: subject.title }), status: extra.status,
      data: {
        subject, action: `${base(id, s)}/reaction`, version: form.version,
        offered: Boolean(offer), answered: offer?.answered ?? false, anonymous, sent: extra.sent ?? false,
        notOffered: t(`${id}:reaction.${s.kind === 'course' ? 'notOffered' : 'notOfferedEvent'}`),
        questions: form.questions.map((q) => {
          const level = extra.fields?.[`q_${q.slot}`] ?? null;
          // The statement names the item's fieldset (the partial's legend); a refused form keeps the levels chosen.
          return { ...q, name: q.stem, required: true, response: level ? { level } : null, level, error: extra.errors?.[`q_${q.slot}`] };
        }),
        comment: extra.comment ?? '', errors: extra.errors ?? {},
      },
    };
  }

  for (const kind of ['course', 'event'] as const) {
    const params = kind === 'course' ? courseParams : eventParams;
    const path = kind === 'course' ? '/courses/:courseId' : '/events/:eventId';
    const subjectOf = (p: Record<string, string>): Subject => (kind === 'course' ? ofCourse(p.courseId!) : ofEvent(p.eventId!));
    const what = kind === 'course' ? 'a course I completed' : 'an event I attended';

    ctx.http.page({ method: 'get', path: `${path}/reaction`, capability: `${id}:respond`, summary: `The reaction survey of ${what}`, params, query: flagQuery }, async ({ params: p, query, user, t, locale }) =>
      surveyPage(subjectOf(p), user!, t, locale, { sent: query.sent === '1' }));

    ctx.http.page({ method: 'post', path: `${path}/reaction`, capability: `${id}:respond`, summary: `Answer the reaction survey of ${what} (form)`, params, body: answersForm }, async ({ params: p, body, user, t, locale, res }) => {
      const s = subjectOf(p);
      const fields = Object.fromEntries(Object.entries(body).filter(([k]) => /^q_s\d{1,2}$/.test(k)).map(([k, v]) => [k, one(v)]).filter(([, v]) => v));
      const comment = one(body.comment).slice(0, 2000);
      try {
        await ev.reaction.submit(user!, s, fields, comment, locale, one(body.version) || undefined);
      } catch (e) {
        const changed = isBinaError(e) && e.code === 'BINA_ERR_EVALUATION_FORM_CHANGED';
        // The statements changed under the learner: show the new ones, keep only the comment.
        return surveyPage(s, user!, t, locale, { fields: changed ? {} : fields, comment, errors: reasons(e, t), status: isBinaError(e) ? e.status : 400 });
      }
      res.redirect(303, `${base(id, s)}/reaction?sent=1`);
    });

    // ---- the statements ----------------------------------------------------------------------

    const itemsPage = async (s: Subject, user: SessionUser, t: T, locale: Locale, extra: { typed?: string[]; errors?: Errs; status?: number; saved?: boolean } = {}) => {
      const subject = await requireOrganiser(s, user);
      const texts = extra.typed ?? (await ev.reaction.forms.statements(s, locale)).map((x) => x.text);
      const filled = texts.reduce((last, v, i) => (v.trim() ? i + 1 : last), 0);
      const rows = Array.from({ length: Math.min(MAX_ITEMS, Math.max(filled + 3, 6)) }, (_, i) => ({ n: i + 1, text: texts[i] ?? '', error: extra.errors?.[`item_${i + 1}`] }));
      const answered = await ev.reaction.Response.countDocuments({ [s.kind === 'course' ? 'courseId' : 'eventId']: s.id, state: 'submitted' });
      return {
        view: `${id}/items`, title: t(`${id}:items.title`, { title: subject.title }), status: extra.status,
        data: { subject, rows, max: MAX_ITEMS, answered, saved: extra.saved ?? false, action: `${base(id, s)}/items`, errors: extra.errors ?? {} },
      };
    };

    ctx.http.page({ method: 'get', path: `${path}/items`, capability: `${id}:${kind === 'course' ? 'view' : 'event-view'}`, summary: `The statements of the reaction survey of ${kind === 'course' ? 'a course (its trainers)' : 'an event (its organisers)'}`, params, query: flagQuery }, async ({ params: p, query, user, t, locale }) =>
      itemsPage(subjectOf(p), user!, t, locale, { saved: query.saved === '1' }));

    ctx.http.page({ method: 'post', path: `${path}/items`, capability: `${id}:${kind === 'course' ? 'view' : 'event-view'}`, summary: 'Save the survey\'s statements, or go back to the defaults (form)', params, body: itemsForm }, async ({ params: p, body, user, t, locale, res }) => {
      const s = subjectOf(p);
      await requireOrganiser(s, user!);
      const typed = many(body.item).slice(0, MAX_ITEMS + 10);
      try {
        if (body.action === 'defaults') await ev.reaction.forms.reset(s);
        else await ev.reaction.forms.save(s, typed);
      } catch (e) {
        return itemsPage(s, user!, t, locale, { typed, errors: reasons(e, t), status: isBinaError(e) ? e.status : 400 });
      }
      await ctx.audit.record({ action: `${id}:audit.itemsChanged`, actorId: user!.id, subject: { type: 'reaction-form', id: formId(s) }, after: { statements: body.action === 'defaults' ? 'defaults' : typed.filter((x) => x.trim()).length } });
      res.redirect(303, `${base(id, s)}/items?saved=1`);
    });
  }

  // ---- an event's results ---------------------------------------------------------------------

  ctx.http.page({ method: 'get', path: '/events/:eventId', capability: `${id}:event-view`, summary: 'An event\'s reaction survey per cohort (its organisers, admins)', params: eventParams }, async ({ params, user, t, locale }) => {
    const s = ofEvent(params.eventId);
    const subject = await requireOrganiser(s, user!);
    const settings = ctx.settings as { minRespondents: number; minSharePercent: number };
    return {
      view: `${id}/event-evaluation`, title: t(`${id}:event.title`, { title: subject.title }),
      data: { subject, reaction: { cohorts: await ev.reaction.summary(s, locale), min: settings.minRespondents, share: settings.minSharePercent, customised: await ev.reaction.forms.customised(s) } },
    };
  });
}
