/**
 * The grade recovery sweep shared by the activities built on attempts (ADR 0068). A grade job can
 * be lost: Redis keeps its last second of writes only on a clean stop (AOF `everysec`), so a power
 * cut can take a job enqueued just before it; a job can also be removed by hand. Its attempt then
 * stays `submitted` for ever, or graded but never announced (no pass, no certificate). The sweep,
 * run by a repeating job and once at each worker start, finds such attempts older than a grace
 * period and requeues their grade job under its usual key (`grade-<attemptId>`): a job still
 * waiting, delayed or running is left alone, and the job itself is idempotent, so an attempt that
 * was only slow is graded once all the same.
 */
import type { Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../host/plugins/context';

/** The fields the sweep reads; `announcePendingAt` is set with a grade and cleared once it is announced. */
interface SweptAttempt {
  state: string;
  submittedAt?: Date;
  announcePendingAt?: Date;
}

export interface GradeRecoveryOptions {
  Attempt: Model<any>;
  now: Date;
  /** How old a submission or an unannounced grade must be before it counts as lost. */
  graceMs: number;
  /** Requeues the grade job of one attempt (ctx.jobs.requeue under the job's key). */
  requeue(attemptId: string): Promise<'queued' | 'exists'>;
  /** @default 500 (the next run takes the rest) */
  limit?: number;
}

/** Attempts a lost grade job left behind, oldest first, and how many of them were requeued. */
export async function recoverGrades(opts: GradeRecoveryOptions): Promise<{ found: number; requeued: number }> {
  const cutoff = new Date(opts.now.getTime() - opts.graceMs);
  const limit = opts.limit ?? 500;
  const Attempt = opts.Attempt as Model<SweptAttempt>;
  // Two filters on their own indexes, not an $or: FerretDB 1.x plans each simple filter well.
  const [submitted, unannounced] = await Promise.all([
    Attempt.find({ state: 'submitted', submittedAt: { $lt: cutoff } }, { _id: 1 }).limit(limit).lean(),
    Attempt.find({ announcePendingAt: { $lt: cutoff } }, { _id: 1 }).limit(limit).lean(),
  ]);
  const ids = [...new Set([...submitted, ...unannounced].map((a) => String(a._id)))];
  let requeued = 0;
  for (const id of ids) if ((await opts.requeue(id)) === 'queued') requeued += 1;
  return { found: ids.length, requeued };
}

/**
 * Defines the plugin's `recover-grades` job over its attempts, requeueing its `grade` job; declare
 * it in plugin.json with `"schedule": { "every": 300000, "atStart": true }` and the setting
 * `recoveryGraceSeconds`.
 */
export function defineGradeRecovery(ctx: PluginContext, Attempt: Model<any>): void {
  ctx.jobs.define('recover-grades', {
    payload: z.strictObject({}),
    process: async () =>
      recoverGrades({
        Attempt, now: ctx.clock.now(), graceMs: Number(ctx.settings.recoveryGraceSeconds ?? 300) * 1000,
        requeue: (attemptId) => ctx.jobs.requeue('grade', { attemptId }, { key: `grade-${attemptId}` }),
      }),
  });
}
