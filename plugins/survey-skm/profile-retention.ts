/**
 * Retention of the respondents' optional profile (UU 27/2022: keep personal data no longer than
 * its purpose needs; issue 16). The age band, sex, education and occupation describe who answered
 * a period's survey; after `profileKeepDays` (a setting, two years by default) the scheduled
 * `survey-skm.prune-profiles` job removes them from the response. The nine answers stay, so the
 * IKM of every period is unchanged; the report then counts those respondents as "not given".
 * FerretDB has no TTL indexes, so this job is the expiry; running it twice removes nothing more.
 */
import type { Model } from 'mongoose';
import type { Clock } from '../../src/kernel/clock';
import type { SkmAttemptDoc } from './responses';

const DAY_MS = 86_400_000;

/** Removes the profile of responses sent more than `keepDays` days before now. */
export async function pruneProfiles(Attempt: Model<SkmAttemptDoc>, clock: Clock, keepDays: number): Promise<{ pruned: number }> {
  const cutoff = new Date(clock.now().getTime() - keepDays * DAY_MS);
  const r = await Attempt.updateMany({ submittedAt: { $lt: cutoff }, profile: { $exists: true } }, { $unset: { profile: 1 } });
  return { pruned: r.modifiedCount };
}
