/**
 * The personal calendar's contract: the calendar page and the iCal feed run the hook
 * `learning.calendar.entries` over `{ userId, from, to, entries: [] }`, and each plugin with dated
 * things for that person (events' sessions, mentoring sessions) appends its entries, so the
 * calendar names no plugin and a plugin that is off adds nothing.
 */
export const CALENDAR_HOOK = 'learning.calendar.entries';

export interface CalendarEntry {
  /** Stable across feeds (iCal UID): `<plugin>-<record>@bina`. */
  uid: string;
  kind: 'event' | 'mentoring' | 'latsar';
  title: string;
  start: Date;
  end: Date;
  /** A site path to the record. */
  href: string;
  place?: string;
}

export interface CalendarQuery {
  userId: string;
  from: Date;
  to: Date;
  entries: CalendarEntry[];
}
