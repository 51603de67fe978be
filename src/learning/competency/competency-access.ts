/**
 * Who may see and act on whose competency profile, through scoped checks only (ADR 0034, 0046):
 * - a unit head sees the profiles, the heat map and the plans of the people in their units and
 *   the units below (this module's capabilities granted to the `unit-head` role; the units of a
 *   report come from `UnitScope`, src/identity/unit-scope.ts, shared with the JP reports);
 * - a direct supervisor sees the profiles of their staff, rates them and approves or returns their
 *   plans (a scoped role over one person: the person whose `supervisorId` is the user);
 * - admins hold every capability everywhere; one's own profile needs only `core:self`.
 */
import { Types } from 'mongoose';
import type { Authz, ScopedRole } from '../../identity/authz';
import type { IdentityModels, UserDoc } from '../../identity/identity-models';
import type { SessionUser } from '../../identity/session-user';
import type { CapabilityDecl } from '../../kernel/plugins/manifest';
import { Errors } from '../../kernel/errors';

/** See competency profiles, evidence and plans of people (unit heads: their units; supervisors: their staff). */
export const PEOPLE_VIEW = 'competency:people-view';
/** The gap heat map and reports of units. */
export const UNITS_VIEW = 'competency:units-view';
/** Rate a person's competency as assessor or direct supervisor. */
export const RATE = 'competency:rate';
/** Approve or return a development plan (direct supervisors: their staff's). */
export const PLAN_APPROVE = 'competency:plan-approve';
/** Edit the competency catalogue, teknis competencies, positions and standards; import them. */
export const CATALOGUE_MANAGE = 'competency:catalogue-manage';

export const COMPETENCY_CAPABILITIES: CapabilityDecl[] = [
  { name: PEOPLE_VIEW, type: 'read', roles: [], risks: ['personal'], description: 'See the competency profiles, evidence and plans of people (unit heads: of their units; supervisors: of their staff)' },
  { name: UNITS_VIEW, type: 'read', roles: [], risks: ['personal'], description: 'See and export the competency gap heat map of units (unit heads: their units)' },
  { name: RATE, type: 'write', roles: [], risks: ['personal'], description: 'Record a competency rating as assessor or direct supervisor' },
  { name: PLAN_APPROVE, type: 'write', roles: [], risks: ['personal'], description: 'Approve or return development plans (direct supervisors: of their staff)' },
  { name: CATALOGUE_MANAGE, type: 'write', roles: [], risks: ['config'], description: 'Edit competencies, the teknis catalogue, positions and their standards; import them from CSV' },
];

/** The direct supervisor of a person, as a role held over that person. */
export function directSupervisorRole(models: IdentityModels): ScopedRole {
  return {
    name: 'direct-supervisor',
    scopeType: 'person',
    capabilities: [PEOPLE_VIEW, RATE, PLAN_APPROVE],
    // Anyone may be someone's supervisor; the scoped check decides per person.
    heldAnywhere: () => true,
    holdsIn: async (u, scope) => Types.ObjectId.isValid(scope.id) && Boolean(await models.User.exists({ _id: new Types.ObjectId(scope.id), supervisorId: new Types.ObjectId(u.id) })),
  };
}

export function defineCompetencyRoles(authz: Authz, models: IdentityModels): void {
  for (const c of COMPETENCY_CAPABILITIES) authz.declare('core', c);
  authz.grantInScopedRole('unit-head', PEOPLE_VIEW);
  authz.grantInScopedRole('unit-head', UNITS_VIEW);
  authz.defineScopedRole(directSupervisorRole(models));
}

/** Whether the user holds `cap` over this person: as their supervisor, as head of their unit, or everywhere. */
export async function canForPerson(authz: Authz, user: SessionUser, cap: string, person: Pick<UserDoc, '_id' | 'unitId'>): Promise<boolean> {
  if (await authz.canIn(user, cap, { type: 'person', id: String(person._id) })) return true;
  return person.unitId ? authz.canIn(user, cap, { type: 'unit', id: String(person.unitId) }) : false;
}

export async function requireForPerson(authz: Authz, user: SessionUser, cap: string, person: Pick<UserDoc, '_id' | 'unitId'>): Promise<void> {
  if (!(await canForPerson(authz, user, cap, person))) throw Errors.forbidden(`Missing capability ${cap} for this person`, { details: { capability: cap } });
}
