/**
 * The composition root (ADR 0039): the one module that knows every part of the core. It builds a
 * Bina kernel: config → logger → database and Redis → core services → plugins
 * (discover, register, start) → web app and/or workers. `main.ts`, the CLI and the tests all
 * build kernels here, so every entry point loads the same plugins in the same order.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Config } from '../config';
import { createLogger, type Logger } from '../kernel/logger';
import { systemClock, type Clock } from '../kernel/clock';
import { connectDatabase, pingDatabase } from '../kernel/db';
import { QueueSystem } from '../kernel/queues';
import { EventBus, HookRegistry } from '../kernel/events';
import { AuditLog } from '../kernel/audit';
import { Realtime } from '../kernel/realtime';
import { createStorage, verifyStorage } from '../storage/create-storage';
import { BACKUP_JOB, BackupRuns, backupJobPayload } from '../backup/backup-runs';
import { backupSource } from './plugin-backups';
import { registerBackupPage } from '../http/backup-page';
import { TypedRegistry } from '../kernel/plugins/typed-registry';
import { discoverPlugins, PluginRegistry } from './plugins/plugin-registry';
import type { KernelServices } from './kernel-services';
import { RouteTable } from '../http/route-table';
import { createApp } from '../http/app';
import { CORE_VERSION, REPO_ROOT } from '../kernel/core-version';
import Handlebars from 'handlebars';
import { AssetUrls } from '../http/asset-urls';
import { ViewEngine } from '../views/view-engine';
import { activityReportsHelper } from '../views/activity-reports';
import { Translator } from '../views/i18n';
import { Authz } from '../identity/authz';
import { CORE_CAPABILITIES } from '../identity/core-capabilities';
import { defineIdentityModels } from '../identity/identity-models';
import { IdentityService } from '../identity/identity-service';
import { PasswordHasher } from '../identity/password';
import { registerIdentityRoutes } from '../identity/identity-routes';
import { createSessionIndex, registerPeople } from '../identity/people-wiring';
import { loadAttemptViews } from '../learning/attempts/attempt-views';
import { TotpService } from '../identity/totp';
import { LearningService } from '../learning/learning-service';
import { registerLearningRoutes } from '../learning/learning-routes';
import { registerCourseAdminRoutes } from '../learning/course-admin-routes';
import { registerCompetency } from '../learning/competency/competency-wiring';
import { registerJp } from '../learning/jp-ledger/jp-wiring';
import { registerUnitDashboard } from '../learning/unit-dashboard/unit-dashboard-pages';
import { JP_REMINDER_JOB } from '../learning/jp-ledger/jp-reminders';
import { COMPLETION_RECOVERY_JOB, defineCompletionRecovery } from '../learning/completion-recovery';
import type { JpParts } from '../learning/jp-ledger/jp-parts';
import { QuestionBank } from '../learning/question-bank';
import { registerQuestionBankRoutes } from '../learning/question-bank-routes';
import { registerQuestionBankPages } from '../learning/question-bank-pages';
import { IMPORT_JOB, importJobPayload, QuestionImport } from '../learning/interchange/question-import';
import { registerCoreRoutes, mountAdminTools } from '../http/core-routes';
import { registerAuditRoutes } from '../http/audit-routes';
import { CORE_STORES, PersonData, type DeclaredStore } from '../privacy/person-data';
import { registerPrivacyRoutes } from '../privacy/privacy-routes';

export type KernelRole = 'web' | 'worker' | 'all' | 'cli';

export interface KernelOptions {
  config: Config;
  role: KernelRole;
  /** Only these plugins (tests build small kernels). */
  only?: string[];
  clock?: Clock;
  logger?: Logger;
  /** Worker processes may serve only some queues. */
  queueFilter?: (name: string) => boolean;
}

export class Kernel {
  /** The core's infrastructure (config, database, queues, events, views, registries, …) that modules and `ctx` are built on. */
  readonly services: KernelServices;
  readonly plugins: PluginRegistry;
  readonly identity: IdentityService;
  readonly learning: LearningService;
  /** The JP ledger's claims, reports and reminders (the CLI's `bina jp report`, tests). */
  readonly jp: JpParts;
  server?: Server;
  private stopping?: Promise<void>;

  private constructor(services: KernelServices, plugins: PluginRegistry, identity: IdentityService, learning: LearningService, jp: JpParts, private opts: KernelOptions) {
    this.services = services;
    this.jp = jp;
    this.plugins = plugins;
    this.identity = identity;
    this.learning = learning;
  }

  static async create(opts: KernelOptions): Promise<Kernel> {
    const { config } = opts;
    const log = opts.logger ?? createLogger(config.LOG_LEVEL, { role: opts.role });
    const clock = opts.clock ?? systemClock;
    // Manifests first: a bad one stops us before we touch any service.
    const records = discoverPlugins({
      dirs: [join(REPO_ROOT, 'plugins'), ...config.BINA_EXTRA_PLUGIN_DIRS],
      disabled: config.BINA_DISABLED_PLUGINS,
      coreVersion: CORE_VERSION,
      only: opts.only,
    });
    const storage = await createStorage(config);
    await verifyStorage(storage, config);
    const conn = await connectDatabase(config.MONGODB_URI, config.BINA_DB_POOL_SIZE);
    const translator = new Translator(config.BINA_DEFAULT_LOCALE);
    for (const locale of ['id', 'en'] as const) {
      translator.addBundle('core', locale, JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'views', 'lang', `${locale}.json`), 'utf8')));
      // The exam room's strings (src/learning/attempt-room), shared by every activity built on attempts.
      translator.addBundle('core', locale, JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'learning', 'attempt-room', 'lang', `${locale}.json`), 'utf8')));
    }
    const views = new ViewEngine(translator);
    // Pages link assets by a versioned URL ({{asset "/assets/…"}}); app.ts says which folder each prefix serves.
    const assets = new AssetUrls(config.NODE_ENV === 'production');
    views.helper('core', 'asset', (path: unknown) => {
      // The path escaped as any text; the version (`?v=<hex>`) as it is, so the '=' stays a '='.
      const plain = String(path);
      return new Handlebars.SafeString(Handlebars.escapeExpression(plain) + assets.url(plain).slice(plain.length));
    });
    views.loadDir('core', join(REPO_ROOT, 'templates'));
    views.loadDir('core', join(REPO_ROOT, 'src', 'views', 'pages'), 'core/');
    loadAttemptViews(translator, views);
    const queues = new QueueSystem({
      redisUrl: config.REDIS_URL,
      prefix: config.BINA_QUEUE_PREFIX,
      lockDurationMs: config.BINA_JOB_LOCK_MS,
      stalledIntervalMs: config.BINA_JOB_STALLED_INTERVAL_MS,
      log,
    });
    const services: KernelServices = {
      config,
      log,
      clock,
      conn,
      queues,
      realtime: new Realtime(config.BINA_QUEUE_PREFIX, () => queues.connection, () => queues.createConnection(), log),
      storage,
      events: new EventBus(log),
      hooks: new HookRegistry(),
      audit: new AuditLog(conn, clock),
      routes: new RouteTable(),
      views,
      assets,
      translator,
      authz: new Authz(),
      registries: {
        questionTypes: new TypedRegistry('question type'),
        activityTypes: new TypedRegistry('activity type'),
        importers: new TypedRegistry('importer'),
        exporters: new TypedRegistry('exporter'),
        accessRules: new TypedRegistry('access rule'),
        reports: new TypedRegistry('report'),
        certificateTemplates: new TypedRegistry('certificate template'),
        navItems: new TypedRegistry('navigation link'),
      },
      providers: new TypedRegistry('service'),
      models: new Set(),
    };
    services.models.add(services.audit.model);
    services.models.add(services.audit.head);
    for (const c of CORE_CAPABILITIES) services.authz.declare('core', c);

    const identityModels = defineIdentityModels(conn);
    for (const m of [identityModels.User, identityModels.Unit, identityModels.ApiToken, identityModels.TokenUse]) services.models.add(m);
    const identity = new IdentityService(identityModels, new PasswordHasher(config.BINA_PASSWORD_HASH_MEMORY_KIB), services.audit, clock, config.BINA_DEFAULT_TIMEZONE);
    const learning = new LearningService(services);
    services.providers.add('core', { id: 'learning', impl: learning });
    services.providers.add('core', { id: 'jp-ledger', impl: learning.jp });
    services.providers.add('core', { id: 'identity', impl: identity });
    const totp = new TotpService(conn, services.audit, clock, { required: config.BINA_TOTP_REQUIRED });
    services.models.add(totp.model);
    services.providers.add('core', { id: 'totp', impl: totp });
    defineCompletionRecovery(services, learning);
    const questionBank = new QuestionBank(services, learning);
    services.providers.add('core', { id: 'question-bank', impl: questionBank });
    const questionImport = new QuestionImport(services, learning, questionBank);
    services.queues.define({ name: IMPORT_JOB, owner: 'learning', payload: importJobPayload, attempts: 3, process: ({ importId }, job) => questionImport.runJob(importId, (p) => job.progress(p)) });

    const plugins = new PluginRegistry(records, services);
    services.views.helper('core', 'activityReports', activityReportsHelper({ registry: services.registries.reports, translator: services.translator, isActive: (owner) => plugins.isActive(owner), can: (u, cap) => services.authz.canSomewhere(u, cap) }));
    const backups = new BackupRuns(conn, { config, clock, log, events: services.events, source: () => backupSource(config, plugins.records) });
    services.models.add(backups.Run);
    services.queues.define({ name: BACKUP_JOB, owner: 'backup', payload: backupJobPayload, attempts: 1, process: ({ trigger }, job) => backups.run(trigger, String(job.job.id)) });
    try {
      await plugins.register();
      registerCoreRoutes(services, plugins);
      registerAuditRoutes(services, identity);
      registerBackupPage(services, backups);
      const sessions = createSessionIndex(services);
      registerIdentityRoutes(services, identity, sessions);
      const pluginStores = (): DeclaredStore[] =>
        plugins.active.flatMap((r) => r.manifest.privacy.stores.map((s) => ({ ...s, owner: r.id, purposes: r.manifest.privacy.personalData.map((d) => d.purpose) })));
      const personData = new PersonData(conn, identityModels, services.audit, sessions, clock, () => [...CORE_STORES, ...pluginStores()]);
      services.providers.add('core', { id: 'person-data', impl: personData });
      registerPrivacyRoutes(services, personData);
      registerPeople(services, identity, sessions);
      registerLearningRoutes(services, learning);
      registerCourseAdminRoutes(services, learning);
      const competency = registerCompetency(services, learning, identityModels);
      const jp = registerJp(services, learning, identity.models);
      registerUnitDashboard(services, jp, competency, identity.models);
      registerQuestionBankRoutes(services, learning, questionBank, questionImport);
      registerQuestionBankPages(services, learning, questionBank, questionImport);
      const kernel = new Kernel(services, plugins, identity, learning, jp, opts);
      await kernel.startServices();
      return kernel;
    } catch (e) {
      // A failed boot must not leave connections open (the CLI and tests would hang).
      await services.queues.close().catch(() => undefined);
      await conn.close().catch(() => undefined);
      services.storage.close?.();
      throw e;
    }
  }

  private async startServices(): Promise<void> {
    const { services } = this;
    await Promise.all([...services.models].map((m) => m.createIndexes()));
    await this.plugins.start();
    // Schedules declared in plugin.json (repeatable jobs; upserting is idempotent across processes).
    for (const rec of this.plugins.active) {
      for (const j of rec.manifest.jobs) {
        if (!j.schedule || !services.queues.has(j.name)) continue;
        const { atStart: _atStart, ...repeat } = j.schedule;
        await services.queues.schedule(j.name, `${j.name}-schedule`, repeat);
      }
    }
    // Course completions a crash left half-recorded (JP, the completion event), every 5 minutes.
    await services.queues.schedule(COMPLETION_RECOVERY_JOB, 'completion-recovery', { every: 5 * 60_000 }, {});
    // JP reminders (from October, once a month per person: the inbox keys notices by month).
    await services.queues.schedule(JP_REMINDER_JOB, 'jp-reminders-daily', { pattern: '0 9 * * *', tz: services.config.BINA_DEFAULT_TIMEZONE }, {});
    // The nightly backup, only with a passphrase (never one kept beside the backups).
    if (services.config.BINA_BACKUP_PASSPHRASE) await services.queues.schedule(BACKUP_JOB, 'backup-nightly', { pattern: services.config.BINA_BACKUP_SCHEDULE, tz: services.config.BINA_DEFAULT_TIMEZONE }, { trigger: 'schedule' });
    const t = this.plugins.report();
    services.log.info({ plugins: t.map((p) => `${p.id}:${p.status}:${(p.timings.registerMs ?? 0) + (p.timings.startMs ?? 0)}ms`) }, 'plugins booted');
    if (this.opts.role === 'worker' || this.opts.role === 'all') {
      services.queues.startWorkers(this.opts.queueFilter);
      await this.runRecoveryAtStart();
    }
  }

  /**
   * A worker that starts (after a crash, a power cut, a deploy) first looks for work a lost job left
   * undone: the jobs declared with `schedule.atStart`, and the core's course-completion recovery,
   * run once now besides their schedule. Keyed by the start time, so each start runs them once.
   */
  private async runRecoveryAtStart(): Promise<void> {
    const { services } = this;
    const stamp = `start-${services.clock.now().getTime()}`;
    const names = [COMPLETION_RECOVERY_JOB, ...this.plugins.active.flatMap((r) => r.manifest.jobs.filter((j) => j.schedule?.atStart).map((j) => j.name))];
    for (const name of names) {
      if (services.queues.has(name) && (!this.opts.queueFilter || this.opts.queueFilter(name))) await services.queues.enqueue(name, {}, { key: `${name}-${stamp}` });
    }
  }

  /** The express app (web and all roles). */
  createHttpApp() {
    const sessionRedis = this.services.queues.createConnection({ maxRetriesPerRequest: 3 });
    return createApp({
      services: this.services,
      plugins: this.plugins,
      identity: this.identity,
      sessionRedis,
      mount: (app, helpers) => mountAdminTools(app, this.services, this.plugins, helpers),
    });
  }

  async listen(port: number, host: string): Promise<string> {
    const app = this.createHttpApp();
    this.server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      // A deep accept queue (the kernel caps it at net.core.somaxconn): when an exam's start
      // bell has thousands of browsers connect in the same second while the event loop is busy,
      // Node's default of 511 overflows and the rest are reset instead of waiting their turn.
      this.server!.listen({ port, host, backlog: 4096 }, () => resolve());
    });
    const addr = this.server.address();
    const p = typeof addr === 'object' && addr ? addr.port : port;
    return `http://${host === '0.0.0.0' ? 'localhost' : host}:${p}`;
  }

  async health() {
    const [mongodb, redis] = await Promise.all([pingDatabase(this.services.conn), this.services.queues.ping()]);
    const plugins = this.plugins.report().map((p) => ({ id: p.id, status: p.status, error: p.error?.message }));
    return { status: mongodb && redis ? 'ok' : 'degraded', checks: { mongodb: mongodb ? 'up' : 'down', redis: redis ? 'up' : 'down' }, plugins };
  }

  /** Graceful: stop accepting, let running jobs finish (or return to the queue), close connections. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.server) {
        await new Promise<void>((r) => {
          this.server!.close(() => r());
          this.server!.closeIdleConnections?.();
        });
      }
      await this.plugins.stop();
      await this.services.queues.close();
      await this.services.conn.close();
      this.services.storage.close?.();
    })();
    return this.stopping;
  }
}
