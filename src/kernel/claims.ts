/**
 * Exactly-once claims (ADR 0018): a document whose `_id` names a one-time step ("graded-<attemptId>",
 * "issued:<certificateId>", "bulk:<bulkId>:<index>"). Whoever inserts it owns the step. Plugins get
 * their own claims collection (`<id>_claims`) from `ctx.models.claims()`.
 *
 * Why not a conditional update (`updateOne({ _id, state: 'pending' }, …)` and look at
 * matchedCount): on FerretDB 1.24 (SQLite) two concurrent conditional updates of the same
 * document can BOTH report a match (measured: 19 of 30 rounds of four racers, and 18 of 30 with
 * findOneAndUpdate), so they cannot decide who audits, emits or counts. A unique index can: the
 * insert of a second claim with the same `_id` always fails with E11000, on FerretDB and MongoDB.
 */
import { Schema, type Model } from 'mongoose';
import type { Clock } from './clock';

export interface ClaimDoc {
  _id: string;
  at: Date;
  /** Optional outcome stored with the claim (e.g. a bulk item's result). */
  outcome?: string;
  message?: string;
  /** Grouping key for counting (e.g. the bulk id). */
  group?: string;
}

export const claimSchema = new Schema<ClaimDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, outcome: String, message: String, group: String },
  { versionKey: false },
);
claimSchema.index({ group: 1, outcome: 1 });

export class Claims {
  constructor(
    readonly Claim: Model<ClaimDoc>,
    private clock: Clock,
  ) {}

  /** True for exactly one caller per key, ever (until released). */
  async claim(key: string, extra: Omit<ClaimDoc, '_id' | 'at'> = {}): Promise<boolean> {
    try {
      await this.Claim.create({ _id: key, at: this.clock.now(), ...extra });
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 11000) return false;
      throw e;
    }
  }

  /** Gives a claim back after the step failed, so it can be tried again. */
  async release(key: string): Promise<void> {
    await this.Claim.deleteOne({ _id: key });
  }

  async has(key: string): Promise<boolean> {
    return Boolean(await this.Claim.exists({ _id: key }));
  }
}
