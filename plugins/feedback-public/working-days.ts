/**
 * Working days for complaint handling (DOMAIN.md: SP4N-LAPOR! counts working days; weekends and the
 * national holidays an admin lists do not count), in the site's time zone. A feedback item sent on
 * a Friday evening and answered on Monday took 1 working day.
 */

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function addDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function isWorkingDay(day: string, holidays: ReadonlySet<string>): boolean {
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6 && !holidays.has(day);
}

/** Working days after the day of `from` up to and including the day of `to` (0 on the same day). */
export function workingDaysBetween(from: Date, to: Date, timeZone: string, holidays: ReadonlySet<string> = new Set()): number {
  let day = localDay(from, timeZone);
  const end = localDay(to, timeZone);
  let n = 0;
  for (let guard = 0; day < end && guard < 3700; guard++) {
    day = addDay(day);
    if (isWorkingDay(day, holidays)) n++;
  }
  return n;
}
