/**
 * The direct supervisor (atasan langsung) as a scoped role over one person: whoever is named as a
 * person's `supervisorId` holds the role's capabilities for that person (deciding their JP claims,
 * approving their development plan). Held "somewhere" by anyone, since anyone may supervise; the
 * check that matters is `authz.requireIn(user, cap, { type: 'person', id })`, which reads the
 * person's current supervisor, so a change of supervisor moves the right at once.
 */
import type { IdentityModels } from './identity-models';
import type { ScopedRole } from './authz';

export function supervisorRole(models: Pick<IdentityModels, 'User'>, capabilities: string[] = []): ScopedRole {
  return {
    name: 'supervisor',
    scopeType: 'person',
    capabilities,
    heldAnywhere: () => true,
    holdsIn: async (u, scope) => {
      const person = await models.User.findById(scope.id, { supervisorId: 1 }).lean().catch(() => null);
      return Boolean(person?.supervisorId) && String(person!.supervisorId) === u.id;
    },
  };
}
