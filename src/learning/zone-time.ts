/**
 * Local times in Indonesia's three zones, which keep a fixed offset all year (no daylight saving):
 * WIB +07, WITA +08, WIT +09. Forms send wall-clock times ("2026-12-07T09:30") that mean the
 * person's zone; stored times are UTC.
 */
const OFFSETS: Record<string, number> = { 'Asia/Jakarta': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 };

export function zoneOffsetHours(timeZone: string): number {
  return OFFSETS[timeZone] ?? 7;
}

/** `yyyy-mm-ddThh:mm` (a datetime-local field) in `timeZone` as a UTC Date; undefined when malformed. */
export function wallClockToUtc(local: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h - zoneOffsetHours(timeZone), mi);
  const back = new Date(utc + zoneOffsetHours(timeZone) * 3600_000);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return new Date(utc);
}

/** The wall-clock `yyyy-mm-ddThh:mm` of a UTC time in `timeZone` (to fill a datetime-local field). */
export function utcToWallClock(at: Date, timeZone: string): string {
  return new Date(at.getTime() + zoneOffsetHours(timeZone) * 3600_000).toISOString().slice(0, 16);
}

/** The calendar day (`yyyy-mm-dd`) of a UTC time in `timeZone`. */
export function dayIn(at: Date, timeZone: string): string {
  return utcToWallClock(at, timeZone).slice(0, 10);
}

/** The month (`yyyy-mm`) holding `at` in `timeZone`, and its bounds in UTC. */
export function monthIn(at: Date, timeZone: string, month?: string): { month: string; from: Date; to: Date } {
  const m = month ?? dayIn(at, timeZone).slice(0, 7);
  const [y, mo] = m.split('-').map(Number) as [number, number];
  const off = zoneOffsetHours(timeZone) * 3600_000;
  return { month: m, from: new Date(Date.UTC(y, mo - 1, 1) - off), to: new Date(Date.UTC(y, mo, 1) - off) };
}
