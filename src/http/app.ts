/**
 * The express application: security headers, request ids and logging, sessions in Redis,
 * passport (local login, bearer tokens), CSRF for cookie-authenticated writes, locale, static
 * assets served by the app itself (no CDN: agencies run closed intranets), and the routes of the
 * route table, each checked for its capability and validated before its handler runs.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import session from 'express-session';
import RedisStore from 'connect-redis';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { csrfSync } from 'csrf-sync';
import type { Redis } from 'ioredis';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { PluginRegistry } from '../host/plugins/plugin-registry';
import type { IdentityService } from '../identity/identity-service';
import { toSessionUser } from '../identity/identity-service';
import type { SessionUser } from '../identity/session-user';
import type { Authz } from '../identity/authz';
import { pickLocale, type Locale } from '../views/i18n';
import { errorHandler } from './error-handler';
import { parseInput } from './validate';
import type { PageResult, RouteEntry } from './route-table';
import { renderNav } from '../views/nav';
import { PublicRateLimit } from './public-rate-limit';
import { guardLateWrites } from './late-writes';
import { readMultipart, type UploadedFile } from './multipart-body';

import { REPO_ROOT } from '../kernel/core-version';

declare module 'express-serve-static-core' {
  interface Request {
    locale: Locale;
  }
}

export interface AppDeps {
  services: KernelServices;
  plugins: PluginRegistry;
  identity: IdentityService;
  sessionRedis: Redis;
  /** Extra middleware mounted before the route table (Bull Board, health…). */
  mount?: (app: express.Express, helpers: AppHelpers) => void;
}

export interface AppHelpers {
  renderPage(req: Request, res: Response, page: PageResult): Promise<void>;
  requireCapability(cap: string): express.RequestHandler;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createApp({ services, plugins, identity, sessionRedis, mount }: AppDeps): express.Express {
  const authz: Authz = services.authz;
  const publicLimit = new PublicRateLimit(sessionRedis, services.config.BINA_QUEUE_PREFIX, services.log);
  const app = express();
  app.disable('x-powered-by');
  if (services.config.BINA_TRUST_PROXY) app.set('trust proxy', 1);
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: services.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/assets/') || req.url === '/health' },
      quietReqLogger: true,
    }),
  );
  app.use(guardLateWrites(services.log));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: services.config.BINA_COOKIE_SECURE ? [] : null,
        },
      },
      hsts: services.config.BINA_COOKIE_SECURE,
    }),
  );

  // Static assets, served by the app (no CDN).
  const nm = join(REPO_ROOT, 'node_modules');
  const cache = { maxAge: services.config.NODE_ENV === 'production' ? '7d' : 0 };
  // Pages link them with a version (src/http/asset-urls.ts), so a changed file is fetched at once despite the cache.
  const { assets } = services;
  assets.add('/assets/vendor/bootstrap', join(nm, 'bootstrap', 'dist'));
  assets.add('/assets/vendor/bootstrap-icons', join(nm, 'bootstrap-icons', 'font'));
  assets.add('/assets/vendor/chart.js', join(nm, 'chart.js', 'dist'));
  assets.add('/assets/core', join(REPO_ROOT, 'templates', 'assets'));
  for (const rec of plugins.records) assets.add(`/assets/${rec.id}`, join(rec.dir, 'public'));
  for (const [prefix, dir] of assets.entries()) app.use(prefix, express.static(dir, cache));

  // Bodies are parsed per route (see below), so a route that takes whole files can accept more
  // than the 1 MB every other route allows.

  app.use(
    session({
      name: 'bina.sid',
      secret: services.config.SESSION_SECRET,
      store: new RedisStore({ client: sessionRedis, prefix: `${services.config.BINA_QUEUE_PREFIX}:sess:` }),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: services.config.BINA_COOKIE_SECURE, maxAge: 8 * 3600 * 1000 },
    }),
  );

  // One authenticator per app, not passport's process-wide singleton: a second app in the same
  // process (tests, a CLI) would otherwise swap strategies and stack serializers of a stopped kernel.
  const passport = new Passport();
  passport.use(
    'local',
    new LocalStrategy({ usernameField: 'username', passwordField: 'password' }, (username, password, done) => {
      identity.authenticate(username, password).then((u) => done(null, u ? toSessionUser(u, 'session') : false), done);
    }),
  );
  passport.use(
    'bearer',
    new BearerStrategy((token, done) => {
      identity.userForToken(token).then((u) => done(null, u ?? false), done);
    }),
  );
  passport.serializeUser((u, done) => done(null, (u as SessionUser).id));
  passport.deserializeUser((id: string, done) => {
    identity.findSessionUser(id, 'session').then((u) => done(null, u ?? false), done);
  });
  app.use(passport.initialize());
  app.use(passport.session());
  // A bearer token authenticates the request on its own; a bad one is a 401, not anonymous.
  app.use((req, res, next) => {
    if (!/^Bearer\s/i.test(req.headers.authorization ?? '')) return next();
    passport.authenticate('bearer', { session: false }, (err: unknown, user: SessionUser | false) => {
      if (err) return next(err);
      if (!user) return next(Errors.unauthenticated('Invalid or expired API token'));
      req.user = user;
      next();
    })(req, res, next);
  });

  app.use((req, res, next) => {
    const q = typeof req.query.lang === 'string' ? pickLocale(req.query.lang) : undefined;
    if (q) res.cookie('bina_lang', q, { httpOnly: false, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    const user = req.user as SessionUser | undefined;
    req.locale = q ?? pickLocale(req.headers.cookie?.match(/(?:^|;\s*)bina_lang=(\w+)/)?.[1], user?.locale) ?? services.config.BINA_DEFAULT_LOCALE;
    next();
  });

  const csrf = csrfSync({
    getTokenFromRequest: (req) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf,
  });

  // Handlers (e.g. the JSON login) hand the token to scripts; pages put it in a meta tag.
  app.use((req, _res, next) => {
    req.csrfToken = (overwrite?: boolean) => csrf.generateToken(req, overwrite);
    next();
  });

  const renderPage = async (req: Request, res: Response, page: PageResult): Promise<void> => {
    const user = req.user as SessionUser | undefined;
    const nav = await renderNav(services.registries.navItems, {
      user,
      locale: req.locale ?? services.config.BINA_DEFAULT_LOCALE,
      path: req.path,
      translator: services.translator,
      isActive: (owner) => owner === 'core' || plugins.isActive(owner),
      can: (u, cap) => authz.canSomewhere(u, cap),
      log: services.log,
    });
    if (res.headersSent) return;
    const data = {
      ...page.data,
      title: page.title,
      user,
      isAdmin: user?.roles.includes('admin'),
      isTrainer: user?.roles.includes('trainer') || user?.roles.includes('admin'),
      locale: req.locale,
      otherLocale: req.locale === 'id' ? 'en' : 'id',
      langSwitchHref: langSwitchHref(req, req.locale === 'id' ? 'en' : 'id'),
      timeZone: user?.timeZone ?? services.config.BINA_DEFAULT_TIMEZONE,
      csrfToken: req.session ? csrf.generateToken(req) : '',
      path: req.path,
      nav: nav.filter((item) => !item.menu),
      navManage: nav.filter((item) => item.menu === 'manage'),
      navManageActive: nav.some((item) => item.menu === 'manage' && item.active),
      showManageMenu: Boolean(user?.roles.includes('admin')) || nav.some((item) => item.menu === 'manage'),
      navHasBadge: nav.some((item) => Boolean(item.badge)),
    };
    const body = services.views.render(page.view, data);
    // `view` names the page template on <body data-bina-view>: the page sweep records which
    // templates it has seen rendered (test/support/page-sweep.ts, docs/pages.md).
    res.status(page.status ?? 200).type('html').send(services.views.render('layouts/main', { ...data, body, view: page.view }));
  };

  const requireCapability = (cap: string): express.RequestHandler => (req, _res, next) => {
    try {
      authz.require(req.user as SessionUser | undefined, cap);
      next();
    } catch (e) {
      next(e);
    }
  };

  mount?.(app, { renderPage, requireCapability });

  const parsers = new Map<string, express.RequestHandler[]>();
  const bodyParsers = (limit: string) => {
    if (!parsers.has(limit)) parsers.set(limit, [express.json({ limit }), express.urlencoded({ extended: false, limit })]);
    return parsers.get(limit)!;
  };
  for (const entry of services.routes.entries) app[entry.spec.method](entry.fullPath, ...bodyParsers(entry.spec.bodyLimit ?? '1mb'), routeHandler(entry));

  function routeHandler(entry: RouteEntry) {
    const { spec, handler, owner } = entry;
    const isPage = spec.kind === 'page';
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (owner !== 'core' && !plugins.isActive(owner)) throw Errors.notFound('Not found');
        const user = req.user as SessionUser | undefined;
        if (!spec.public) {
          if (spec.scoped) authz.requireSomewhere(user, spec.capability!);
          else authz.require(user, spec.capability!);
        } else if (spec.rateLimit !== false) {
          // Public routes only (ADR 0024): an exam room behind one NAT address must never be limited.
          await publicLimit.hit(`${owner}:${spec.method}:${spec.path}`, req.ip ?? req.socket.remoteAddress ?? '', spec.rateLimit ?? services.config.BINA_PUBLIC_RATE_LIMIT, res);
        }
        if (user?.mustChangePassword && user.via === 'session' && !spec.passwordChangeExempt) {
          if (isPage) return void res.redirect(303, '/profile/password');
          throw Errors.passwordChangeRequired('Change your password first (PUT /api/v1/auth/password)');
        }
        let files: Record<string, UploadedFile> = {};
        if (spec.multipart && UNSAFE.has(req.method)) {
          const form = await readMultipart(req, spec.multipart.limit);
          if (Object.keys(form.fields).length || Object.keys(form.files).length) req.body = form.fields;
          files = form.files;
        }
        if (UNSAFE.has(req.method) && req.session && !spec.csrfExempt && user?.via !== 'token' && !csrf.isRequestValid(req)) {
          throw Errors.csrf('Invalid or missing CSRF token');
        }
        const params = parseInput(spec.params, req.params, 'params');
        // `lang` is the language switch every page accepts (read above); no route's schema sees it.
        const { lang: _lang, ...routeQuery } = req.query;
        const query = parseInput(spec.query, routeQuery, 'query');
        const body = parseInput(spec.body, spec.rawBody ? req.body : (req.body ?? {}), 'body');
        const locale = req.locale;
        const result = await handler({ body, query, params, files, user, req, res, locale, t: (key, args) => services.translator.t(locale, key, args) });
        if (res.headersSent) return;
        if (isPage) {
          if (result) await renderPage(req, res, result as PageResult);
          else res.status(204).end();
        } else {
          res.status(spec.status ?? 200).json(result ?? {});
        }
      } catch (e) {
        next(e);
      }
    };
  }

  app.use('/api', (_req, _res, next) => next(Errors.notFound('No such API route')));
  app.use((req, _res, next) => next(Errors.notFound(`No page at ${req.path}`)));
  app.use(
    errorHandler(services.log, services.translator, (req, res, status, message) =>
      renderPage(req, res, { view: 'core/error', title: services.translator.t(req.locale ?? 'id', 'errors.title'), status, data: { status, message } }),
    ),
  );
  return app;
}

/**
 * The language switch's target: this page with `lang` set and its other query parameters kept
 * (`?type=essay`). A page answering a form (POST) has no address of its own to reload, so the
 * switch leads back to the page the form was on (the Referer, when it is on this site), or home.
 */
export function langSwitchHref(req: Request, locale: Locale): string {
  let target = req.originalUrl;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const referer = req.get('referer');
    let back = '/';
    try {
      const r = referer ? new URL(referer) : undefined;
      if (r && r.host === req.get('host')) back = r.pathname + r.search;
    } catch {
      /* not a URL: home */
    }
    target = back;
  }
  const u = new URL(target, 'http://bina.invalid');
  u.searchParams.set('lang', locale);
  return u.pathname + u.search;
}
