/**
 * Wires the JP ledger into the kernel: claims, the unit heads' and supervisors' rights, strings,
 * pages, API routes, navigation and the yearly reminders. Wiring only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelServices } from '../../host/kernel-services';
import type { IdentityModels } from '../../identity/identity-models';
import { UnitScope } from '../../identity/unit-scope';
import type { LearningService } from '../learning-service';
import { DECIDE, JpClaims } from './jp-claims';
import { registerJpApiRoutes } from './jp-api-routes';
import { registerJpPages } from './jp-pages';
import { JpParts, REPORT } from './jp-parts';
import { defineJpReminders } from './jp-reminders';

export function registerJp(services: KernelServices, learning: LearningService, identity: Pick<IdentityModels, 'User' | 'Unit'>): JpParts {
  for (const locale of ['id', 'en'] as const) {
    services.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  services.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  // Unit heads see the JP of their units; a direct supervisor decides their staff's claims.
  services.authz.grantInScopedRole('unit-head', REPORT);
  services.authz.grantInScopedRole('supervisor', DECIDE);
  const parts = new JpParts(services, learning.jp, new JpClaims(services, learning.jp), new UnitScope(services.authz, identity), identity);
  registerJpPages(parts);
  registerJpApiRoutes(parts);
  defineJpReminders(parts);
  services.registries.navItems.add('core', { id: 'core.jp-report', href: '/jp/report', labelKey: 'jp.report.nav', icon: 'bar-chart', capability: REPORT, order: 12, menu: 'manage' });
  return parts;
}
