/**
 * Which nightly backups to keep: the newest backup of each of the newest `daily` days, and the
 * newest backup of each of the newest `weekly` weeks (Monday-based, in UTC) that those do not
 * already cover. Everything else may go. Pure, so it is tested without files.
 */
export interface BackupFile {
  name: string;
  time: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function week(d: Date): string {
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return day(monday);
}

export function backupsToDelete(files: BackupFile[], daily: number, weekly: number): string[] {
  const newestFirst = [...files].sort((a, b) => b.time.getTime() - a.time.getTime());
  const keep = new Set<string>();
  const days = new Set<string>();
  for (const f of newestFirst) {
    if (days.has(day(f.time))) continue;
    if (days.size >= daily) break;
    days.add(day(f.time));
    keep.add(f.name);
  }
  const weeks = new Set([...newestFirst.filter((f) => keep.has(f.name)).map((f) => week(f.time))]);
  let extraWeeks = 0;
  for (const f of newestFirst) {
    if (extraWeeks >= weekly) break;
    if (weeks.has(week(f.time))) continue;
    weeks.add(week(f.time));
    keep.add(f.name);
    extraWeeks++;
  }
  return newestFirst.filter((f) => !keep.has(f.name)).map((f) => f.name);
}
