/**
 * Users, units (instansi / unit kerja) and personal API tokens. A user signs in with their NIP
 * (ASN) or e-mail (staff); the username is stored lower-case and unique. Tokens are stored as a
 * SHA-256 hash only: they are 256-bit random, so a slow hash adds nothing (docs/adr/0004).
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { AuthEpoch } from './auth-epoch';
import type { Role } from '../kernel/plugins/manifest';
import type { FunctionalLevel, PositionType } from './asn-lists';

export interface UserDoc {
  _id: Types.ObjectId;
  username: string;
  kind: 'pns' | 'pppk' | 'staff';
  nip?: string;
  email?: string;
  name: string;
  /** Academic titles written before and after the name (gelar depan / belakang). */
  frontTitle?: string;
  backTitle?: string;
  /** Golongan/ruang: `III/a` for a PNS, `IX` for a PPPK (asn-lists.ts). */
  golongan?: string;
  /** Position (jabatan): its name, type and, for a functional position, its level. */
  positionName?: string;
  positionType?: PositionType;
  functionalLevel?: FunctionalLevel;
  /** Direct supervisor (atasan langsung). */
  supervisorId?: Types.ObjectId;
  phone?: string;
  roles: Role[];
  unitId?: Types.ObjectId;
  /** Units this person heads: a scoped role over those units and the units below them (ADR 0034). */
  unitHeadOf?: Types.ObjectId[];
  passwordHash: string;
  /** Set by an admin's password reset: the next login leads to the change-password page only. */
  mustChangePassword?: boolean;
  locale: 'id' | 'en';
  timeZone: string;
  /** Deactivated people cannot log in; they are never deleted (certificates and results stay theirs). */
  active: boolean;
  deactivatedAt?: Date;
  createdAt: Date;
  updatedAt?: Date;
}

export interface UnitDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  /** Instansi (agency) at the top, unit kerja below it. */
  parentId?: Types.ObjectId;
  region?: string;
}

export interface ApiTokenDoc {
  /** `tokenDocId(hash)` for tokens created since ADR 0021's follow-up; random for older ones. */
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  hash: string;
  /** First characters, shown in lists so a user can tell tokens apart. */
  hint: string;
  createdAt: Date;
  lastUsedAt?: Date;
  expiresAt?: Date;
  revokedAt?: Date;
}

/**
 * When a token was last used, apart from the token's row (ADR 0067): on FerretDB 1.x an update
 * rewrites the whole document without a lock, so a `lastUsedAt` write racing a revocation of the
 * same row could put the row back unrevoked. A use is recorded here and never touches the row that
 * says whether the token is valid.
 */
export interface TokenUseDoc {
  /** The token's `_id`. */
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  at: Date;
}

export interface IdentityModels {
  User: Model<UserDoc>;
  Unit: Model<UnitDoc>;
  ApiToken: Model<ApiTokenDoc>;
  TokenUse: Model<TokenUseDoc>;
  /** Changes whenever a user or a token does (the hooks below), so cached lookups know to go (ADR 0067). */
  authEpoch: AuthEpoch;
}

/**
 * Whether a write's result says it changed a row: a count above zero (update, replace, delete), a
 * document (findOneAnd…), not a null (nothing matched). A refused request that matched nothing
 * (someone else's token, an unknown user) leaves every cache as it is.
 */
function changedSomething(res: unknown): boolean {
  if (res === null || res === undefined) return false;
  if (typeof res !== 'object') return true;
  const r = res as { modifiedCount?: number; deletedCount?: number; upsertedCount?: number; value?: unknown; ok?: unknown };
  if ('modifiedCount' in r || 'deletedCount' in r || 'upsertedCount' in r) return (r.modifiedCount ?? 0) + (r.deletedCount ?? 0) + (r.upsertedCount ?? 0) > 0;
  if ('value' in r && 'ok' in r) return r.value !== null && r.value !== undefined;
  return true;
}

const QUERY_WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;

/**
 * Every write through these models bumps the auth epoch once it is stored (mongoose awaits an
 * async post hook before the caller's await returns), whatever code made it: a deactivation, a
 * role change, an import, an erasure, a test's direct update. Writes that bypass mongoose
 * (`conn.collection(...)`) are not seen; nothing in the code changes users or tokens that way.
 */
function bumpOnWrite(schema: Schema, epoch: AuthEpoch, opts: { onSave: boolean }): void {
  for (const op of QUERY_WRITES) {
    schema.post(op, async (res: unknown) => {
      if (changedSomething(res)) await epoch.bump();
    });
  }
  if (!opts.onSave) return;
  // A document saved for the first time is a new row: nothing cached can be about it.
  schema.pre('save', function () {
    this.$locals.wasNew = this.isNew;
  });
  schema.post('save', async function () {
    if (!this.$locals.wasNew) await epoch.bump();
  });
}

export function defineIdentityModels(conn: Connection): IdentityModels {
  const user = new Schema<UserDoc>(
    {
      username: { type: String, required: true, unique: true },
      kind: { type: String, enum: ['pns', 'pppk', 'staff'], required: true },
      nip: { type: String },
      email: { type: String },
      name: { type: String, required: true },
      frontTitle: String,
      backTitle: String,
      golongan: String,
      positionName: String,
      positionType: String,
      functionalLevel: String,
      supervisorId: { type: Schema.Types.ObjectId },
      phone: String,
      roles: { type: [String], default: ['learner'] },
      unitId: { type: Schema.Types.ObjectId },
      unitHeadOf: { type: [Schema.Types.ObjectId], default: undefined },
      passwordHash: { type: String, required: true },
      mustChangePassword: Boolean,
      locale: { type: String, enum: ['id', 'en'], default: 'id' },
      timeZone: { type: String, default: 'Asia/Jakarta' },
      active: { type: Boolean, default: true },
      deactivatedAt: Date,
      createdAt: { type: Date, required: true },
      updatedAt: Date,
    },
    { versionKey: false },
  );
  user.index({ unitId: 1 });
  // Who supervises anyone (the supervisor's pages and links) is asked often.
  user.index({ supervisorId: 1 });
  const unit = new Schema<UnitDoc>(
    {
      code: { type: String, required: true, unique: true },
      name: { type: String, required: true },
      parentId: { type: Schema.Types.ObjectId },
      region: String,
    },
    { versionKey: false },
  );
  const token = new Schema<ApiTokenDoc>(
    {
      userId: { type: Schema.Types.ObjectId, required: true, index: true },
      name: { type: String, required: true },
      hash: { type: String, required: true, unique: true },
      hint: { type: String, required: true },
      createdAt: { type: Date, required: true },
      lastUsedAt: Date,
      expiresAt: Date,
      revokedAt: Date,
    },
    { versionKey: false },
  );
  const authEpoch = new AuthEpoch(conn);
  bumpOnWrite(user, authEpoch, { onSave: true });
  // A new token changes nothing a cache holds; a revoked or deleted one does.
  bumpOnWrite(token, authEpoch, { onSave: false });
  const tokenUse = new Schema<TokenUseDoc>({ userId: { type: Schema.Types.ObjectId, required: true, index: true }, at: { type: Date, required: true } }, { versionKey: false });
  return {
    authEpoch,
    User: conn.model<UserDoc>('identity_users', user, 'identity_users'),
    Unit: conn.model<UnitDoc>('identity_units', unit, 'identity_units'),
    ApiToken: conn.model<ApiTokenDoc>('identity_api_tokens', token, 'identity_api_tokens'),
    TokenUse: conn.model<TokenUseDoc>('identity_api_token_use', tokenUse, 'identity_api_token_use'),
  };
}
