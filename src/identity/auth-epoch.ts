/**
 * The auth epoch (ADR 0067): one small document whose value changes whenever a user or an API
 * token changes (a revocation, a deactivation, a role or unit change, an erasure). A process may
 * keep what it looked up of tokens and users for as long as the epoch it saw then is still the
 * epoch now; it reads the epoch at most once a second (one read per process per second, shared by
 * all requests), so a change made anywhere is seen by every process within about a second, and at
 * once by the process that made it (`bump` tells this process's listeners before it returns).
 *
 * Why a random value and not `$inc`: on FerretDB 1.x an update is read-apply-write without a lock,
 * so two concurrent `$inc`s can both write n+1. A fresh random value always differs from every
 * value a cache was filled under. Bumped *after* the change it announces is stored, so a process
 * that reads the new value and then reads the user sees the change.
 */
import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

/** How often a process looks at the epoch: the bound on how late another process notices a revocation. */
export const AUTH_EPOCH_CHECK_MS = 1000;

interface EpochDoc {
  _id: string;
  v: string;
  at: Date;
}

export class AuthEpoch {
  private readonly model: Model<EpochDoc>;
  private known?: { v: string; readAt: number };
  private reading?: Promise<string>;
  private readonly listeners = new Set<() => void>();
  /** Counts bumps by this process: a read sent before one must not refill `known` after it. */
  private generation = 0;

  constructor(conn: Connection) {
    this.model = conn.model<EpochDoc>('identity_auth_epoch', new Schema<EpochDoc>({ _id: String, v: String, at: Date }, { versionKey: false }), 'identity_auth_epoch');
  }

  /** The epoch as of at most AUTH_EPOCH_CHECK_MS ago; concurrent callers share one read. */
  async current(now = Date.now()): Promise<string> {
    if (this.known && now - this.known.readAt < AUTH_EPOCH_CHECK_MS) return this.known.v;
    if (!this.reading) {
      const readAt = Date.now();
      const generation = this.generation;
      const reading = this.model.findById('auth', { v: 1 }).lean().exec()
        .then((d) => {
          const v = d?.v ?? '';
          if (generation === this.generation) this.known = { v, readAt };
          return v;
        })
        .finally(() => {
          if (this.reading === reading) this.reading = undefined;
        });
      this.reading = reading;
    }
    return this.reading;
  }

  /** Announces a change: this process forgets at once, every other one within AUTH_EPOCH_CHECK_MS. */
  async bump(): Promise<void> {
    this.forget();
    const update = { $set: { v: randomBytes(9).toString('base64url'), at: new Date() } };
    try {
      await this.model.updateOne({ _id: 'auth' }, update, { upsert: true });
    } catch (e) {
      // Two first-ever upserts raced and one lost on the unique _id: the document exists now.
      if ((e as { code?: number }).code !== 11000) throw e;
      await this.model.updateOne({ _id: 'auth' }, update);
    }
    // Anything read while the write was on its way may hold the old value.
    this.forget();
  }

  private forget(): void {
    this.generation += 1;
    this.known = undefined;
    this.reading = undefined;
    for (const l of this.listeners) l();
  }

  onBump(listener: () => void): void {
    this.listeners.add(listener);
  }
}
