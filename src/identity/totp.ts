/**
 * The second factor: a time-based one-time password (TOTP, RFC 6238, the 6 digits of an
 * authenticator app) with `otplib`, and ten single-use recovery codes for a lost phone.
 *
 * Optional per person for admins and trainers; with BINA_TOTP_REQUIRED it is required of them,
 * and their next login asks them to enrol before it lets them in. Secrets live in their own
 * collection (`core_totp`, keyed by user id), apart from the user document that many pages read.
 * Recovery codes are stored as SHA-256 hashes (they are random, 50 bits each, like API tokens,
 * ADR 0004) and a used one is pulled from the list by one conditional update, so it works once.
 * A code is accepted once too: the time step it belongs to is kept, and an update that requires
 * a later step is what accepts it, so a code seen over a shoulder cannot be replayed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { AuditLog } from '../kernel/audit';
import { defineError } from '../kernel/errors';
import type { Clock } from '../kernel/clock';
import type { Role } from '../kernel/plugins/manifest';

interface TotpDoc {
  _id: Types.ObjectId;
  secret: string;
  enabledAt: Date;
  /** The TOTP time step of the last accepted code (replay guard). */
  lastStep: number;
  /** SHA-256 (hex) of each unused recovery code. */
  recovery: string[];
}

export const TotpErrors = {
  required: defineError('BINA_ERR_AUTH_TOTP_REQUIRED', 401, 'totp.errors.required'),
  enrol: defineError('BINA_ERR_AUTH_TOTP_ENROL', 403, 'totp.errors.enrol'),
};

/** Roles that may (and with BINA_TOTP_REQUIRED must) use a second factor. */
export const TOTP_ROLES: readonly Role[] = ['admin', 'trainer'];
const RECOVERY_CODES = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const hashCode = (code: string) => createHash('sha256').update(`bina-recovery:${normaliseRecovery(code)}`).digest('hex');
const normaliseRecovery = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** `XXXXX-XXXXX`, from an alphabet without look-alikes (0/O, 1/I). */
function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export class TotpService {
  readonly model: Model<TotpDoc>;

  constructor(conn: Connection, private audit: AuditLog, private clock: Clock, private opts: { required: boolean; issuer?: string }) {
    const schema = new Schema<TotpDoc>(
      { _id: Schema.Types.ObjectId, secret: { type: String, required: true }, enabledAt: { type: Date, required: true }, lastStep: { type: Number, default: 0 }, recovery: { type: [String], default: [] } },
      { versionKey: false },
    );
    this.model = conn.model<TotpDoc>('core_totp', schema, 'core_totp');
  }

  /** May this person use a second factor at all. */
  eligible(roles: readonly Role[]): boolean {
    return roles.some((r) => TOTP_ROLES.includes(r));
  }

  /** What a login needs after the password: nothing, the code, or enrolling first. */
  async loginStep(user: { _id: Types.ObjectId | string; roles: readonly Role[] }): Promise<'none' | 'verify' | 'enrol'> {
    if (await this.model.exists({ _id: user._id })) return 'verify';
    return this.opts.required && this.eligible(user.roles) ? 'enrol' : 'none';
  }

  async status(userId: string): Promise<{ enabled: boolean; enabledAt?: Date; recoveryLeft: number }> {
    const d = await this.model.findById(userId, { enabledAt: 1, recovery: 1 }).lean();
    return d ? { enabled: true, enabledAt: d.enabledAt, recoveryLeft: d.recovery.length } : { enabled: false, recoveryLeft: 0 };
  }

  /**
   * A secret to enrol with (new unless given: it is kept in the session until a code proves the
   * app has it), its otpauth URI and its QR code as SVG.
   */
  async setup(label: string, secret: string = generateSecret()): Promise<{ secret: string; uri: string; qrSvg: string }> {
    const uri = generateURI({ issuer: this.opts.issuer ?? 'Bina', label, secret });
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    return { secret, uri, qrSvg };
  }

  /** The time step of `code` if it is valid for `secret` now (one step of clock drift either way). */
  private async stepOf(secret: string, code: string): Promise<number | undefined> {
    if (!/^\d{6}$/.test(code)) return undefined;
    const r = await verify({ secret, token: code, epochTolerance: 30, epoch: Math.floor(this.clock.now().getTime() / 1000) });
    // The step the code matched (otplib reports it on success).
    return r.valid ? (r as { timeStep: number }).timeStep : undefined;
  }

  /**
   * Turns the second factor on once `code` proves the app holds `secret`; returns the recovery
   * codes, shown once. False when the code is wrong or a factor is already on.
   */
  async enable(userId: string, secret: string, code: string): Promise<string[] | false> {
    const step = await this.stepOf(secret, code.trim());
    if (step === undefined) return false;
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    try {
      await this.model.create({ _id: userId, secret, enabledAt: this.clock.now(), lastStep: step, recovery: codes.map(hashCode) });
    } catch (e) {
      if ((e as { code?: number }).code === 11000) return false;
      throw e;
    }
    await this.audit.record('core', { action: 'audit.totp.enabled', actorId: userId, subject: { type: 'user', id: userId } });
    return codes;
  }

  /**
   * Checks a code from the app, or a recovery code (used up), for a login or a change. Each
   * app code is accepted once; a recovery code once ever.
   */
  async check(userId: string, input: string): Promise<'totp' | 'recovery' | false> {
    const d = await this.model.findById(userId).lean();
    if (!d) return false;
    const code = input.trim().replace(/\s/g, '');
    const step = await this.stepOf(d.secret, code);
    if (step !== undefined) {
      const r = await this.model.updateOne({ _id: d._id, lastStep: { $lt: step } }, { $set: { lastStep: step } });
      return r.modifiedCount === 1 ? 'totp' : false;
    }
    if (normaliseRecovery(code).length !== 10) return false;
    const h = hashCode(code);
    const r = await this.model.updateOne({ _id: d._id, recovery: h }, { $pull: { recovery: h } });
    if (r.modifiedCount !== 1) return false;
    await this.audit.record('core', { action: 'audit.totp.recovery-used', actorId: userId, subject: { type: 'user', id: userId }, args: { left: d.recovery.length - 1 } });
    return 'recovery';
  }

  /** Ten new recovery codes (the old ones stop working); shown once. */
  async renewRecovery(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.model.updateOne({ _id: userId }, { $set: { recovery: codes.map(hashCode) } });
    await this.audit.record('core', { action: 'audit.totp.recovery-renewed', actorId: userId, subject: { type: 'user', id: userId } });
    return codes;
  }

  /** Turns it off: by the person (after a code) or by an admin (a lost phone and lost codes); audited. */
  async disable(userId: string, actorId: string): Promise<boolean> {
    const r = await this.model.deleteOne({ _id: userId });
    if (r.deletedCount === 1) await this.audit.record('core', { action: 'audit.totp.disabled', actorId, subject: { type: 'user', id: userId } });
    return r.deletedCount === 1;
  }
}
