/**
 * `ctx`: the only door between a plugin and the core (ARCHITECTURE.md). Everything a plugin
 * declares during `register` is staged and committed only if `register` succeeds, so a plugin
 * that throws leaves nothing behind (every registration can be undone).
 */
import type { Model, Schema } from 'mongoose';
import type { z } from 'zod';
import type { PluginManifest } from '../../kernel/plugins/manifest';
import type { KernelServices } from '../kernel-services';
import type { RouteHandler, RouteSpec } from '../../http/route-table';
import type { JobContext, EnqueueOptions } from '../../kernel/queues';
import type { Logger } from '../../kernel/logger';
import type { AuditEntry } from '../../kernel/audit';
import type { Clock } from '../../kernel/clock';
import type { SessionUser } from '../../identity/session-user';
import type { TypedRegistry } from '../../kernel/plugins/typed-registry';
import type { QuestionType } from '../../learning/question-type';
import type { ActivityType } from '../../learning/activity-type';
import type { QuestionExporter, QuestionImporter } from '../../learning/interchange/importer';
import type { AccessRule } from '../../learning/access-rule';
import type { Locale } from '../../views/i18n';
import { localize, type LocalizableText } from '../../views/zod-messages';
import type { NavItem } from '../../views/nav';
import type { ActivityReport } from '../../views/activity-reports';
import { Claims, claimSchema, type ClaimDoc } from '../../kernel/claims';
import { Errors } from '../../kernel/errors';
import { scopedStorage, type Storage } from '../../storage/storage';
import type { JpCreditInput, JpCreditResult, JpLedger } from '../../learning/jp-ledger/jp-ledger';
import type { CompetencyService, NewEvidence } from '../../learning/competency/competency-service';
import { CERTIFICATE_ISSUED, CERTIFICATE_REVOKED, certificateEventSchema, certificateRevokedSchema, type CertificateEvent, type CertificateRevoked } from '../../learning/certificate-events';

/** Evidence a plugin may add to a person's competency trail: a proof (certificate or exam result), under an exactly-once key. */
export type PluginEvidence = Omit<NewEvidence, 'by' | 'source' | 'key'> & { source: 'certificate' | 'exam'; key: string };

/** Root-level paths a plugin may claim with `ctx.http.publicRoot`. */
const PUBLIC_ROOT_PATH = /^\/(\.well-known\/[A-Za-z0-9._-]|verify(\/|$))/;

export interface PluginJobSpec<T> {
  payload: z.ZodType<T>;
  process(data: T, ctx: JobContext): Promise<unknown>;
  /** After the last retry failed (or the error was unrecoverable): record the failure for people to see. */
  failed?(data: T, error: Error): Promise<void>;
}

export interface PluginContext {
  readonly id: string;
  readonly manifest: PluginManifest;
  readonly log: Logger;
  readonly settings: Record<string, unknown>;
  /** Public, non-secret site settings. */
  readonly site: { publicUrl: string; defaultLocale: Locale; defaultTimeZone: string; jpMinutes: number };
  readonly clock: Clock;
  readonly http: {
    /** JSON route under `/api/v1/<id>`. */
    route(spec: RouteSpec, handler: RouteHandler): void;
    /** HTML page under `/<id>`. */
    page(spec: Omit<RouteSpec, 'kind'>, handler: RouteHandler): void;
    /**
     * A public route at an absolute path, for documents that standards pin to the site root
     * (`/.well-known/…`, the certificate check at `/verify…`). Only those two prefixes are allowed,
     * so a plugin cannot shadow core or other plugins' paths. @default kind 'page'
     */
    publicRoot(spec: Omit<RouteSpec, 'public' | 'capability'>, handler: RouteHandler): void;
  };
  readonly models: {
    /** A model on collection `<id>_<name>`. Indexes declared on the schema are built at start. */
    define<T>(name: string, schema: Schema<T>): Model<T>;
    /** Exactly-once claims on collection `<id>_claims` (ADR 0018); call it once per plugin. */
    claims(): Claims;
  };
  readonly jobs: {
    /** Defines job `<id>.<name>`; retry settings come from plugin.json's `jobs`. */
    define<T>(name: string, spec: PluginJobSpec<T>): void;
    enqueue<T>(name: string, data: T, opts: EnqueueOptions): Promise<void>;
    cancel(name: string, key: string): Promise<void>;
    /** Enqueues unless a job with this key is waiting, delayed or running; replaces a finished one (recovery sweeps; QueueSystem.requeue). */
    requeue<T>(name: string, data: T, opts: EnqueueOptions): Promise<'queued' | 'exists'>;
    /** A repeating job (idempotent by scheduler id); plugin.json `jobs[].schedule` does this at start. */
    schedule(name: string, schedulerId: string, repeat: { every?: number; pattern?: string }, data?: unknown): Promise<void>;
  };
  readonly views: {
    helper(name: string, fn: (...args: any[]) => unknown): void;
    /** A link in the main navigation bar; its id must be `<id>` or start with `<id>.`. */
    nav(item: NavItem): void;
  };
  readonly i18n: {
    t(locale: Locale, key: string, args?: Record<string, unknown>): string;
    /** A message in `locale`: its key's translation (any namespace, as written), else its English `message` (views/zod-messages). */
    localize(locale: Locale, text: LocalizableText): string;
  };
  readonly events: {
    on<T>(name: string, fn: (payload: T) => unknown): void;
    /** Emits `<id>.<object>.<verb>`; a plugin may only emit its own events. `strict`: throws once all ran if any listener failed (jobs that retry). */
    emit<T>(name: string, payload: T, opts?: { strict?: boolean }): Promise<void>;
  };
  readonly hooks: {
    filter<T>(name: string, fn: (value: T) => T | Promise<T>, priority?: number): void;
    run<T>(name: string, value: T): Promise<T>;
  };
  readonly authz: {
    can(user: SessionUser | undefined, capability: string): boolean;
    require(user: SessionUser | undefined, capability: string): asserts user is SessionUser;
  };
  readonly audit: { record(entry: AuditEntry): Promise<void> };
  /** The plugin's files, under keys `<id>/…` of the site's store (backed up with the data). */
  readonly storage: Storage;
  /** Cross-process live messages (Redis pub/sub) on channels `<id>.<name>`. */
  readonly realtime: {
    publish(channel: string, message: unknown): Promise<void>;
    subscribe(channel: string, fn: (message: unknown) => void): Promise<() => Promise<void>>;
    /** How many pages listen on the channel now, in every web process. */
    subscriberCount(channel: string): Promise<number>;
  };
  /**
   * The JP ledger (docs/plugins.md §JP): `credit` records JP a person earned for a learning, once
   * per person and learning key (ADR 0043). Plugins credit `certificate`, `mentoring` and `event`
   * sources; `course` and `claim` are the core's own.
   */
  readonly jp: { credit(input: JpCreditInput): Promise<JpCreditResult> };
  /**
   * The competency trail (ADR 0045): `recordEvidence` appends a proof of a level, once per key;
   * false when the key was recorded already. An unknown competency is a coded validation error.
   */
  readonly competency: { recordEvidence(input: PluginEvidence): Promise<boolean> };
  /** Certificates' facts as core events (`learning.certificate.issued` / `.revoked`), so their listeners name no plugin. */
  readonly certificates: { issued(event: CertificateEvent): Promise<void>; revoked(event: CertificateRevoked): Promise<void> };
  provide<T>(name: string, impl: T): void;
  /** A service of the core, of this plugin, or of a plugin listed in `requires.plugins` (else BINA_ERR_PLUGIN_MISSING_DEPENDENCY). */
  use<T>(name: string): T;
  readonly questionTypes: RegistryView<QuestionType<any, any>>;
  readonly activityTypes: RegistryView<ActivityType>;
  readonly importers: RegistryView<QuestionImporter>;
  readonly exporters: RegistryView<QuestionExporter>;
  readonly accessRules: RegistryView<AccessRule>;
  /** Reports about one activity that its page links to, e.g. an item analysis of a quiz (ADR 0071). */
  readonly reports: RegistryView<ActivityReport>;
  readonly certificateTemplates: RegistryView<{ id: string } & Record<string, unknown>>;
}

export interface RegistryView<T extends { id: string }> {
  register(item: T): void;
  get(id: string): T | undefined;
  require(id: string): T;
  list(): T[];
}

export interface StagedContext {
  ctx: PluginContext;
  /** Applies what `register` declared; throws on a clash. */
  commit(): void;
  /** Forgets what this plugin registered (used when start fails). */
  undo(): void;
}

export function createPluginContext(
  manifest: PluginManifest,
  settings: Record<string, unknown>,
  services: KernelServices,
): StagedContext {
  const id = manifest.id;
  const staged: Array<() => void> = [];
  let committed = false;
  const stage = (fn: () => void) => (committed ? fn() : staged.push(fn));
  const log = services.log.child({ plugin: id });
  const jobDecl = new Map(manifest.jobs.map((j) => [j.name, j]));

  const registryView = <T extends { id: string }>(reg: TypedRegistry<T>): RegistryView<T> => ({
    register: (item) => stage(() => reg.add(id, item)),
    get: (x) => reg.get(x),
    require: (x) => reg.require(x),
    list: () => reg.list(),
  });

  const fullJobName = (name: string) => (name.includes('.') ? name : `${id}.${name}`);

  const ctx: PluginContext = {
    id,
    manifest,
    log,
    settings,
    site: {
      publicUrl: services.config.PUBLIC_URL,
      defaultLocale: services.config.BINA_DEFAULT_LOCALE,
      defaultTimeZone: services.config.BINA_DEFAULT_TIMEZONE,
      jpMinutes: services.config.BINA_JP_MINUTES,
    },
    clock: services.clock,
    http: {
      route: (spec, handler) => stage(() => services.routes.add(id, `/api/v1/${id}${spec.path === '/' ? '' : spec.path}`, { ...spec, kind: 'api' }, handler)),
      page: (spec, handler) => stage(() => services.routes.add(id, `/${id}${spec.path === '/' ? '' : spec.path}`, { ...spec, kind: 'page' }, handler)),
      publicRoot: (spec, handler) => {
        if (!PUBLIC_ROOT_PATH.test(spec.path)) throw Errors.pluginScope(`Plugin ${id} may only add root paths under /.well-known/ or /verify (got ${spec.path})`);
        stage(() => services.routes.add(id, spec.path, { ...spec, kind: spec.kind ?? 'page', public: true }, handler));
      },
    },
    models: {
      define: <T>(name: string, schema: Schema<T>) => {
        if (!/^[a-z][a-z0-9_]*$/.test(name)) throw Errors.pluginScope(`Model name '${name}' must be lower_snake_case`);
        const coll = `${id}_${name}`;
        const model = services.conn.models[coll] ?? services.conn.model<T>(coll, schema, coll);
        services.models.add(model);
        return model as Model<T>;
      },
      claims: () => new Claims(ctx.models.define<ClaimDoc>('claims', claimSchema), services.clock),
    },
    jobs: {
      define: <T>(name: string, spec: PluginJobSpec<T>) => {
        const full = fullJobName(name);
        const decl = jobDecl.get(full);
        if (!decl) throw Errors.pluginScope(`Job ${full} is not declared in ${id}/plugin.json`);
        stage(() =>
          services.queues.define<T>({
            name: full,
            owner: id,
            payload: spec.payload,
            process: spec.process,
            failed: spec.failed,
            attempts: decl.attempts,
            backoffMs: decl.backoffMs,
            concurrency: decl.concurrency,
          }),
        );
      },
      enqueue: (name, data, opts) => services.queues.enqueue(fullJobName(name), data, opts),
      cancel: (name, key) => services.queues.cancel(fullJobName(name), key),
      requeue: (name, data, opts) => services.queues.requeue(fullJobName(name), data, opts),
      schedule: (name, schedulerId, repeat, data) => services.queues.schedule(fullJobName(name), schedulerId, repeat, data),
    },
    views: {
      helper: (name, fn) => stage(() => services.views.helper(id, `${id.replace(/-/g, '_')}_${name}`, fn)),
      nav: (item) => {
        if (item.id !== id && !item.id.startsWith(`${id}.`)) throw Errors.pluginScope(`Plugin ${id} may only add navigation links named ${id} or ${id}.* (got ${item.id})`);
        if (!item.href.startsWith('/') || item.href.startsWith('//')) throw Errors.pluginScope(`Navigation link ${item.id} must be a path on this site (got ${item.href})`);
        stage(() => services.registries.navItems.add(id, item));
      },
    },
    i18n: {
      t: (locale, key, args) => services.translator.t(locale, key.includes(':') ? key : `${id}:${key}`, args),
      localize: (locale, text) => localize(services.translator, locale, text),
    },
    events: {
      on: (name, fn) => stage(() => void services.events.on(id, name, fn)),
      emit: (name, payload, opts) => {
        if (!name.startsWith(`${id}.`)) throw Errors.pluginScope(`Plugin ${id} may only emit ${id}.* events (got ${name})`);
        return services.events.emit(name, payload, opts);
      },
    },
    hooks: {
      filter: (name, fn, priority) => stage(() => void services.hooks.filter(id, name, fn, priority)),
      run: (name, value) => services.hooks.run(name, value),
    },
    authz: {
      can: (user, cap) => services.authz.can(user, cap),
      require: (user, cap) => services.authz.require(user, cap),
    },
    audit: { record: async (entry) => void (await services.audit.record(id, entry)) },
    storage: scopedStorage(services.storage, id),
    realtime: {
      publish: (channel, msg) => services.realtime.publish(`${id}.${channel}`, msg),
      subscribe: (channel, fn) => services.realtime.subscribe(channel.includes('.') ? channel : `${id}.${channel}`, fn),
      subscriberCount: (channel) => services.realtime.subscriberCount(channel.includes('.') ? channel : `${id}.${channel}`),
    },
    jp: {
      credit: (input) => {
        if (input.source === 'course' || input.source === 'claim') throw Errors.pluginScope(`Plugin ${id} may not credit JP as source '${input.source}' (the core's own)`);
        return (services.providers.get('jp-ledger')!.impl as JpLedger).credit(input, id);
      },
    },
    competency: {
      recordEvidence: (input) => {
        if (input.source !== 'certificate' && input.source !== 'exam') throw Errors.pluginScope(`Plugin ${id} may not record '${String(input.source)}' evidence (ratings are people's, through the core)`);
        return (services.providers.get('competency')!.impl as CompetencyService).recordEvidence(input);
      },
    },
    certificates: {
      issued: (event) => services.events.emit(CERTIFICATE_ISSUED, certificateEventSchema.parse(event)),
      revoked: (event) => services.events.emit(CERTIFICATE_REVOKED, certificateRevokedSchema.parse(event)),
    },
    provide: (name, impl) => stage(() => services.providers.add(id, { id: name, impl })),
    use: <T>(name: string) => {
      const s = services.providers.get(name);
      if (!s) throw Errors.pluginMissingDependency(`Plugin ${id} uses service '${name}', which no active plugin provides`);
      // A plugin's services are for the plugins that declare it (so boot order, disabling and the
      // import-boundary check all know the edge); the core's are for everyone.
      const owner = services.providers.ownerOf(name)!;
      if (owner !== 'core' && owner !== id && !(owner in manifest.requires.plugins)) {
        throw Errors.pluginMissingDependency(`Plugin ${id} uses service '${name}' of plugin ${owner}, which its plugin.json does not list in requires.plugins`, { details: { plugin: id, dependency: owner } });
      }
      return s.impl as T;
    },
    questionTypes: registryView(services.registries.questionTypes),
    activityTypes: registryView(services.registries.activityTypes),
    importers: registryView(services.registries.importers),
    exporters: registryView(services.registries.exporters),
    accessRules: registryView(services.registries.accessRules),
    reports: registryView(services.registries.reports),
    certificateTemplates: registryView(services.registries.certificateTemplates),
  };

  return {
    ctx,
    commit() {
      committed = true;
      for (const fn of staged) fn();
    },
    undo() {
      services.routes.removeOwner(id);
      for (const reg of Object.values(services.registries)) reg.removeOwner(id);
      services.providers.removeOwner(id);
      services.authz.removeOwner(id);
      services.events.removeOwner(id);
      services.hooks.removeOwner(id);
      services.queues.removeOwner(id);
    },
  };
}
