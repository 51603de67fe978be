/**
 * Who may manage whom, in one place for the API and the pages: admins everywhere, unit heads in
 * the units they head and below (the `unit-head` scoped role, ADR 0034). Every check goes through
 * `authz.requireIn` with the unit as the scope; the only thing decided here is which unit a person
 * is "in" (their unit; someone without a unit is in no unit head's scope).
 */
import { Errors } from '../kernel/errors';
import type { Authz, ScopedRole } from './authz';
import type { IdentityModels, UserDoc } from './identity-models';
import type { SessionUser } from './session-user';
import { UnitTree } from './unit-tree';

export const VIEW = 'core:users-view';
export const MANAGE = 'core:users-manage';

/** The unit head: `core:users-view` and `core:users-manage` over their units and the units below. */
export function unitHeadRole(models: IdentityModels): ScopedRole {
  return {
    name: 'unit-head',
    scopeType: 'unit',
    capabilities: [VIEW, MANAGE],
    heldAnywhere: (u) => Boolean(u.unitHeadOf?.length),
    holdsIn: async (u, scope) => (await UnitTree.load(models.Unit)).subtree(u.unitHeadOf ?? []).has(scope.id),
  };
}

export class PeopleAccess {
  constructor(private authz: Authz, private models: IdentityModels) {}

  /** Holds the capability everywhere (an admin), not only in some units. */
  everywhere(user: SessionUser, cap: string): boolean {
    return this.authz.can(user, cap);
  }

  /** The units whose people this user may see or manage; undefined = all. */
  async unitsFor(user: SessionUser, cap: string, tree?: UnitTree): Promise<Set<string> | undefined> {
    if (this.everywhere(user, cap)) return undefined;
    const t = tree ?? (await UnitTree.load(this.models.Unit));
    return t.subtree(user.unitHeadOf ?? []);
  }

  /** Throws 403 unless the user may act on people of this unit (no unit: admins only). */
  async requireUnit(user: SessionUser, cap: string, unitId: string | undefined): Promise<void> {
    if (this.everywhere(user, cap)) return;
    if (!unitId) throw Errors.forbidden(`Missing capability ${cap} for people without a unit`, { details: { capability: cap } });
    await this.authz.requireIn(user, cap, { type: 'unit', id: unitId });
  }

  /** Throws 403 unless the user may act on this person. */
  requirePerson(user: SessionUser, cap: string, person: Pick<UserDoc, 'unitId'>): Promise<void> {
    return this.requireUnit(user, cap, person.unitId ? String(person.unitId) : undefined);
  }
}
