/**
 * A unit head's scope, for every report about people (JP compliance, the competency heat map):
 * the units a user oversees for a capability and the people in them. An admin (the capability held
 * everywhere) oversees every unit; a unit head the units they head and every unit below
 * (`unitHeadOf`, ADR 0034), never another; anyone else nothing. A module grants its report
 * capability to unit heads with `authz.grantInScopedRole('unit-head', cap)` and then asks here.
 */
import { Types } from 'mongoose';
import type { Authz } from './authz';
import type { IdentityModels, UserDoc } from './identity-models';
import type { SessionUser } from './session-user';
import { UnitTree } from './unit-tree';

export type ScopedPerson = Pick<UserDoc, '_id' | 'name' | 'nip' | 'kind' | 'unitId' | 'supervisorId' | 'positionName' | 'timeZone' | 'frontTitle' | 'backTitle'>;

export class UnitScope {
  constructor(private authz: Authz, private models: Pick<IdentityModels, 'Unit' | 'User'>) {}

  tree(): Promise<UnitTree> {
    return UnitTree.load(this.models.Unit);
  }

  /** The units the user oversees for `capability`: `all` (held everywhere) or a set, empty when none. */
  async units(user: SessionUser, capability: string, tree?: UnitTree): Promise<'all' | Set<string>> {
    if (this.authz.can(user, capability)) return 'all';
    if (!this.authz.canSomewhere(user, capability)) return new Set();
    return (tree ?? (await this.tree())).subtree(user.unitHeadOf ?? []);
  }

  /**
   * The units a report covers: the user's scope, narrowed to one unit and the units below it when
   * `unitId` is given (a unit outside the scope gives an empty set, never a wider one).
   */
  async reportUnits(user: SessionUser, capability: string, unitId?: string, tree?: UnitTree): Promise<'all' | Set<string>> {
    const t = tree ?? (await this.tree());
    const scope = await this.units(user, capability, t);
    if (!unitId) return scope;
    const below = t.subtree([unitId]);
    return new Set([...below].filter((id) => scope === 'all' || scope.has(id)));
  }

  /** Active people in these units (`all`: every active person with a unit or not). */
  async people(units: 'all' | Set<string>): Promise<ScopedPerson[]> {
    if (units !== 'all' && units.size === 0) return [];
    const filter = units === 'all' ? { active: true } : { active: true, unitId: { $in: [...units].map((id) => new Types.ObjectId(id)) } };
    return this.models.User.find(filter, { name: 1, nip: 1, kind: 1, unitId: 1, supervisorId: 1, positionName: 1, timeZone: 1, frontTitle: 1, backTitle: 1 }).sort({ name: 1 }).lean();
  }
}
