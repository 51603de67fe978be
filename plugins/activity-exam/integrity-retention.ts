/**
 * Retention of the integrity log (UU 27/2022: keep personal data no longer than its purpose needs).
 * Focus losses, fullscreen exits and device or IP changes matter while a result can still be
 * questioned; after `integrityKeepDays` (a setting, two years by default) the scheduled
 * `activity-exam.prune-integrity` job deletes them. FerretDB has no TTL indexes, so this job is
 * the expiry; running it twice deletes nothing more.
 */
import type { Model } from 'mongoose';
import type { Clock } from '../../src/kernel/clock';
import type { IntegrityDoc } from './exam-models';

const DAY_MS = 86_400_000;

/** Deletes integrity events recorded more than `keepDays` days before now. */
export async function pruneIntegrity(Integrity: Model<IntegrityDoc>, clock: Clock, keepDays: number): Promise<{ deleted: number }> {
  const cutoff = new Date(clock.now().getTime() - keepDays * DAY_MS);
  const r = await Integrity.deleteMany({ at: { $lt: cutoff } });
  return { deleted: r.deletedCount };
}
