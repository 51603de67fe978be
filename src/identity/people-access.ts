/**
 * Who may manage whom, in one place for the API and the pages: admins everywhere, unit heads in
 * the units they head and below (the `unit-head` scoped role, ADR 0034). Every check goes through
 * `authz.requireIn` with the unit as the scope; the only thing decided here is which unit a person
 * is "in" (their unit; someone without a unit is in no unit head's scope).
 */
import { BinaError, Errors } from '../kernel/errors';
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

  /**
   * Throws 403 unless the user may act on this person: the person is in the user's units and,
   * for managing (fields, password, deactivation), holds no more than the user does. A unit head
   * who could set an admin's password, or that of someone heading units outside their own, could
   * take over those powers (found by a page review: a unit head was offered the admin's password).
   */
  async requirePerson(user: SessionUser, cap: string, person: Pick<UserDoc, 'unitId' | 'roles' | 'unitHeadOf'>): Promise<void> {
    await this.requireUnit(user, cap, person.unitId ? String(person.unitId) : undefined);
    if (cap === MANAGE && !(await this.outranksOrEquals(user, person))) {
      throw Errors.forbidden('Only an admin may manage someone who holds roles or units you do not', { details: { capability: cap, reason: 'outranked' } });
    }
  }

  /** Whether the user may manage this person's account (see requirePerson); admins always may. */
  async mayManage(user: SessionUser, person: Pick<UserDoc, 'unitId' | 'roles' | 'unitHeadOf'>): Promise<boolean> {
    // Only a refusal means "no": a database error still fails the page rather than hiding the forms.
    return this.requirePerson(user, MANAGE, person).then(
      () => true,
      (e: unknown) => {
        if (e instanceof BinaError && e.code === Errors.forbidden.code) return false;
        throw e;
      },
    );
  }

  private async outranksOrEquals(user: SessionUser, person: Pick<UserDoc, 'roles' | 'unitHeadOf'>): Promise<boolean> {
    if (this.everywhere(user, MANAGE)) return true;
    if (!this.authz.holdsEverythingOf(user, person.roles ?? [])) return false;
    const headed = (person.unitHeadOf ?? []).map(String);
    if (!headed.length) return true;
    const mine = (await UnitTree.load(this.models.Unit)).subtree(user.unitHeadOf ?? []);
    return headed.every((u) => mine.has(u));
  }
}
