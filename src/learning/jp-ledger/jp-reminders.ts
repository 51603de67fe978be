/**
 * Yearly reminders (issue 13): from October on, once a month, every ASN below their target hears
 * it in their inbox, and so does their direct supervisor (one notice listing how many of their
 * staff are below). The core emits `learning.jp.below-target` and `learning.jp.team-below-target`;
 * the inbox plugin turns them into notices keyed by person and month, so a job run twice (or
 * daily) tells nobody twice. Targets come from settings (jp-report.ts `jpTargetFor`); nothing here
 * knows a number of JP.
 */
import { z } from 'zod';
import type { Types } from 'mongoose';
import { jpTargetFor } from './jp-report';
import { yearMonthIn } from './jp-year';
import type { JpParts } from './jp-parts';

export const JP_REMINDER_JOB = 'learning.jp-reminders';
/** Reminders start in this month of the ASN's own year (October). */
export const REMINDERS_FROM_MONTH = 10;

export interface ReminderRun {
  reminded: number;
  supervisors: number;
}

/** Sends this month's reminders as of `now` (each person's month in their own zone). */
export async function sendJpReminders(parts: JpParts, now: Date): Promise<ReminderRun> {
  const { services, identity, ledger } = parts;
  const people = await identity.User.find({ active: true, kind: { $in: ['pns', 'pppk'] } }, { kind: 1, timeZone: 1, supervisorId: 1, name: 1 }).lean();
  const due = people
    .map((p) => ({ p, ...yearMonthIn(now, p.timeZone || services.config.BINA_DEFAULT_TIMEZONE), target: jpTargetFor(p.kind, services.config) }))
    .filter((x) => x.month >= REMINDERS_FROM_MONTH && x.target !== undefined && x.target > 0);
  if (!due.length) return { reminded: 0, supervisors: 0 };
  // People of one run may be in two years only around New Year, when no one is due: one read per year.
  const totals = new Map<string, number>();
  for (const year of new Set(due.map((x) => x.year))) {
    for (const e of await ledger.entriesFor(due.filter((x) => x.year === year).map((x) => x.p._id as Types.ObjectId), year)) totals.set(String(e.userId), (totals.get(String(e.userId)) ?? 0) + e.jp);
  }
  const below = due.filter((x) => (totals.get(String(x.p._id)) ?? 0) < x.target!);
  const bySupervisor = new Map<string, typeof below>();
  for (const x of below) {
    const jp = Math.round((totals.get(String(x.p._id)) ?? 0) * 100) / 100;
    await services.events.emit('learning.jp.below-target', { userId: String(x.p._id), year: x.year, month: x.month, jp, target: x.target, href: '/jp' });
    if (x.p.supervisorId) bySupervisor.set(String(x.p.supervisorId), [...(bySupervisor.get(String(x.p.supervisorId)) ?? []), x]);
  }
  for (const [supervisorId, staff] of bySupervisor) {
    const { year, month } = staff[0]!;
    await services.events.emit('learning.jp.team-below-target', { userId: supervisorId, year, month, count: staff.length, names: staff.map((x) => x.p.name).slice(0, 10), href: '/jp/team' });
  }
  return { reminded: below.length, supervisors: bySupervisor.size };
}

export function defineJpReminders(parts: JpParts): void {
  parts.services.queues.define({ name: JP_REMINDER_JOB, owner: 'learning', payload: z.object({}).passthrough(), attempts: 3, process: () => sendJpReminders(parts, parts.services.clock.now()) });
}
