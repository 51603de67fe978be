/**
 * The JP year runs in the ASN's own time zone (WIB, WITA or WIT): a seminar that ends at 23:30
 * WITA on 31 December counts for that year, though it is already 1 January in WIT and still
 * 22:30 WIB. Bina stores times in UTC and derives the year here, once, when a credit is written.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'numeric', timeZone });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar year and month (1–12) of `at` in `timeZone` (an IANA zone, e.g. `Asia/Makassar`). */
export function yearMonthIn(at: Date, timeZone: string): { year: number; month: number } {
  const parts = formatter(timeZone).formatToParts(at);
  return { year: Number(parts.find((p) => p.type === 'year')!.value), month: Number(parts.find((p) => p.type === 'month')!.value) };
}

export function yearIn(at: Date, timeZone: string): number {
  return yearMonthIn(at, timeZone).year;
}
