/**
 * Reports about one activity ("Analisis butir soal" on a quiz or an exam), contributed by report
 * plugins through `ctx.reports`, so that an activity's page links to the reports that exist
 * without naming them: a report plugin that is switched off leaves no link behind (ADR 0071).
 * An activity's template lists them with `{{#each (activityReports "<activity type>" refId)}}`.
 */
import type Handlebars from 'handlebars';
import type { SessionUser } from '../identity/session-user';
import type { Locale, Translator } from './i18n';
import type { TypedRegistry } from '../kernel/plugins/typed-registry';

export interface ActivityReport {
  /** Unique among reports; the link's `data-testid` is `activity-report-<id>`. */
  id: string;
  /** i18n key of the link's label, in the report plugin's namespace, e.g. `report-item-analysis:activityLink`. */
  labelKey: string;
  /** Who sees the link (the report's pages check it again). */
  capability: string;
  /** The report's page about one activity, or null for an activity type it does not report on. */
  href(activityType: string, refId: string): string | null;
}

export interface ActivityReportLink {
  id: string;
  href: string;
  label: string;
}

export interface ActivityReportDeps {
  registry: TypedRegistry<ActivityReport>;
  translator: Translator;
  /** Whether the plugin that contributed a report is running. */
  isActive(owner: string): boolean;
  can(user: SessionUser, capability: string): boolean;
}

/** The links to the reports about one activity that this user may see, in the order of their ids. */
export function activityReportLinks(deps: ActivityReportDeps, user: SessionUser | undefined, locale: Locale, activityType: string, refId: string): ActivityReportLink[] {
  if (!user) return [];
  const links: ActivityReportLink[] = [];
  for (const { owner, item } of deps.registry.entries()) {
    if (!deps.isActive(owner) || !deps.can(user, item.capability)) continue;
    const href = item.href(activityType, refId);
    if (href) links.push({ id: item.id, href, label: deps.translator.t(locale, item.labelKey) });
  }
  return links.sort((a, b) => a.id.localeCompare(b.id));
}

/** The `activityReports` template helper: `(activityReports "activity-quiz" quiz.id)`, for the page's user and language. */
export function activityReportsHelper(deps: ActivityReportDeps): Handlebars.HelperDelegate {
  return (activityType: unknown, refId: unknown, options: Handlebars.HelperOptions) => {
    const root: unknown = options.data?.root;
    const user = isRecord(root) && isSessionUser(root.user) ? root.user : undefined;
    const locale: Locale = isRecord(root) && root.locale === 'en' ? 'en' : 'id';
    return activityReportLinks(deps, user, locale, String(activityType), String(refId));
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isSessionUser(v: unknown): v is SessionUser {
  return isRecord(v) && typeof v.id === 'string' && Array.isArray(v.roles);
}
