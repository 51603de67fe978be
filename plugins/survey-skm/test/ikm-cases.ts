/**
 * Hand-worked IKM cases shared by the unit test and the CLI test. Expected values were worked out
 * by hand on exact fractions (IKM = 25 × w × Σ sum_i / n); none is computed by the code under test.
 */

/** The regulation's method on a small table: 10 respondents, element sums 33 30 27 39 31 34 36 30 26 (Σ 286). */
export const WORKED_ROWS = [
  [4, 3, 3, 4, 3, 4, 4, 3, 3],
  [3, 3, 2, 4, 3, 3, 4, 3, 2],
  [4, 4, 3, 4, 4, 4, 4, 4, 3],
  [3, 2, 2, 4, 3, 3, 3, 2, 2],
  [4, 3, 3, 4, 3, 4, 4, 3, 3],
  [3, 3, 3, 4, 3, 3, 3, 3, 3],
  [2, 2, 2, 3, 2, 3, 3, 2, 1],
  [4, 4, 4, 4, 4, 4, 4, 4, 4],
  [3, 3, 2, 4, 3, 3, 3, 3, 2],
  [3, 3, 3, 4, 3, 3, 4, 3, 3],
];
export const WORKED_AVERAGES = [3.3, 3.0, 2.7, 3.9, 3.1, 3.4, 3.6, 3.0, 2.6];
/** Σ averages = 28.6; × 25/9 = 79.444… → 79.44; × 0.11 × 25 = 78.65. Both B (Baik). */
export const WORKED = { 'one-ninth': 79.44, '0.11': 78.65 } as const;

/**
 * `n` complete rows whose nine scores add up to `total` over all cells (9n ≤ total ≤ 36n): the
 * IKM depends on the total and n only, so a boundary is hit by choosing them.
 */
export function rowsWithTotal(n: number, total: number): number[][] {
  const cells = 9 * n;
  const base = Math.floor(total / cells);
  let extra = total - base * cells;
  const rows: number[][] = [];
  for (let r = 0; r < n; r++) {
    const row: number[] = [];
    for (let c = 0; c < 9; c++) {
      row.push(extra > 0 ? base + 1 : base);
      if (extra > 0) extra--;
    }
    rows.push(row);
  }
  return rows;
}

export interface BoundaryCase {
  what: string;
  weight: 'one-ninth' | '0.11';
  n: number;
  total: number;
  ikm: number;
  grade: 'A' | 'B' | 'C' | 'D';
}

/**
 * Every grade boundary under both weights, with the raw IKM exactly on a half (rounded up into
 * the higher grade) and one point of total lower (staying in the lower grade).
 * 1/9: IKM = 25·T/(9n), n = 5000. 0.11: IKM = 11·T/(4n), n = 550.
 */
export const BOUNDARY_CASES: BoundaryCase[] = [
  // 25·158949/45000 = 88.305 exactly → 88.31 A; 158948 → 88.3044… → 88.30 B
  { what: 'A from 88.305', weight: 'one-ninth', n: 5000, total: 158949, ikm: 88.31, grade: 'A' },
  { what: 'B just below A', weight: 'one-ninth', n: 5000, total: 158948, ikm: 88.3, grade: 'B' },
  // 25·137889/45000 = 76.605 → 76.61 B; 137888 → 76.6044… → 76.60 C
  { what: 'B from 76.605', weight: 'one-ninth', n: 5000, total: 137889, ikm: 76.61, grade: 'B' },
  { what: 'C just below B', weight: 'one-ninth', n: 5000, total: 137888, ikm: 76.6, grade: 'C' },
  // 25·116991/45000 = 64.995 → 65.00 C; 116990 → 64.9944… → 64.99 D
  { what: 'C from 64.995', weight: 'one-ninth', n: 5000, total: 116991, ikm: 65.0, grade: 'C' },
  { what: 'D just below C', weight: 'one-ninth', n: 5000, total: 116990, ikm: 64.99, grade: 'D' },
  // 11·17661/2200 = 88.305 → 88.31 A; 17660 → 88.30 B
  { what: 'A from 88.305', weight: '0.11', n: 550, total: 17661, ikm: 88.31, grade: 'A' },
  { what: 'B just below A', weight: '0.11', n: 550, total: 17660, ikm: 88.3, grade: 'B' },
  // 11·15321/2200 = 76.605 → 76.61 B; 15320 → 76.60 C
  { what: 'B from 76.605', weight: '0.11', n: 550, total: 15321, ikm: 76.61, grade: 'B' },
  { what: 'C just below B', weight: '0.11', n: 550, total: 15320, ikm: 76.6, grade: 'C' },
  // 11·12999/2200 = 64.995 → 65.00 C; 12998 → 64.99 D
  { what: 'C from 64.995', weight: '0.11', n: 550, total: 12999, ikm: 65.0, grade: 'C' },
  { what: 'D just below C', weight: '0.11', n: 550, total: 12998, ikm: 64.99, grade: 'D' },
  // The ends of the scale: all 4 → 100.00 (1/9) but 99.00 (0.11); all 1 → 25.00 but 24.75.
  { what: 'top of the scale', weight: 'one-ninth', n: 3, total: 108, ikm: 100, grade: 'A' },
  { what: 'top of the scale', weight: '0.11', n: 3, total: 108, ikm: 99, grade: 'A' },
  { what: 'bottom of the scale', weight: 'one-ninth', n: 3, total: 27, ikm: 25, grade: 'D' },
  { what: 'bottom of the scale', weight: '0.11', n: 3, total: 27, ikm: 24.75, grade: 'D' },
  // The same answers graded differently by the weight: one row summing to 32 → 88.89 A vs 88.00 B.
  { what: 'A under 1/9', weight: 'one-ninth', n: 1, total: 32, ikm: 88.89, grade: 'A' },
  { what: 'B under 0.11', weight: '0.11', n: 1, total: 32, ikm: 88.0, grade: 'B' },
];
