/**
 * What the assembled kernel holds and hands (through `ctx`) to plugins: src/kernel's infrastructure
 * plus the core modules' services. Plugins never see this object; core modules take it by type only.
 */
import type { Connection, Model } from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../kernel/logger';
import type { Clock } from '../kernel/clock';
import type { QueueSystem } from '../kernel/queues';
import type { EventBus, HookRegistry } from '../kernel/events';
import type { AuditLog } from '../kernel/audit';
import type { Realtime } from '../kernel/realtime';
import type { Storage } from '../storage/storage';
import type { RouteTable } from '../http/route-table';
import type { ViewEngine } from '../views/view-engine';
import type { AssetUrls } from '../http/asset-urls';
import type { Translator } from '../views/i18n';
import type { NavItem } from '../views/nav';
import type { Authz } from '../identity/authz';
import type { ActivityReport } from '../views/activity-reports';
import type { TypedRegistry } from '../kernel/plugins/typed-registry';
import type { QuestionType } from '../learning/question-type';
import type { ActivityType } from '../learning/activity-type';
import type { QuestionExporter, QuestionImporter } from '../learning/interchange/importer';
import type { AccessRule } from '../learning/access-rule';

type AnyItem = { id: string } & Record<string, unknown>;

export interface DomainRegistries {
  questionTypes: TypedRegistry<QuestionType<any, any>>;
  activityTypes: TypedRegistry<ActivityType>;
  importers: TypedRegistry<QuestionImporter>;
  exporters: TypedRegistry<QuestionExporter>;
  accessRules: TypedRegistry<AccessRule>;
  /** Reports about one activity, linked from its page (views/activity-reports.ts). */
  reports: TypedRegistry<ActivityReport>;
  certificateTemplates: TypedRegistry<AnyItem>;
  navItems: TypedRegistry<NavItem>;
}

export interface KernelServices {
  config: Config;
  log: Logger;
  clock: Clock;
  conn: Connection;
  queues: QueueSystem;
  events: EventBus;
  hooks: HookRegistry;
  audit: AuditLog;
  realtime: Realtime;
  /** Uploaded files (local disk or S3-compatible); plugins see it scoped to their id. */
  storage: Storage;
  routes: RouteTable;
  views: ViewEngine;
  /** Versioned URLs of the static assets (`{{asset}}` in templates). */
  assets: AssetUrls;
  translator: Translator;
  authz: Authz;
  registries: DomainRegistries;
  /** What `ctx.provide` registers and `ctx.use` returns: the core's services (learning, identity, …) and plugins' APIs. */
  providers: TypedRegistry<{ id: string; impl: unknown }>;
  /** Every model defined, core and plugins, so start() can build their indexes (and the privacy checks read their schemas). */
  models: Set<KnownModel>;
}

/** What the kernel uses of a model it knows, whatever its document type (so no model is cast to join the set). */
export type KnownModel = Pick<Model<any>, 'createIndexes' | 'collection' | 'schema'>;
