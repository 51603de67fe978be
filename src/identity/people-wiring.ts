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

export function createSessionIndex(k: KernelServices): SessionIndex {
  return new SessionIndex(k.queues.connection, k.config.BINA_QUEUE_PREFIX);
}

export function registerPeople(k: KernelServices, identity: IdentityService, sessions: SessionIndex): void {
  for (const locale of ['id', 'en'] as const) {
    k.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  k.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  const admin = new UserAdmin(identity.models, new PasswordHasher(k.config.BINA_PASSWORD_HASH_MEMORY_KIB), k.audit, k.clock, sessions);
  const access = new PeopleAccess(k.authz, identity.models);
  const imports = new PeopleImport(identity.models, k.audit, k.clock);
  k.authz.defineScopedRole(unitHeadRole(identity.models));
  k.authz.defineScopedRole(supervisorRole(identity.models));
  registerPeopleRoutes(k, identity, admin, access, imports);
  registerProfileRoutes(k, admin, sessions);
  registerPeopleImportPages(k, imports);
  registerPeoplePages(k, identity, admin, access);
  registerUnitPages(k, identity);
  registerProfilePages(k, identity, admin, sessions);
  // One link for people; the unit tree, import and export are reached from the people page (a full navbar wraps badly).
  k.registries.navItems.add('core', { id: 'core.users', href: '/admin/users', labelKey: 'people.nav', icon: 'people', capability: 'core:users-view', order: 10, menu: 'manage' });
}
