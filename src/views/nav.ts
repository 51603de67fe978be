/**
 * Links a plugin adds to the main navigation bar (the certificate pages, the inbox, …), so the
 * core layout does not hard-code paths that belong to plugins. Each link shows only to users
 * holding its capability and only while its plugin is active; a link may carry a small count
 * (unread notices), computed per page view within a short time budget so a slow count never holds
 * up a page: the page is shown without the badge instead.
 */
import type { SessionUser } from '../identity/session-user';
import type { Locale, Translator } from './i18n';
import type { TypedRegistry } from '../kernel/plugins/typed-registry';
import type { Logger } from '../kernel/logger';

export interface NavItem {
  /** `<plugin-id>` or `<plugin-id>.<name>`. */
  id: string;
  /** A path on this site. */
  href: string;
  /** i18n key of the label, e.g. `notify-inbox:nav`. */
  labelKey: string;
  /** A Bootstrap Icons name shown before the label. */
  icon?: string;
  capability: string;
  /** Lower first; core links come before all plugin links. @default 100 */
  order?: number;
  /**
   * `manage`: a link for running the site (people, audit, certificate administration, …). These go
   * in one "Kelola" menu so that an admin's bar stays one row; a learner's links stay in the bar.
   */
  menu?: 'manage';
  badge?: (user: SessionUser) => Promise<number>;
  /**
   * Narrows who sees the link among those with the capability (a supervisor's link for people who
   * supervise someone). Slow or failing, the link shows: it is never the only way in.
   */
  visible?: (user: SessionUser) => Promise<boolean>;
}

export interface RenderedNavItem {
  id: string;
  href: string;
  label: string;
  icon?: string;
  badge?: string;
  active: boolean;
  menu?: 'manage';
}

const BADGE_BUDGET_MS = 300;

export async function renderNav(
  registry: TypedRegistry<NavItem>,
  opts: { user: SessionUser | undefined; locale: Locale; path: string; translator: Translator; isActive: (owner: string) => boolean; can: (user: SessionUser, cap: string) => boolean; log: Logger },
): Promise<RenderedNavItem[]> {
  const { user } = opts;
  if (!user) return [];
  const items = registry
    .entries()
    .filter((e) => opts.isActive(e.owner) && opts.can(user, e.item.capability))
    .map((e) => e.item)
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.id.localeCompare(b.id));
  const shown = await Promise.all(items.map((item) => (item.visible ? within(() => item.visible!(user), item, opts.log).then((v) => v !== false) : true)));
  return Promise.all(
    items.filter((_, i) => shown[i]).map(async (item) => ({
      id: item.id,
      href: item.href,
      label: opts.translator.t(opts.locale, item.labelKey),
      icon: item.icon,
      badge: item.badge ? formatBadge(await badgeWithin(item, user, opts.log)) : undefined,
      active: opts.path === item.href || opts.path.startsWith(`${item.href}/`),
      ...(item.menu ? { menu: item.menu } : {}),
    })),
  );
}

function badgeWithin(item: NavItem, user: SessionUser, log: Logger): Promise<number | undefined> {
  return within(() => item.badge!(user), item, log);
}

/** `fn`'s answer, or undefined when it fails or takes longer than the budget (the page never waits on a link). */
async function within<T>(fn: () => Promise<T>, item: NavItem, log: Logger): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), BADGE_BUDGET_MS);
  });
  try {
    return await Promise.race([fn(), late]);
  } catch (err) {
    log.warn({ err, nav: item.id }, 'navigation link check failed');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function formatBadge(n: number | undefined): string | undefined {
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  return n > 99 ? '99+' : String(Math.floor(n));
}
