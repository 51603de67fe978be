/**
 * The IKM (Indeks Kepuasan Masyarakat) of PermenPANRB 14/2017, exact (DOMAIN.md):
 * - per element (unsur): average = sum of scores / respondents who scored it;
 * - IKM = Σ(element average × weight) × 25, range 25–100 with weight 1/9;
 * - weight 1/9 by default; 0.11 (the regulation's rounded figure, which gives other results and
 *   caps the IKM at 99) as a setting. The report states which one it used;
 * - the IKM is shown with 2 decimals, rounded half up, and the grade is read from that shown
 *   value (76.605 → 76.61 → B), so what a reader sees and how it is graded never disagree.
 * Everything is computed on exact fractions (bigint) and rounded once, at the end: a double would
 * put 76.605 at 76.60499… and grade it C. The same function serves the report pages, the unit
 * dashboard and `bina skm ikm`, so they cannot disagree.
 */
import { roundFraction } from '../../src/learning/exact-rounding';

/** The nine elements of PermenPANRB 14/2017, in the regulation's order (u1…u9). */
export const SKM_ELEMENTS = [
  'persyaratan',
  'prosedur',
  'waktu',
  'biaya',
  'produk',
  'kompetensi',
  'perilaku',
  'sarana',
  'pengaduan',
] as const;
export type SkmElement = (typeof SKM_ELEMENTS)[number];
export const ELEMENT_COUNT = SKM_ELEMENTS.length;

/** `one-ninth` is exact 1/9 (default); `0.11` is the regulation's rounded weight. */
export type IkmWeight = 'one-ninth' | '0.11';
export const IKM_WEIGHTS: readonly IkmWeight[] = ['one-ninth', '0.11'];
/** How each weight is written in exports and by the CLI (machine-readable: a decimal point). */
export const IKM_WEIGHT_TEXT: Record<IkmWeight, string> = { 'one-ninth': '1/9', '0.11': '0.11' };
/** How a page writes the weight: `0.11` in the reader's number format (Indonesian "0,11"). */
export function ikmWeightLabel(weight: IkmWeight, formatNumber: (v: number) => string): string {
  return weight === 'one-ninth' ? '1/9' : formatNumber(0.11);
}

export type IkmGrade = 'A' | 'B' | 'C' | 'D';
/** The regulation's quality labels (mutu pelayanan), printed as they are in both languages. */
export const IKM_GRADE_LABELS: Record<IkmGrade, string> = { A: 'Sangat Baik', B: 'Baik', C: 'Kurang Baik', D: 'Tidak Baik' };
/** Lowest shown IKM of each grade: A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99. */
export const IKM_GRADE_FLOORS: ReadonlyArray<readonly [IkmGrade, number]> = [
  ['A', 88.31],
  ['B', 76.61],
  ['C', 65.0],
  ['D', -Infinity],
];

/** One element's scores: their sum and how many respondents scored it (1–4 each). */
export interface ElementTotal {
  sum: number;
  count: number;
}

export interface IkmResult {
  /** Respondents behind the figure (the largest element count). */
  respondents: number;
  /** Per element, u1…u9, rounded half up to 2 decimals (for display; the IKM uses exact values). */
  elementAverages: number[];
  /** Rounded half up to 2 decimals. */
  ikm: number;
  grade: IkmGrade;
  label: string;
  weight: IkmWeight;
}

export function ikmGrade(shownIkm: number): IkmGrade {
  for (const [grade, floor] of IKM_GRADE_FLOORS) if (shownIkm >= floor) return grade;
  return 'D';
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x || 1n;
};

/** Σ sum_i / count_i as one exact fraction. */
function sumOfAverages(totals: readonly ElementTotal[]): { n: bigint; d: bigint } {
  let n = 0n;
  let d = 1n;
  for (const t of totals) {
    const tn = BigInt(t.sum);
    const td = BigInt(t.count);
    n = n * td + tn * d;
    d = d * td;
    const g = gcd(n, d);
    n /= g;
    d /= g;
  }
  return { n, d };
}

/**
 * The IKM of nine element totals.
 * @throws RangeError when there are not nine elements, an element has no respondent, or a sum is
 * outside what `count` scores of 1–4 can make.
 */
export function ikmFromTotals(totals: readonly ElementTotal[], weight: IkmWeight = 'one-ninth'): IkmResult {
  if (totals.length !== ELEMENT_COUNT) throw new RangeError(`expected ${ELEMENT_COUNT} elements, got ${totals.length}`);
  totals.forEach((t, i) => {
    if (!Number.isInteger(t.count) || t.count < 1) throw new RangeError(`element u${i + 1} has no respondent`);
    if (!Number.isInteger(t.sum) || t.sum < t.count || t.sum > 4 * t.count) throw new RangeError(`element u${i + 1}: sum ${t.sum} is impossible for ${t.count} scores of 1–4`);
  });
  const { n, d } = sumOfAverages(totals);
  // 1/9 × 25 = 25/9; 0.11 × 25 = 11/4.
  const [wn, wd] = weight === 'one-ninth' ? [25n, 9n] : [11n, 4n];
  const ikm = roundFraction(n * wn, d * wd, 2);
  const grade = ikmGrade(ikm);
  return {
    respondents: Math.max(...totals.map((t) => t.count)),
    elementAverages: totals.map((t) => roundFraction(BigInt(t.sum), BigInt(t.count), 2)),
    ikm,
    grade,
    label: IKM_GRADE_LABELS[grade],
    weight,
  };
}

/** Totals of complete responses: each row holds nine scores of 1–4. */
export function totalsOf(rows: ReadonlyArray<readonly number[]>): ElementTotal[] {
  const totals = SKM_ELEMENTS.map(() => ({ sum: 0, count: 0 }));
  for (const row of rows) {
    row.forEach((v, i) => {
      if (i < ELEMENT_COUNT) {
        totals[i]!.sum += v;
        totals[i]!.count += 1;
      }
    });
  }
  return totals;
}

/** The IKM of complete responses. @throws RangeError when there are none. */
export function ikmOfResponses(rows: ReadonlyArray<readonly number[]>, weight: IkmWeight = 'one-ninth'): IkmResult {
  if (rows.length === 0) throw new RangeError('no responses');
  return ikmFromTotals(totalsOf(rows), weight);
}

/**
 * JSON of `bina skm ikm`: element averages and the IKM written with exactly 2 decimals
 * (`80.00`), as the report shows them; key order fixed.
 */
export function ikmJson(r: IkmResult): string {
  const body = JSON.stringify({ element_averages: '@AVG@', ikm: '@IKM@', grade: r.grade, label: r.label });
  return body.replace('"@AVG@"', `[${r.elementAverages.map((a) => a.toFixed(2)).join(',')}]`).replace('"@IKM@"', r.ikm.toFixed(2));
}
