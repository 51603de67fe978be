/**
 * Managing people after they exist: search (paged), edit their fields, move them between units,
 * set roles and unit-head grants, deactivate and reactivate, reset a password to a temporary one,
 * and a person's own password and preferences. Nobody is ever deleted: a person may hold
 * certificates and results, so deactivation is the end of the road (they cannot log in and their
 * sessions end). Every change is audited with the fields before and after.
 *
 * Who may do it is decided by the caller (routes and pages, through `authz.requireIn`); this
 * module keeps the data rules: the merged record passes `userRules`, units and supervisors exist,
 * nobody supervises themselves.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { Role } from '../kernel/plugins/manifest';
import type { IdentityModels, UserDoc } from './identity-models';
import type { PasswordHasher } from './password';
import type { SessionIndex } from './session-index';
import { userPatchSchema, userRules, type UserPatch, type UserRecordFields } from './user-fields';
import { escapeRegex } from './escape-regex';

const PATCH_FIELDS = ['email', 'name', 'frontTitle', 'backTitle', 'golongan', 'positionName', 'positionType', 'functionalLevel', 'unitId', 'supervisorId', 'phone', 'locale', 'timeZone'] as const;

export interface UserSearch {
  q?: string | undefined;
  unitIds?: string[] | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
  page: number;
  pageSize: number;
}

/** A validation error in the shape of parseInput's, each detail with its i18n key when it has one. */
export function fieldErrors(issues: Array<{ path: PropertyKey[]; message: string; params?: Record<string, unknown> }>) {
  return Errors.validation('Invalid user', {
    details: issues.map((i) => ({ in: 'body', path: i.path.map(String).join('.'), message: i.message, ...(typeof i.params?.i18n === 'string' ? { i18n: i.params.i18n, args: i.params.args } : {}) })),
  });
}

/** A refusal that keeps the agency an admin (409), its reason on `field` in the reader's language. */
function adminKept(field: 'roles' | 'active', reason: 'ownAdmin' | 'lastAdmin', message: string) {
  return Errors.conflict(message, { details: [{ path: field, message: reason, i18n: `people.err.${reason}` }] });
}

export class UserAdmin {
  constructor(
    private models: IdentityModels,
    private hasher: PasswordHasher,
    private audit: AuditLog,
    private clock: Clock,
    private sessions: SessionIndex,
  ) {}

  async get(userId: string): Promise<UserDoc> {
    const u = Types.ObjectId.isValid(userId) ? await this.models.User.findById(userId).lean() : null;
    if (!u) throw Errors.notFound('User not found');
    return u;
  }

  async search(s: UserSearch): Promise<{ users: UserDoc[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (s.role) filter.roles = s.role;
    if (s.active !== undefined) filter.active = s.active;
    if (s.unitIds) filter.unitId = { $in: s.unitIds.map((id) => new Types.ObjectId(id)) };
    const q = s.q?.trim();
    if (q) {
      const digits = q.replace(/\s+/g, '');
      filter.$or = [
        { username: { $regex: `^${escapeRegex(digits.toLowerCase())}` } },
        { name: { $regex: escapeRegex(q), $options: 'i' } },
        { email: { $regex: escapeRegex(q.toLowerCase()) } },
      ];
    }
    const [users, total] = await Promise.all([
      this.models.User.find(filter).sort({ name: 1, _id: 1 }).skip((s.page - 1) * s.pageSize).limit(s.pageSize).lean(),
      this.models.User.countDocuments(filter),
    ]);
    return { users, total };
  }

  /** Applies a change to a person's fields; the merged record must pass the same rules as a new one. */
  async update(userId: string, input: unknown, actorId: string): Promise<UserDoc> {
    const parsed = userPatchSchema.safeParse(input);
    if (!parsed.success) throw fieldErrors(parsed.error.issues);
    const patch: UserPatch = parsed.data;
    const before = await this.get(userId);
    const merged = { ...before, ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v === '' ? undefined : v])) } as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const fields: UserRecordFields = { nip: before.nip, email: text(merged.email), golongan: text(merged.golongan), positionType: text(merged.positionType), functionalLevel: text(merged.functionalLevel) };
    const rules = z.any().superRefine((_, ctx) => userRules(fields, ctx)).safeParse(fields);
    if (!rules.success) throw fieldErrors(rules.error.issues);
    if (patch.unitId && !(await this.models.Unit.exists({ _id: patch.unitId }))) throw fieldErrors([{ path: ['unitId'], message: 'no such unit', params: { i18n: 'people.err.unit' } }]);
    if (patch.supervisorId) {
      if (patch.supervisorId === userId) throw fieldErrors([{ path: ['supervisorId'], message: 'nobody is their own supervisor', params: { i18n: 'people.err.supervisorSelf' } }]);
      if (!(await this.models.User.exists({ _id: patch.supervisorId }))) throw fieldErrors([{ path: ['supervisorId'], message: 'no such person', params: { i18n: 'people.err.supervisor' } }]);
    }
    const $set: Record<string, unknown> = { updatedAt: this.clock.now() };
    const $unset: Record<string, 1> = {};
    const changed: Record<string, { before: unknown; after: unknown }> = {};
    for (const f of PATCH_FIELDS) {
      if (!(f in patch)) continue;
      const v = patch[f];
      const next = f === 'email' && typeof v === 'string' ? v.toLowerCase() : v;
      const prev = before[f as keyof UserDoc];
      if (String(prev ?? '') === String(next ?? '')) continue;
      changed[f] = { before: prev === undefined ? null : String(prev), after: next === '' || next === undefined ? null : next };
      if (next === '' || next === undefined) $unset[f] = 1;
      else $set[f] = next;
    }
    if (!Object.keys(changed).length) return before;
    // A staff member's username is their e-mail: it follows the e-mail.
    if (changed.email && !before.nip) {
      if (!$set.email) throw fieldErrors([{ path: ['email'], message: 'staff need an e-mail', params: { i18n: 'people.err.nipOrEmail' } }]);
      $set.username = $set.email;
    }
    try {
      const after = await this.models.User.findOneAndUpdate({ _id: userId }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) }, { new: true }).lean();
      if (!after) throw Errors.notFound('User not found');
      await this.audit.record('core', {
        action: changed.unitId ? 'audit.user.moved' : 'audit.user.updated', actorId, subject: { type: 'user', id: userId },
        before: Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, v.before])), after: Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, v.after])),
      });
      return after;
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw Errors.conflict('Another user has this e-mail', { details: [{ path: 'email', message: 'taken', i18n: 'people.err.emailTaken' }] });
      throw e;
    }
  }

  /** Active admins other than `userId` (the agency must keep one). */
  private otherActiveAdmins(userId: string): Promise<number> {
    return this.models.User.countDocuments({ roles: 'admin', active: true, _id: { $ne: new Types.ObjectId(userId) } });
  }

  /**
   * Roles and unit-head grants (audited as a role change). The agency keeps an admin: nobody takes
   * away their own admin role (another admin does, so one wrong click cannot lock anyone out),
   * and the last active admin keeps theirs; both are a 409 naming the reason on `roles`.
   */
  async setRoles(userId: string, roles: Role[], unitHeadOf: string[], actorId: string): Promise<UserDoc> {
    const before = await this.get(userId);
    const losesAdmin = before.roles.includes('admin') && !roles.includes('admin');
    if (losesAdmin && userId === actorId) throw adminKept('roles', 'ownAdmin', 'You cannot remove your own admin role');
    if (losesAdmin && before.active && (await this.otherActiveAdmins(userId)) === 0) throw adminKept('roles', 'lastAdmin', 'The last active admin keeps the admin role');
    const units = [...new Set(unitHeadOf)];
    const heads = (before.unitHeadOf ?? []).map(String);
    if (units.length && (await this.models.Unit.countDocuments({ _id: { $in: units } })) !== units.length) {
      throw fieldErrors([{ path: ['unitHeadOf'], message: 'no such unit', params: { i18n: 'people.err.unit' } }]);
    }
    const after = await this.models.User.findOneAndUpdate(
      { _id: userId },
      { $set: { roles: [...new Set(roles)], updatedAt: this.clock.now(), ...(units.length ? { unitHeadOf: units.map((u) => new Types.ObjectId(u)) } : {}) }, ...(units.length ? {} : { $unset: { unitHeadOf: 1 } }) },
      { new: true },
    ).lean();
    // Two admins who took each other's role at the same moment both passed the check above (no
    // transactions): whoever finds no active admin left puts the role back and is refused.
    if (losesAdmin && before.active && (await this.otherActiveAdmins(userId)) === 0) {
      await this.models.User.updateOne({ _id: userId }, { $addToSet: { roles: 'admin' } });
      throw adminKept('roles', 'lastAdmin', 'The last active admin keeps the admin role');
    }
    await this.audit.record('core', {
      action: 'audit.role.changed', actorId, subject: { type: 'user', id: userId },
      // Unit-head grants appear in the record only when there were or are some.
      before: { roles: before.roles, ...(heads.length || units.length ? { unitHeadOf: heads } : {}) }, after: { roles: after!.roles, ...(heads.length || units.length ? { unitHeadOf: units } : {}) },
    });
    return after!;
  }

  /** Deactivated people cannot log in, and every session they have ends now. */
  async setActive(userId: string, active: boolean, actorId: string): Promise<UserDoc> {
    if (!active && userId === actorId) throw Errors.conflict('You cannot deactivate yourself', { details: [{ path: 'active', message: 'self', i18n: 'people.err.deactivateSelf' }] });
    if (!active && (await this.get(userId)).roles.includes('admin') && (await this.otherActiveAdmins(userId)) === 0) throw adminKept('active', 'lastAdmin', 'The last active admin cannot be deactivated');
    const after = await this.models.User.findOneAndUpdate(
      { _id: userId, active: !active },
      active ? { $set: { active: true, updatedAt: this.clock.now() }, $unset: { deactivatedAt: 1 } } : { $set: { active: false, deactivatedAt: this.clock.now(), updatedAt: this.clock.now() } },
      { new: true },
    ).lean();
    if (!after) return this.get(userId); // already so: nothing to do (a retried request)
    if (!active) await this.sessions.endAll(userId);
    await this.audit.record('core', { action: active ? 'audit.user.reactivated' : 'audit.user.deactivated', actorId, subject: { type: 'user', id: userId }, before: { active: !active }, after: { active } });
    return after;
  }

  /** An admin sets a temporary password; the person must change it at the next login. Their sessions end. */
  async resetPassword(userId: string, temporary: string, actorId: string): Promise<void> {
    await this.get(userId);
    await this.models.User.updateOne({ _id: userId }, { $set: { passwordHash: await this.hasher.hash(temporary), mustChangePassword: true, updatedAt: this.clock.now() } });
    await this.sessions.endAll(userId);
    await this.audit.record('core', { action: 'audit.user.password-reset', actorId, subject: { type: 'user', id: userId }, after: { mustChangePassword: true } });
  }

  /**
   * A person changes their own password (knowing the current one). Their other sessions end; the
   * one they use stays signed in.
   */
  async changeOwnPassword(userId: string, current: string, next: string, currentSid: string | undefined): Promise<void> {
    const u = await this.get(userId);
    if (!(await this.hasher.verify(u.passwordHash, current))) throw fieldErrors([{ path: ['current'], message: 'the current password is wrong', params: { i18n: 'profile.err.current' } }]);
    if (current === next) throw fieldErrors([{ path: ['password'], message: 'choose a new password', params: { i18n: 'profile.err.same' } }]);
    await this.models.User.updateOne({ _id: userId }, { $set: { passwordHash: await this.hasher.hash(next), updatedAt: this.clock.now() }, $unset: { mustChangePassword: 1 } });
    await this.sessions.endAll(userId, currentSid);
    await this.audit.record('core', { action: 'audit.user.password-changed', actorId: userId, subject: { type: 'user', id: userId } });
  }

  async setPreferences(userId: string, prefs: { locale?: 'id' | 'en' | undefined; timeZone?: string | undefined }): Promise<UserDoc> {
    const $set: Record<string, unknown> = { updatedAt: this.clock.now() };
    if (prefs.locale) $set.locale = prefs.locale;
    if (prefs.timeZone) $set.timeZone = prefs.timeZone;
    const after = await this.models.User.findOneAndUpdate({ _id: userId }, { $set }, { new: true }).lean();
    if (!after) throw Errors.notFound('User not found');
    return after;
  }
}
