/** Core endpoints that are neither identity nor learning: health, OpenAPI, plugins, Bull Board. */
import { randomUUID } from 'node:crypto';
import type express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { pingDatabase } from '../kernel/db';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { PluginRegistry } from '../host/plugins/plugin-registry';
import { buildOpenApi } from './openapi';
import type { AppHelpers } from './app';
import { CORE_VERSION } from '../kernel/core-version';

export function registerCoreRoutes(services: KernelServices, plugins: PluginRegistry): void {
  // Tells apart two lives of a server at the same address (a supervisor's restart), without a pid.
  const instance = randomUUID();
  const startedAt = services.clock.now().toISOString();
  services.routes.add('core', '/health', { method: 'get', path: '/health', summary: 'Liveness and readiness (MongoDB, Redis, plugins)', public: true, rateLimit: false, answers: [503] }, async ({ res }) => {
    const [mongodb, redis] = await Promise.all([pingDatabase(services.conn), services.queues.ping()]);
    const ready = mongodb && redis;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : 'degraded',
      instance,
      startedAt,
      checks: { mongodb: mongodb ? 'up' : 'down', redis: redis ? 'up' : 'down' },
      plugins: plugins.report().map((p) => ({ id: p.id, status: p.status })),
    });
  });
  services.routes.add('core', '/api/v1/openapi.json', { method: 'get', path: '/openapi.json', summary: 'This API, as OpenAPI 3.1', public: true }, () =>
    buildOpenApi(services.routes.entries, CORE_VERSION, services.config.PUBLIC_URL),
  );
  services.routes.add('core', '/api/v1/plugins', { method: 'get', path: '/plugins', summary: 'Plugins with boot status, timing and errors', capability: 'core:plugins-view' }, () => ({
    plugins: plugins.report(),
  }));
  services.routes.add('core', '/admin/plugins', { method: 'get', path: '/admin/plugins', summary: 'Plugin page', capability: 'core:plugins-view', kind: 'page' }, ({ t, locale }) => ({
    view: 'core/admin-plugins',
    title: t('admin.plugins'),
    data: {
      // A plugin says what it does in its lang files (`plugin.description`); plugin.json's English
      // description is shown only to English readers when a plugin has none.
      plugins: plugins.report().map((p) => {
        const key = `${p.id}:plugin.description`;
        return { ...p, description: services.translator.exists(locale, key) ? t(key) : locale === 'en' ? p.description : '', statusLabel: t(`admin.pluginStatus.${p.status}`), bootMs: (p.timings.registerMs ?? 0) + (p.timings.startMs ?? 0) };
      }),
    },
  }));
}

/** Bull Board at /admin/queues, for admins only. */
export function mountAdminTools(app: express.Express, services: KernelServices, _plugins: PluginRegistry, helpers: AppHelpers): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/admin/queues');
  // Bull Board is a page of its own (its React UI, not our layout): its title names Bina and its
  // user menu links back. Its UI has no Indonesian; our words are in the install's language.
  const locale = services.config.BINA_DEFAULT_LOCALE;
  const back = services.translator.t(locale, 'nav.backToBina');
  createBullBoard({
    queues: services.queues.allQueues().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: `Bina · ${services.translator.t(locale, 'nav.queues')}`, miscLinks: [{ text: back, url: '/' }], hideDocsLink: true } },
  });
  const backLink = withBackLink(back);
  // Bull Board's own UI sends no CSRF token, so its writes are checked for same-origin instead:
  // a browser always sends Sec-Fetch-Site (and Origin on writes) and no other site can fake them.
  const sameOrigin: express.RequestHandler = (req, _res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    const ownOrigins = new Set([new URL(services.config.PUBLIC_URL).origin, `${req.protocol}://${req.headers.host}`]);
    if ((site && site !== 'same-origin') || (origin && !ownOrigins.has(origin))) return next(Errors.csrf('Cross-site request refused'));
    next();
  };
  app.use('/admin/queues', helpers.requireCapability('core:queues-view'), sameOrigin, (_req, res, next) => {
    // Bull Board's UI needs inline styles and scripts; relax CSP for its pages only.
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'");
    next();
  }, backLink, serverAdapter.getRouter());
}

/**
 * A visible way back to Bina on Bull Board's page: its one HTML page (rendered from its own view)
 * gets a link placed before the React root, which React never touches. Its CSP allows inline styles.
 */
function withBackLink(text: string): express.RequestHandler {
  const escaped = text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const link = `<a href="/" data-testid="back-to-bina" style="position:fixed;left:1rem;bottom:2.75rem;z-index:1000;padding:.35rem .75rem;border-radius:.375rem;background:#0b4f6c;color:#fff;font:600 14px/1.4 system-ui,sans-serif;text-decoration:none">&larr; ${escaped}</a>`;
  return (_req, res, next) => {
    const render = res.render.bind(res);
    res.render = ((view: string, options?: object) =>
      render(view, options ?? {}, (err: Error, html: string) => {
        if (err) return next(err);
        res.type('html').send(html.replace(/<body([^>]*)>/, `<body$1>${link}`));
      })) as typeof res.render;
    next();
  };
}
