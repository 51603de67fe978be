/**
 * Calendar dates for certificates: "23 November 2026" in Indonesian or English, as seen on a wall
 * calendar in a given IANA zone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura).
 *
 * Invariant: the output depends only on (instant, zone, locale) and on the tz database, never on
 * the ICU locale data of the running Node. Intl is used only to find the calendar day in the zone
 * (numeric parts, which every ICU build has); month names come from the fixed tables below. That
 * matters because certificates are re-rendered byte-identically from stored credentials: a Node
 * upgrade that changed an `id-ID` month spelling would silently change every PDF's hash. A test
 * checks that the tables agree with `Intl.DateTimeFormat('id-ID')` on the Node we run.
 */

export type CertificateLocale = 'id' | 'en';

/** Zones of Indonesia; the template/issuer picks one, other valid IANA zones are accepted too. */
export const INDONESIAN_TIME_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const;

const MONTHS: Record<CertificateLocale, readonly string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

export interface CalendarDay {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

// Formatters are costly to build (ICU lookups), and a worker renders many certificates in the few
// zones of Indonesia, so one formatter per zone is kept.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone: a misconfigured zone must not silently print UTC.
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', calendar: 'gregory', numberingSystem: 'latn' });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** The calendar day of `instant` in `timeZone`. */
export function calendarDayIn(instant: Date, timeZone: string): CalendarDay {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError('calendarDayIn: invalid date');
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (const p of partsFormatter(timeZone).formatToParts(instant)) {
    if (p.type === 'year') year = Number(p.value);
    else if (p.type === 'month') month = Number(p.value);
    else if (p.type === 'day') day = Number(p.value);
  }
  return { year, month, day };
}

/** "23 November 2026" (id) / "23 November 2026" (en, day-first as in Indonesian usage). */
export function formatCertificateDate(instant: Date, timeZone: string, locale: CertificateLocale = 'id'): string {
  const { year, month, day } = calendarDayIn(instant, timeZone);
  const names = MONTHS[locale] ?? MONTHS.id;
  return `${day} ${names[month - 1]} ${year}`;
}

/** Exposed for the test that compares the fixed table with this Node's ICU data. */
export function monthNames(locale: CertificateLocale): readonly string[] {
  return MONTHS[locale];
}
