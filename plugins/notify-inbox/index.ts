/**
 * notify-inbox: the in-app channel for notices (an exam graded by hand or regraded, essays waiting
 * for a trainer, a certificate issued or revoked). Listeners run wherever the event happens, web or worker process (events are
 * in-process); each notice is stored once by its key and announced on the person's realtime
 * channel, which their open pages receive as server-sent events.
 *
 * Other channels (e-mail, a WhatsApp gateway) belong in their own notify-* plugins listening to
 * the same events.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { EventStreams } from '../../src/http/event-stream';
import { InboxService, defineNoticeModel } from './inbox-service';
import { noticeResolutions, noticeSources } from './notice-sources';
import { READ, registerInboxRoutes } from './inbox-routes';

export default definePlugin({
  register(ctx) {
    const inbox = new InboxService(ctx, defineNoticeModel(ctx));
    const streams = new EventStreams(() => Number(ctx.settings.streamSeconds ?? 300) * 1000);
    ctx.provide(ctx.id, { inbox, streams });

    for (const source of noticeSources(ctx)) {
      ctx.events.on(source.event, async (payload) => {
        for (const draft of await source.toNotices(payload)) await inbox.deliver(draft);
      });
    }

    for (const r of noticeResolutions) {
      ctx.events.on(r.event, async (payload) => {
        for (const key of r.keys(payload)) await inbox.settle(key);
      });
    }

    ctx.jobs.define<Record<string, never>>('prune', {
      payload: z.strictObject({}),
      process: async () => inbox.prune(),
    });

    ctx.views.nav({ id: ctx.id, href: `/${ctx.id}`, labelKey: `${ctx.id}:nav`, icon: 'bell', capability: READ, order: 10, badge: (user) => inbox.unreadCount(user.id) });

    registerInboxRoutes(ctx, inbox, streams);
  },
  stop(ctx) {
    ctx.use<{ streams: EventStreams }>(ctx.id).streams.closeAll();
  },
});
