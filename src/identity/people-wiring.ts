/**
 * Wires people and units into the kernel: the session index, the people services, the unit-head
 * scoped role, the identity strings and pages, the API routes, the pages and the admin links.
 * Wiring only; each part lives in its own module.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelServices } from '../host/kernel-services';
import type { IdentityService } from './identity-service';
import { PasswordHasher } from './password';
import { PeopleAccess, unitHeadRole } from './people-access';
import { PeopleImport } from './people-import';
import { supervisorRole } from './supervisor-role';
import { registerPeopleRoutes } from './people-routes';
import { registerProfileRoutes } from './profile-routes';
import { SessionIndex } from './session-index';
import { UserAdmin } from './user-admin';
import { registerPeoplePages } from './pages/people-pages';
import { registerUnitPages } from './pages/unit-pages';
import { registerPeopleImportPages } from './pages/people-import-pages';
import { registerProfilePages } from './pages/profile-pages';

export function createSessionIndex(services: KernelServices): SessionIndex {
  return new SessionIndex(services.queues.connection, services.config.BINA_QUEUE_PREFIX);
}

export function registerPeople(services: KernelServices, identity: IdentityService, sessions: SessionIndex): void {
  for (const locale of ['id', 'en'] as const) {
    services.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  services.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  const admin = new UserAdmin(identity.models, new PasswordHasher(services.config.BINA_PASSWORD_HASH_MEMORY_KIB), services.audit, services.clock, sessions);
  const access = new PeopleAccess(services.authz, identity.models);
  const imports = new PeopleImport(identity.models, services.audit, services.clock);
  services.authz.defineScopedRole(unitHeadRole(identity.models));
  services.authz.defineScopedRole(supervisorRole(identity.models));
  registerPeopleRoutes(services, identity, admin, access, imports);
  registerProfileRoutes(services, admin, sessions);
  registerPeopleImportPages(services, imports);
  registerPeoplePages(services, identity, admin, access);
  registerUnitPages(services, identity);
  registerProfilePages(services, identity, admin, sessions);
  // One link for people; the unit tree, import and export are reached from the people page (a full navbar wraps badly).
  services.registries.navItems.add('core', { id: 'core.users', href: '/admin/users', labelKey: 'people.nav', icon: 'people', capability: 'core:users-view', order: 10, menu: 'manage' });
}
