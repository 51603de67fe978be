/**
 * The deadline of an attempt, fixed once at start (ARCHITECTURE.md, "Assessments"): the earlier of
 * start + time limit (+ the participant's extra time) and the close time (the participant's later
 * window when one was granted). When the close time cuts the limit short, the learner must be told
 * before they begin — the most reported complaint about other LMSs is a close date that silently
 * ends an attempt early. Pure: the caller passes the clock's `now`.
 */

export interface DeadlineInput {
  now: Date;
  /** Overall limit; undefined = none. */
  timeLimitMinutes?: number;
  closesAt?: Date;
  extraMinutes?: number;
}

export interface DeadlineWarning {
  /** i18n key of the warning. */
  key: 'activity-exam:warnings.shortened';
  /** Minutes the learner gets instead of the limit (+ extra time). */
  availableMinutes: number;
  limitMinutes: number;
  closesAt: Date;
}

export interface DeadlineOutcome {
  deadline?: Date;
  /** `limit` when the time limit ends the attempt, `close` when the close time does. */
  endsBy?: 'limit' | 'close';
  warning?: DeadlineWarning;
}

export function attemptDeadline(input: DeadlineInput): DeadlineOutcome {
  const { now, timeLimitMinutes, closesAt } = input;
  const limit = timeLimitMinutes ? timeLimitMinutes + Math.max(0, input.extraMinutes ?? 0) : undefined;
  const byLimit = limit ? new Date(now.getTime() + limit * 60_000) : undefined;
  if (!byLimit && !closesAt) return {};
  if (byLimit && (!closesAt || byLimit.getTime() <= closesAt.getTime())) return { deadline: byLimit, endsBy: 'limit' };
  const out: DeadlineOutcome = { deadline: closesAt, endsBy: 'close' };
  if (limit && closesAt) {
    out.warning = {
      key: 'activity-exam:warnings.shortened',
      availableMinutes: Math.max(0, Math.floor((closesAt.getTime() - now.getTime()) / 60_000)),
      limitMinutes: limit,
      closesAt,
    };
  }
  return out;
}

/** The overall limit of an exam: its own, else the sum of its sections' limits when all have one. */
export function overallLimit(exam: { timeLimitMinutes?: number | null; sections: Array<{ timeLimitMinutes?: number | null }> }): number | undefined {
  if (exam.timeLimitMinutes) return exam.timeLimitMinutes;
  if (exam.sections.length > 0 && exam.sections.every((s) => s.timeLimitMinutes)) return exam.sections.reduce((sum, s) => sum + (s.timeLimitMinutes ?? 0), 0);
  return undefined;
}

/**
 * End of a timed section started at `from`: its limit, stretched by the participant's extra time in
 * proportion (an accommodation of +30 min on 100 min gives each section 30 % more), never past the
 * attempt's deadline.
 */
export function sectionDeadline(from: Date, sectionMinutes: number, overallMinutes: number | undefined, extraMinutes: number, attemptDeadline?: Date): Date {
  const factor = overallMinutes && extraMinutes > 0 ? (overallMinutes + extraMinutes) / overallMinutes : 1;
  const end = new Date(from.getTime() + Math.round(sectionMinutes * factor * 60_000));
  return attemptDeadline && attemptDeadline < end ? attemptDeadline : end;
}
