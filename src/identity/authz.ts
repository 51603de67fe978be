/**
 * Capabilities as data (Moodle's access.php, Backstage's permissions): the core and each plugin
 * declare capabilities with default roles; every route names the one it needs. Admins hold all.
 */
import { Errors } from '../kernel/errors';
import type { CapabilityDecl } from '../kernel/plugins/manifest';
import type { SessionUser } from './session-user';

export class Authz {
  private caps = new Map<string, CapabilityDecl & { owner: string }>();

  declare(owner: string, decl: CapabilityDecl): void {
    if (this.caps.has(decl.name)) throw Errors.pluginClash(`Capability ${decl.name} is declared twice`);
    this.caps.set(decl.name, { ...decl, owner });
  }

  removeOwner(owner: string): void {
    for (const [k, v] of this.caps) if (v.owner === owner) this.caps.delete(k);
  }

  has(name: string): boolean {
    return this.caps.has(name);
  }

  list(): Array<CapabilityDecl & { owner: string }> {
    return [...this.caps.values()];
  }

  can(user: SessionUser | undefined, capability: string): boolean {
    if (!user) return false;
    const decl = this.caps.get(capability);
    // An undeclared capability is a programming error; deny rather than guess.
    if (!decl) return false;
    if (user.roles.includes('admin')) return true;
    return decl.roles.some((r) => user.roles.includes(r));
  }

  /** Throws 401 for anonymous users, 403 for users without the capability. */
  require(user: SessionUser | undefined, capability: string): asserts user is SessionUser {
    if (!user) throw Errors.unauthenticated('Authentication required');
    if (!this.can(user, capability)) {
      throw Errors.forbidden(`Missing capability ${capability}`, { details: { capability } });
    }
  }
}
