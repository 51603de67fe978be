/**
 * Users, units and API tokens: creation with validation, lookup for login, and the conversion to
 * the `SessionUser` that handlers see. Role changes are audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { Errors } from '../kernel/errors';
import type { AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import { ROLES, type Role } from '../kernel/plugins/manifest';
import { type PasswordHasher } from './password';
import { employmentOf, newUserSchema, type NewUser } from './user-fields';
import { nameWithTitles } from './asn-lists';
import type { ApiTokenDoc, IdentityModels, UserDoc } from './identity-models';
import type { SessionUser } from './session-user';

export { objectId, newUserSchema, type NewUser } from './user-fields';

export const TOKEN_PREFIX = 'bina_';

/**
 * How long a process may keep a looked-up token or user while the auth epoch is unchanged (ADR
 * 0067): a backstop only, for a change no hook saw; every change through the models is seen within
 * AUTH_EPOCH_CHECK_MS by every process.
 */
export const AUTH_CACHE_MS = 5 * 60_000;
/** `lastUsedAt` is bookkeeping shown in the token list: written at most this often per token. */
export const LAST_USED_EVERY_MS = 5 * 60_000;

interface TokenEntry { id: string; userId: string; expiresAt?: number; epoch: string; checkedAt: number; usedAt: number }
interface UserEntry { user: SessionUser | undefined; epoch: string; checkedAt: number }

export class IdentityService {
  private tokenCache = new Map<string, TokenEntry>();
  private userCache = new Map<string, UserEntry>();

  constructor(
    readonly models: IdentityModels,
    private hasher: PasswordHasher,
    private audit: AuditLog,
    private clock: Clock,
    /** A new person's zone when none is given: the site's (BINA_DEFAULT_TIMEZONE), which anonymous pages use too. */
    private defaultTimeZone = 'Asia/Jakarta',
  ) {
    // A change stored by this process: forget at once (other processes follow within a second).
    models.authEpoch.onBump(() => {
      this.tokenCache.clear();
      this.userCache.clear();
    });
  }

  async createUser(input: NewUser, actorId?: string): Promise<UserDoc> {
    const parsed = newUserSchema.safeParse(input);
    if (!parsed.success) throw Errors.validation('Invalid user', { details: parsed.error.issues });
    const u = parsed.data;
    const nip = u.nip?.replace(/\s+/g, '') || undefined;
    const kind = employmentOf(nip);
    const email = u.email || undefined;
    const username = (nip ?? email!).toLowerCase();
    if (u.unitId && !(await this.models.Unit.exists({ _id: u.unitId }))) {
      throw Errors.validation('Unknown unit', { details: [{ path: ['unitId'], message: 'no such unit', i18n: 'people.err.unit' }] });
    }
    if (u.supervisorId && !(await this.models.User.exists({ _id: u.supervisorId }))) {
      throw Errors.validation('Unknown supervisor', { details: [{ path: ['supervisorId'], message: 'no such person', i18n: 'people.err.supervisor' }] });
    }
    const optional = Object.fromEntries(
      (['frontTitle', 'backTitle', 'golongan', 'positionName', 'positionType', 'functionalLevel', 'phone', 'supervisorId'] as const).filter((f) => u[f]).map((f) => [f, u[f]]),
    );
    try {
      const doc = await this.models.User.create({
        username,
        kind,
        nip,
        email: email?.toLowerCase(),
        name: u.name,
        ...optional,
        roles: [...new Set(u.roles)],
        unitId: u.unitId || undefined,
        passwordHash: await this.hasher.hash(u.password),
        locale: u.locale ?? 'id',
        timeZone: u.timeZone ?? this.defaultTimeZone,
        active: true,
        createdAt: this.clock.now(),
      });
      await this.audit.record('core', {
        action: 'audit.user.created',
        actorId,
        subject: { type: 'user', id: String(doc._id) },
        after: { username, roles: doc.roles },
      });
      return doc.toObject();
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw Errors.conflict(`User ${username} already exists`, { details: { username } });
      throw e;
    }
  }

  async setRoles(userId: string, roles: Role[], actorId: string): Promise<UserDoc> {
    const before = await this.models.User.findById(userId).lean();
    if (!before) throw Errors.notFound('User not found');
    const after = await this.models.User.findOneAndUpdate({ _id: userId }, { $set: { roles: [...new Set(roles)] } }, { new: true }).lean();
    await this.audit.record('core', {
      action: 'audit.role.changed',
      actorId,
      subject: { type: 'user', id: userId },
      before: { roles: before.roles },
      after: { roles: after!.roles },
    });
    return after!;
  }

  async authenticate(username: string, password: string): Promise<UserDoc | undefined> {
    const user = await this.models.User.findOne({ username: username.trim().toLowerCase(), active: true }).lean();
    const ok = await this.hasher.verify(user?.passwordHash, password);
    return ok ? user! : undefined;
  }

  /**
   * The user behind a session or a token, if active. Kept per process while the auth epoch is
   * unchanged (ADR 0067): a deactivation, a role or any other change of the user bumps the epoch,
   * which this process sees at once if it made the change and otherwise within
   * AUTH_EPOCH_CHECK_MS; until then one read per request was most of an autosave's database work.
   */
  async findSessionUser(id: string, via: SessionUser['via']): Promise<SessionUser | undefined> {
    if (!Types.ObjectId.isValid(id)) return undefined;
    // The epoch before the read: a change stored after it makes this entry stale next time.
    const epoch = await this.models.authEpoch.current();
    const now = Date.now();
    let entry = this.userCache.get(id);
    if (!entry || entry.epoch !== epoch || entry.checkedAt + AUTH_CACHE_MS < now) {
      // By `_id` alone (the one filter every MongoDB-protocol server serves from an index, ADR 0017).
      const u = await this.models.User.findById(id).lean();
      entry = { user: u?.active ? toSessionUser(u, via) : undefined, epoch, checkedAt: now };
      if (this.userCache.size > 50_000) this.userCache.clear();
      this.userCache.set(id, entry);
    }
    // A copy: a handler that changes its user object changes no other request's.
    const cached = entry.user;
    return cached ? { ...cached, roles: [...cached.roles], ...(cached.unitHeadOf ? { unitHeadOf: [...cached.unitHeadOf] } : {}), via } : undefined;
  }

  async createToken(userId: string, name: string, expiresAt?: Date): Promise<{ token: string; id: string }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const hash = hashToken(token);
    const doc = await this.models.ApiToken.create({
      // Keyed by its hash, so that `userForToken` finds it by `_id` alone (see tokenDocId).
      _id: tokenDocId(hash),
      userId,
      name,
      hash,
      hint: token.slice(0, TOKEN_PREFIX.length + 4),
      createdAt: this.clock.now(),
      expiresAt,
    });
    return { token, id: String(doc._id) };
  }

  /**
   * Token → user. The token row and the user are kept per process while the auth epoch is
   * unchanged (ADR 0067), so an API client's request (an autosave every few seconds) costs no
   * database read: a revocation, a deactivation or any change of the user bumps the epoch, and is
   * refused at once by the process that stored it and within AUTH_EPOCH_CHECK_MS (1 s) by every
   * other. `lastUsedAt` is written at most every LAST_USED_EVERY_MS, off the request's path. The
   * row is read by `_id` alone (`findTokenRow`); revocation and expiry are checked here in code.
   */
  async userForToken(token: string): Promise<SessionUser | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
    const hash = hashToken(token);
    const epoch = await this.models.authEpoch.current();
    const now = this.clock.now();
    const wall = Date.now();
    let entry = this.tokenCache.get(hash);
    if (!entry || entry.epoch !== epoch || entry.checkedAt + AUTH_CACHE_MS < wall) {
      const t = await this.findTokenRow(hash);
      if (!t || t.revokedAt) {
        this.tokenCache.delete(hash);
        return undefined;
      }
      // usedAt 0: this process records the first use it sees, then at most every LAST_USED_EVERY_MS.
      entry = { id: String(t._id), userId: String(t.userId), expiresAt: t.expiresAt?.getTime(), epoch, checkedAt: wall, usedAt: 0 };
      if (this.tokenCache.size > 50_000) this.tokenCache.clear();
      this.tokenCache.set(hash, entry);
    }
    if (entry.expiresAt !== undefined && entry.expiresAt < now.getTime()) return undefined;
    if (entry.usedAt + LAST_USED_EVERY_MS < now.getTime()) {
      entry.usedAt = now.getTime();
      // Bookkeeping only, not awaited: a busy database must neither slow nor fail the request over
      // it. In its own document, never the token's row: a racing revocation must not be undone.
      void this.models.TokenUse.updateOne({ _id: entry.id }, { $set: { at: now, userId: entry.userId } }, { upsert: true }).catch(() => undefined);
    }
    return this.findSessionUser(entry.userId, 'token');
  }

  /**
   * The row whose hash is `hash`, revoked or not. Tokens created since ADR 0021's follow-up have
   * `_id = tokenDocId(hash)`: one `{_id}` read, the only filter FerretDB 1.x/SQLite does not answer
   * by decoding the whole collection (ADR 0017). Older tokens have a random `_id`; for them, and
   * for unknown tokens, a miss falls back to the `{hash}` query (the unique hash index on MongoDB,
   * a whole-collection read on FerretDB). The stored hash is compared in code: the `_id` keeps
   * only 96 bits of a hash of it.
   */
  private async findTokenRow(hash: string): Promise<ApiTokenDoc | undefined> {
    const keyed = await this.models.ApiToken.findById(tokenDocId(hash)).lean();
    if (keyed?.hash === hash) return keyed;
    return (await this.models.ApiToken.findOne({ hash }).lean()) ?? undefined;
  }

  /** When each of these tokens was last used (rows from before ADR 0067 kept it on the token). */
  async withLastUsed<T extends Pick<ApiTokenDoc, '_id' | 'lastUsedAt'>>(tokens: T[]): Promise<Array<T & { lastUsedAt?: Date }>> {
    if (!tokens.length) return tokens;
    const uses = await this.models.TokenUse.find({ _id: { $in: tokens.map((t) => t._id) } }).lean();
    const at = new Map(uses.map((u) => [String(u._id), u.at]));
    return tokens.map((t) => {
      const used = at.get(String(t._id));
      const last = used && (!t.lastUsedAt || used > t.lastUsedAt) ? used : t.lastUsedAt;
      return last ? { ...t, lastUsedAt: last } : t;
    });
  }

  async revokeToken(userId: string, tokenId: string): Promise<boolean> {
    const r = await this.models.ApiToken.updateOne(
      { _id: tokenId, userId, revokedAt: { $exists: false } },
      { $set: { revokedAt: this.clock.now() } },
    );
    // The update's hook bumped the auth epoch: this process has forgotten the token, the others follow.
    return r.modifiedCount === 1;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The `_id` of the token row with this stored hash: the first 12 bytes of SHA-256 of
 * `api-token:<hash>`. Derived from the stored hash (not the token), so it can be recomputed from a
 * row; hashed again, so the id (shown in token lists and URLs) reveals nothing of the stored hash.
 */
export function tokenDocId(hash: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`api-token:${hash}`).digest().subarray(0, 12));
}

export function toSessionUser(u: UserDoc, via: SessionUser['via']): SessionUser {
  return {
    id: String(u._id),
    username: u.username,
    name: u.name,
    roles: u.roles,
    unitId: u.unitId ? String(u.unitId) : undefined,
    locale: u.locale,
    timeZone: u.timeZone,
    via,
    ...(u.unitHeadOf?.length ? { unitHeadOf: u.unitHeadOf.map(String) } : {}),
    ...(u.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

export function publicUser(u: UserDoc) {
  return {
    id: String(u._id),
    username: u.username,
    kind: u.kind,
    nip: u.nip,
    email: u.email,
    name: u.name,
    frontTitle: u.frontTitle,
    backTitle: u.backTitle,
    displayName: nameWithTitles(u),
    golongan: u.golongan,
    positionName: u.positionName,
    positionType: u.positionType,
    functionalLevel: u.functionalLevel,
    supervisorId: u.supervisorId ? String(u.supervisorId) : undefined,
    phone: u.phone,
    roles: u.roles,
    unitId: u.unitId ? String(u.unitId) : undefined,
    unitHeadOf: (u.unitHeadOf ?? []).map(String),
    timeZone: u.timeZone,
    locale: u.locale,
    active: u.active,
    mustChangePassword: Boolean(u.mustChangePassword),
  };
}
