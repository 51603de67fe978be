/**
 * Capabilities as data (Moodle's access.php, Backstage's permissions): the core and each plugin
 * declare capabilities with default roles; every route names the one it needs. Admins hold all.
 *
 * Some capabilities can also be held in a scope, through a scoped role (a unit head holds
 * `core:users-manage` over the units they head and the units below, ADR 0034). A route whose
 * capability may be held that way says `scoped: true`: the route check then lets in anyone who
 * holds it somewhere (`requireSomewhere`), and the handler decides for the object at hand with
 * `requireIn(user, capability, scope)`. Handlers never hand-check scopes themselves.
 */
import { Errors } from '../kernel/errors';
import type { CapabilityDecl } from '../kernel/plugins/manifest';
import type { SessionUser } from './session-user';

/** The object a scoped check is about. */
export interface AuthzScope {
  /** A unit and the units below it, or one person (e.g. their direct supervisor's scope). */
  type: 'unit' | 'person';
  id: string;
}

/** A role granted in a scope, with the capabilities it carries there. */
export interface ScopedRole {
  name: string;
  scopeType: AuthzScope['type'];
  capabilities: string[];
  /** Whether the user holds the role anywhere (cheap: from the session user). */
  heldAnywhere(user: SessionUser): boolean;
  /** Whether the user holds the role in this scope. */
  holdsIn(user: SessionUser, scope: AuthzScope): Promise<boolean>;
}

export class Authz {
  private caps = new Map<string, CapabilityDecl & { owner: string }>();
  private scopedRoles: ScopedRole[] = [];

  private pendingGrants = new Map<string, string[]>();

  defineScopedRole(role: ScopedRole): void {
    for (const c of role.capabilities) if (!this.caps.has(c)) throw Errors.pluginClash(`Scoped role ${role.name} names undeclared capability ${c}`);
    this.scopedRoles.push(role);
    for (const c of this.pendingGrants.get(role.name) ?? []) this.grantInScopedRole(role.name, c);
    this.pendingGrants.delete(role.name);
  }

  /**
   * Adds a capability to a scoped role, so a module that owns the capability decides who holds it
   * in a scope (the JP report for unit heads) without the role's module knowing it. Works before
   * or after the role is defined.
   */
  grantInScopedRole(roleName: string, capability: string): void {
    if (!this.caps.has(capability)) throw Errors.pluginClash(`Scoped role ${roleName} is granted undeclared capability ${capability}`);
    const role = this.scopedRoles.find((r) => r.name === roleName);
    if (!role) this.pendingGrants.set(roleName, [...(this.pendingGrants.get(roleName) ?? []), capability]);
    else if (!role.capabilities.includes(capability)) role.capabilities = [...role.capabilities, capability];
  }

  /** The scoped roles through which the user may hold `capability` somewhere. */
  scopedRolesFor(user: SessionUser, capability: string): ScopedRole[] {
    return this.scopedRoles.filter((r) => r.capabilities.includes(capability) && r.heldAnywhere(user));
  }

  /** Holds the capability everywhere, or somewhere through a scoped role. */
  canSomewhere(user: SessionUser | undefined, capability: string): boolean {
    if (!user) return false;
    return this.can(user, capability) || this.scopedRolesFor(user, capability).length > 0;
  }

  /** Holds the capability in this scope: everywhere, or through a scoped role granted over it. */
  async canIn(user: SessionUser | undefined, capability: string, scope: AuthzScope): Promise<boolean> {
    if (!user) return false;
    if (this.can(user, capability)) return true;
    for (const r of this.scopedRolesFor(user, capability)) if (r.scopeType === scope.type && (await r.holdsIn(user, scope))) return true;
    return false;
  }

  async requireIn(user: SessionUser | undefined, capability: string, scope: AuthzScope): Promise<void> {
    if (!user) throw Errors.unauthenticated('Authentication required');
    if (!(await this.canIn(user, capability, scope))) throw Errors.forbidden(`Missing capability ${capability} in this ${scope.type}`, { details: { capability, scope: scope.type } });
  }

  requireSomewhere(user: SessionUser | undefined, capability: string): asserts user is SessionUser {
    if (!user) throw Errors.unauthenticated('Authentication required');
    if (!this.canSomewhere(user, capability)) throw Errors.forbidden(`Missing capability ${capability}`, { details: { capability } });
  }

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

  /**
   * Whether `actor` holds everywhere every capability that these roles grant (admins hold all).
   * Someone who manages people in a scope may act only on those who hold no more than they do:
   * resetting the password of someone who holds more would hand the manager those powers.
   */
  holdsEverythingOf(actor: SessionUser, roles: readonly string[]): boolean {
    if (actor.roles.includes('admin')) return true;
    if (roles.includes('admin')) return false;
    for (const decl of this.caps.values()) {
      if (decl.roles.some((r) => roles.includes(r)) && !decl.roles.some((r) => actor.roles.includes(r))) return false;
    }
    return true;
  }

  /** Throws 401 for anonymous users, 403 for users without the capability. */
  require(user: SessionUser | undefined, capability: string): asserts user is SessionUser {
    if (!user) throw Errors.unauthenticated('Authentication required');
    if (!this.can(user, capability)) {
      throw Errors.forbidden(`Missing capability ${capability}`, { details: { capability } });
    }
  }
}
