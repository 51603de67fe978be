/**
 * The inbox's JSON API (/api/v1/notify-inbox/…: list, mark read, the live stream) and its pages
 * (work without JavaScript; public/inbox.js adds live updates).
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { Errors } from '../../src/kernel/errors';
import type { EventStreams } from '../../src/http/event-stream';
import type { InboxService } from './inbox-service';

export const READ = 'notify-inbox:read';
const PAGE_SIZE = 50;
/**
 * A notice's id is its key: the kind, then what it is about, whose parts differ by kind (an id, two
 * ids, `event-<id>`, `<taskId>-<id>`, a month, a job id). The route accepts every key a source makes
 * (notice-sources.ts); anything else is a 400, and another person's notice a 404.
 */
const noticeId = z.string().max(400).regex(/^[a-z][a-z-]{1,40}:[\w.:-]{1,300}$/, 'must be a notice id such as activity-graded:<24 hex>');
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(PAGE_SIZE),
  before: z.iso.datetime({ offset: true }).optional(),
  beforeId: noticeId.optional(),
  unread: z.enum(['0', '1', 'true', 'false']).optional(),
});
const pageQuery = z.strictObject({ before: z.iso.datetime({ offset: true }).optional(), beforeId: noticeId.optional() });
/** Where the next (older) page starts: after the last notice shown. */
const nextPage = (last: { createdAt: Date; id: string } | undefined, more: boolean) => (more && last ? { before: last.createdAt.toISOString(), beforeId: last.id } : null);
const formBody = z.object({ _csrf: z.string().optional() });

export function registerInboxRoutes(ctx: PluginContext, inbox: InboxService, streams: EventStreams): void {
  // ---- JSON API ----
  ctx.http.route({ method: 'get', path: '/notices', capability: READ, summary: 'My notices, newest first (the next page: `before` and `beforeId` from `next`)', query: listQuery }, async ({ query, user, locale }) => {
    const { notices, more } = await inbox.list(user!.id, { limit: query.limit, before: query.before ? new Date(query.before) : undefined, beforeId: query.beforeId, unreadOnly: query.unread === '1' || query.unread === 'true' });
    const views = notices.map((n) => inbox.view(n, locale));
    return { notices: views, more, next: nextPage(views[views.length - 1], more), unread: await inbox.unreadCount(user!.id) };
  });
  ctx.http.route({ method: 'post', path: '/notices/read-all', capability: READ, summary: 'Mark all my notices as read', body: z.strictObject({}) }, async ({ user }) => ({
    updated: await inbox.markAllRead(user!.id),
  }));
  ctx.http.route({ method: 'post', path: '/notices/:noticeId/read', capability: READ, summary: 'Mark one of my notices as read', params: z.object({ noticeId }), body: z.strictObject({}) }, async ({ params, user, locale }) => {
    const n = await inbox.markRead(user!.id, params.noticeId);
    if (!n) throw Errors.notFound('No such notice');
    return { notice: inbox.view(n, locale) };
  });
  ctx.http.route({ method: 'get', path: '/stream', capability: READ, produces: ['text/event-stream'], summary: 'My new notices as server-sent events (`notice`, `read`)' }, async ({ user, req, res, locale }) => {
    const me = user!.id;
    await streams.open(
      req,
      res,
      (send) =>
        ctx.realtime.subscribe(`user-${me}`, (m) => {
          const msg = m as { t?: string; id?: string; all?: boolean };
          if (msg.t === 'notice' && msg.id) {
            void inbox.own(me, msg.id).then((n) => n && send(inbox.view(n, locale), 'notice'), (err) => ctx.log.warn({ err }, 'inbox stream read failed'));
          } else if (msg.t === 'read') send({ id: msg.id ?? null, all: msg.all === true }, 'read');
        }),
      { serverTime: ctx.clock.now() },
    );
  });

  // ---- pages (work without JavaScript; public/inbox.js adds live updates) ----
  ctx.http.page({ method: 'get', path: '/', capability: READ, summary: 'My notices', query: pageQuery }, async ({ query, user, locale, t }) => {
    const { notices, more } = await inbox.list(user!.id, { limit: PAGE_SIZE, before: query.before ? new Date(query.before) : undefined, beforeId: query.beforeId });
    const views = notices.map((n) => inbox.view(n, locale));
    const next = nextPage(views[views.length - 1], more);
    return {
      view: `${ctx.id}/inbox`,
      title: t(`${ctx.id}:title`),
      data: { notices: views, unread: await inbox.unreadCount(user!.id), older: next ? `/${ctx.id}?${new URLSearchParams(next).toString()}` : null },
    };
  });
  ctx.http.page({ method: 'post', path: '/notices/:noticeId/open', capability: READ, summary: 'Open a notice (marks it read, then follows its link)', params: z.object({ noticeId }), body: formBody }, async ({ params, user, res }) => {
    const n = await inbox.markRead(user!.id, params.noticeId);
    if (!n) throw Errors.notFound('No such notice');
    res.redirect(303, n.href);
  });
  ctx.http.page({ method: 'post', path: '/read-all', capability: READ, summary: 'Mark all notices as read (form)', body: formBody }, async ({ user, res }) => {
    await inbox.markAllRead(user!.id);
    res.redirect(303, `/${ctx.id}`);
  });
}
