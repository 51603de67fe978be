/**
 * Survey periods (a setting: year, semester, quarter or month), keyed in the site's time zone so a
 * response at 23:30 WITA on 30 June counts in the first semester: `2026`, `2026-S1`, `2026-Q3`,
 * `2026-07`. Keys sort in time order.
 */
export type PeriodKind = 'year' | 'semester' | 'quarter' | 'month';

export const PERIOD_KEY = /^\d{4}(?:-S[12]|-Q[1-4]|-(?:0[1-9]|1[0-2]))?$/;

export function periodOf(at: Date, kind: PeriodKind, timeZone: string): string {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(at).split('-').map(Number) as [number, number];
  switch (kind) {
    case 'year':
      return String(y);
    case 'semester':
      return `${y}-S${m <= 6 ? 1 : 2}`;
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'month':
      return `${y}-${String(m).padStart(2, '0')}`;
  }
}
