/**
 * Tests of the item-analysis statistics against (a) values worked out by hand below and (b) a
 * deliberately slow, literal re-implementation of the Moodle formulas written here from the
 * documented definitions, so a drift in the fast single-pass code shows up as a mismatch.
 */
import { expect } from 'chai';
import { analyse, type ItemAnalysisInput, type ItemAnalysis } from '../statistics';
import { seededRandom } from '../../../src/learning/seeded-shuffle';

const close = (actual: number | null, expected: number, digits = 6): void => {
  expect(actual, `expected ~${expected}`).to.be.a('number');
  expect(actual as number).to.be.closeTo(expected, 10 ** -digits);
};

// ---- Slow reference, written straight from the definitions -----------------------------
const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleCov = (xs: number[], ys: number[]): number => {
  const mx = meanOf(xs);
  const my = meanOf(ys);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - mx) * (ys[i]! - my);
  return s / (xs.length - 1);
};

function reference(input: ItemAnalysisInput): ItemAnalysis {
  const s = input.attempts.length;
  const p = input.items.length;
  const mark = (i: number, j: number): number => input.attempts[i]!.marks[j] ?? 0;
  const totals = input.attempts.map((_, i) => input.items.reduce((t, _it, j) => t + mark(i, j), 0));
  const column = (j: number): number[] => input.attempts.map((_, i) => mark(i, j));

  const covT = input.items.map((_, j) => sampleCov(column(j), totals));
  const sumSqrt = covT.filter((c) => c >= 0).reduce((a, c) => a + Math.sqrt(c), 0);
  const items = input.items.map((item, j) => {
    const x = column(j);
    const rest = totals.map((t, i) => t - x[i]!);
    const vx = sampleCov(x, x);
    const vr = sampleCov(rest, rest);
    const c = sampleCov(x, rest);
    const sx = [...x].sort((a, b) => a - b);
    const sr = [...rest].sort((a, b) => a - b);
    const cmax = sampleCov(sx, sr);
    return {
      slot: item.slot,
      attempts: s,
      facility: (100 * meanOf(x)) / item.maxMark,
      sd: (100 * Math.sqrt(vx)) / item.maxMark,
      discriminationIndex: vx * vr > 1e-12 ? (100 * c) / Math.sqrt(vx * vr) : null,
      discriminativeEfficiency: Math.abs(cmax) > 1e-12 ? (100 * c) / cmax : null,
      effectiveWeight: covT[j]! >= 0 ? (100 * Math.sqrt(covT[j]!)) / sumSqrt : null,
      randomGuessScore: typeof item.randomGuessScore === 'number' ? 100 * item.randomGuessScore : null,
      intendedWeight: (100 * item.maxMark) / input.items.reduce((a, it) => a + it.maxMark, 0),
    };
  });

  const mean = meanOf(totals);
  const sorted = [...totals].sort((a, b) => a - b);
  const median = s % 2 ? sorted[(s - 1) / 2]! : (sorted[s / 2 - 1]! + sorted[s / 2]!) / 2;
  const sd = Math.sqrt(sampleCov(totals, totals));
  const m = (r: number): number => totals.reduce((a, t) => a + (t - mean) ** r, 0) / s;
  const k2 = (s * m(2)) / (s - 1);
  const k3 = (s * s * m(3)) / ((s - 1) * (s - 2));
  const k4 = (s * s * ((s + 1) * m(4) - 3 * (s - 1) * m(2) ** 2)) / ((s - 1) * (s - 2) * (s - 3));
  const sumVar = input.items.reduce((a, _it, j) => a + sampleCov(column(j), column(j)), 0);
  const cic = ((100 * p) / (p - 1)) * (1 - sumVar / k2);
  const errorRatio = 100 * Math.sqrt(1 - cic / 100);
  return {
    quiz: {
      attempts: s,
      mean,
      median,
      sd,
      skewness: k3 / k2 ** 1.5,
      kurtosis: k4 / k2 ** 2,
      cic,
      errorRatio,
      standardError: (errorRatio / 100) * sd,
    },
    items,
  };
}

function expectSame(actual: ItemAnalysis, expected: ItemAnalysis): void {
  const cmp = (a: number | null, e: number | null, what: string): void => {
    if (e === null) expect(a, what).to.equal(null);
    else {
      expect(a, what).to.be.a('number');
      expect(a as number, what).to.be.closeTo(e, 1e-9 * Math.max(1, Math.abs(e)));
    }
  };
  for (const key of Object.keys(expected.quiz) as Array<keyof ItemAnalysis['quiz']>) {
    cmp(actual.quiz[key], expected.quiz[key], `quiz.${key}`);
  }
  expect(actual.items.length).to.equal(expected.items.length);
  expected.items.forEach((e, j) => {
    const a = actual.items[j]!;
    expect(a.slot).to.equal(e.slot);
    expect(a.attempts).to.equal(e.attempts);
    for (const key of ['facility', 'sd', 'discriminationIndex', 'discriminativeEfficiency', 'effectiveWeight'] as const) {
      cmp(a[key], e[key], `items[${j}].${key}`);
    }
  });
}

const attempts = (rows: Array<Array<number | null>>): ItemAnalysisInput['attempts'] =>
  rows.map((marks, i) => ({ attemptId: `a${i + 1}`, userId: `u${i + 1}`, marks }));

/*
 * The small data set, 6 attempts × 4 slots (max marks 1, 2, 1, 3); a5 left slot 2 unanswered.
 *
 *        Q1  Q2   Q3  Q4   | total
 *   a1   1   2    1   3    | 7
 *   a2   1   1.5  0   2    | 4.5
 *   a3   0   1    1   1.5  | 3.5
 *   a4   1   0.5  0   0    | 1.5
 *   a5   0   —    1   1    | 2
 *   a6   1   2    0   2.5  | 5.5
 *
 * Worked by hand:
 * - mean = 24/6 = 4; sorted totals 1.5 2 3.5 4.5 5.5 7 → median (3.5+4.5)/2 = 4.
 * - deviations 3 .5 −.5 −2.5 −2 1.5: Σd² = 22, Σd³ = 6.75, Σd⁴ = 141.25.
 *   sd = √(22/5) = 2.0976177; k2 = 4.4; k3 = 36·1.125/(5·4) = 2.025 → skewness = 2.025/4.4^1.5
 *   = 2.025/9.2295179 = 0.2194047; k4 = 36·(7·23.541667 − 15·(22/6)²)/60 = −22.125 → kurtosis = −22.125/19.36
 *   = −1.1428202.
 * - item variances: Q1 (4/3)/5 = 0.2666667, Q2 (10/3)/5 = 0.6666667, Q3 1.5/5 = 0.3,
 *   Q4 (35/6)/5 = 1.1666667; Σ = 2.4 → cic = 100·4/3·(1 − 2.4/4.4) = 60.606061;
 *   errorRatio = 100·√(1 − 0.60606061) = 62.764591; standardError = 0.62764591·2.0976177 = 1.3165612.
 * - Q1: facility 4/6 = 66.666667 %, sd √0.2666667 = 51.639778 %. Rest R = 6 3.5 3.5 .5 2 4.5
 *   (mean 10/3), Σ(x−x̄)(R−R̄) = 7/6 → cov 0.2333333, var R = 18.333333/5 = 3.6666667
 *   → discrimination = 100·0.2333333/√(0.2666667·3.6666667) = 23.596995.
 *   Sorted pairing (0,.5)(0,2)(1,3.5)(1,3.5)(1,4.5)(1,6): Σ = 25/6 → covMax 0.8333333
 *   → discriminative efficiency = 100·(7/6)/(25/6) = 28.
 * - Q1 cov with total = cov(x,R) + var(x) = 0.5 (the effective weight numerator is √0.5).
 */
const SMALL: ItemAnalysisInput = {
  items: [
    { slot: 1, maxMark: 1 },
    { slot: 2, maxMark: 2 },
    { slot: 3, maxMark: 1 },
    { slot: 4, maxMark: 3 },
  ],
  attempts: attempts([
    [1, 2, 1, 3],
    [1, 1.5, 0, 2],
    [0, 1, 1, 1.5],
    [1, 0.5, 0, 0],
    [0, null, 1, 1],
    [1, 2, 0, 2.5],
  ]),
};

describe('report-item-analysis: statistics', () => {
  describe('small data set (6 attempts × 4 slots)', () => {
    const result = analyse(SMALL);

    it('matches the hand-worked whole-test statistics', () => {
      expect(result.quiz.attempts).to.equal(6);
      close(result.quiz.mean, 4);
      close(result.quiz.median, 4);
      close(result.quiz.sd, Math.sqrt(4.4));
      close(result.quiz.skewness, 0.2194047, 7);
      close(result.quiz.kurtosis, -22.125 / 19.36);
      close(result.quiz.cic, 60.606061, 5);
      close(result.quiz.errorRatio, 62.764591, 5);
      close(result.quiz.standardError, 1.3165612, 7);
    });

    it('matches the hand-worked statistics of slot 1', () => {
      const q1 = result.items[0]!;
      expect(q1.slot).to.equal(1);
      expect(q1.attempts).to.equal(6);
      close(q1.facility, 200 / 3);
      close(q1.sd, 100 * Math.sqrt(4 / 15));
      close(q1.discriminationIndex, 23.596995, 5);
      close(q1.discriminativeEfficiency, 28);
    });

    it('counts an unanswered (null) mark as 0 and keeps the attempt in the slot', () => {
      const q2 = result.items[1]!;
      expect(q2.attempts).to.equal(6);
      close(q2.facility, (100 * (7 / 6)) / 2);
      close(q2.sd, (100 * Math.sqrt(2 / 3)) / 2);
    });

    it('has effective weights that add up to 100 %', () => {
      const sum = result.items.reduce((a, it) => a + (it.effectiveWeight ?? 0), 0);
      close(sum, 100, 9);
      // Q1's numerator is √0.5 (see the comment above).
      const denom = result.items.reduce((a, _it, j) => {
        const col = SMALL.attempts.map((at) => at.marks[j] ?? 0);
        const totals = SMALL.attempts.map((at) => at.marks.reduce<number>((t, m) => t + (m ?? 0), 0));
        return a + Math.sqrt(sampleCov(col, totals));
      }, 0);
      close(result.items[0]!.effectiveWeight, (100 * Math.sqrt(0.5)) / denom);
    });

    it('agrees with the slow reference implementation on every value', () => {
      expectSame(result, reference(SMALL));
    });
  });

  it('agrees with the slow reference on a random 60 × 12 data set with partial and negative marks', () => {
    const rand = seededRandom(42);
    const items = Array.from({ length: 12 }, (_, j) => ({ slot: `Q${j + 1}`, maxMark: 1 + (j % 4) }));
    const rows = Array.from({ length: 60 }, () => {
      const ability = rand();
      return items.map((it) => {
        const r = rand();
        if (r < 0.05) return null;
        if (r < 0.1) return -it.maxMark / 3; // negative marking for a wrong multiple-choice answer
        return Math.round(Math.min(1, ability * 0.8 + rand() * 0.5) * it.maxMark * 4) / 4;
      });
    });
    const input = { items, attempts: attempts(rows) };
    expectSame(analyse(input), reference(input));
  });

  describe('edge cases', () => {
    it('gives a zero-variance item sd 0, effective weight 0 and no discrimination', () => {
      const r = analyse({
        items: [
          { slot: 'a', maxMark: 1 },
          { slot: 'b', maxMark: 1 },
          { slot: 'c', maxMark: 1 },
        ],
        attempts: attempts([
          [1, 1, 0],
          [1, 0, 0],
          [1, 1, 1],
          [1, 0, 1],
          [1, 1, 1],
        ]),
      });
      const a = r.items[0]!;
      expect(a.facility).to.equal(100);
      expect(a.sd).to.equal(0);
      expect(a.discriminationIndex).to.equal(null);
      expect(a.discriminativeEfficiency).to.equal(null);
      expect(a.effectiveWeight).to.equal(0);
      expect(r.items[1]!.discriminationIndex).to.be.a('number');
    });

    it('gives no discrimination when the rest of the test is constant (float noise included)', () => {
      // The rest of the test is 0.1 + 0.7 in every attempt; T − x is not bit-identical.
      const r = analyse({
        items: [
          { slot: 1, maxMark: 1 },
          { slot: 2, maxMark: 1 },
          { slot: 3, maxMark: 1 },
        ],
        attempts: attempts([
          [0.3, 0.1, 0.7],
          [0.9, 0.1, 0.7],
          [0.15, 0.1, 0.7],
          [0.6, 0.1, 0.7],
        ]),
      });
      expect(r.items[0]!.discriminationIndex).to.equal(null);
      expect(r.items[0]!.discriminativeEfficiency).to.equal(null);
      expect(r.items[1]!.sd).to.equal(0);
    });

    it('keeps a negative alpha negative (never clamped)', () => {
      const r = analyse({
        items: [
          { slot: 1, maxMark: 1 },
          { slot: 2, maxMark: 1 },
        ],
        attempts: attempts([
          [1, 0],
          [0, 1],
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
      });
      // var(x1) = var(x2) = 1.2/4 = 0.3, totals 1 1 1 1 2 → var(T) = 0.8/4 = 0.2
      // → cic = 200·(1 − 0.6/0.2) = −400, errorRatio = 100·√5, standardError = √5·√0.2 = 1.
      close(r.quiz.cic, -400);
      close(r.quiz.errorRatio, 100 * Math.sqrt(5));
      close(r.quiz.standardError, 1);
    });

    it('gives effective weight null to an item whose covariance with the total is negative', () => {
      const r = analyse({
        items: [
          { slot: 1, maxMark: 1 },
          { slot: 2, maxMark: 1 },
          { slot: 3, maxMark: 1 },
        ],
        attempts: attempts([
          [1, 1, 0],
          [1, 1, 0],
          [0, 0, 1],
          [0, 0, 1],
          [1, 0, 0],
        ]),
      });
      expect(r.items[2]!.effectiveWeight).to.equal(null);
      close((r.items[0]!.effectiveWeight ?? 0) + (r.items[1]!.effectiveWeight ?? 0), 100, 9);
      expect(r.items[2]!.discriminationIndex).to.be.below(0);
    });

    it('with one attempt: mean and median only, every spread statistic null', () => {
      const r = analyse({ items: SMALL.items, attempts: attempts([[1, 2, 0, 1]]) });
      expect(r.quiz).to.deep.equal({
        attempts: 1,
        mean: 4,
        median: 4,
        sd: null,
        skewness: null,
        kurtosis: null,
        cic: null,
        errorRatio: null,
        standardError: null,
      });
      expect(r.items[1]).to.deep.equal({
        slot: 2,
        attempts: 1,
        facility: 100,
        sd: null,
        discriminationIndex: null,
        discriminativeEfficiency: null,
        effectiveWeight: null,
        randomGuessScore: null,
        intendedWeight: (100 * 2) / 7,
      });
    });

    it('with two attempts: sd but no skewness, kurtosis or cic (Moodle needs s > 2)', () => {
      const r = analyse({ items: SMALL.items, attempts: attempts([[1, 2, 0, 1], [0, 1, 1, 0]]) });
      close(r.quiz.sd, Math.SQRT2); // totals 4 and 2
      expect(r.quiz.skewness).to.equal(null);
      expect(r.quiz.kurtosis).to.equal(null);
      expect(r.quiz.cic).to.equal(null);
      expect(r.quiz.errorRatio).to.equal(null);
    });

    it('with three attempts: skewness but no kurtosis (Moodle needs s > 3)', () => {
      const r = analyse({ items: SMALL.items, attempts: attempts([[1, 2, 0, 1], [0, 1, 1, 0], [1, 0, 1, 3]]) });
      expect(r.quiz.skewness).to.be.a('number');
      expect(r.quiz.kurtosis).to.equal(null);
      expect(r.quiz.cic).to.be.a('number');
    });

    it('with no attempts: everything null', () => {
      const r = analyse({ items: SMALL.items, attempts: [] });
      expect(r.quiz.attempts).to.equal(0);
      expect(r.quiz.mean).to.equal(null);
      expect(r.quiz.median).to.equal(null);
      expect(r.items[0]).to.deep.include({ attempts: 0, facility: null, sd: null, effectiveWeight: null });
    });

    it('with identical totals: sd 0 and skewness, kurtosis, cic null', () => {
      const r = analyse({
        items: [
          { slot: 1, maxMark: 1 },
          { slot: 2, maxMark: 1 },
        ],
        attempts: attempts([
          [1, 0],
          [0, 1],
          [1, 0],
          [0, 1],
        ]),
      });
      expect(r.quiz.sd).to.equal(0);
      expect(r.quiz.skewness).to.equal(null);
      expect(r.quiz.kurtosis).to.equal(null);
      expect(r.quiz.cic).to.equal(null);
      expect(r.items[0]!.effectiveWeight).to.equal(null);
    });

    it('with a single slot: no cic (needs two slots)', () => {
      const r = analyse({ items: [{ slot: 1, maxMark: 2 }], attempts: attempts([[0], [1], [2], [2]]) });
      expect(r.quiz.cic).to.equal(null);
      expect(r.items[0]!.discriminationIndex).to.equal(null); // the rest of the test is empty
      close(r.items[0]!.effectiveWeight, 100);
    });

    it('rejects marks that do not match the slots, and non-finite marks', () => {
      expect(() => analyse({ items: SMALL.items, attempts: attempts([[1, 2]]) })).to.throw(RangeError);
      expect(() => analyse({ items: SMALL.items, attempts: attempts([[1, 2, NaN, 0]]) })).to.throw(RangeError);
    });
  });

  describe('slots worth 0 marks and the declared figures (Moodle\'s random guess score, intended weight)', () => {
    it('reports a 0-mark slot with null statistics and leaves every other figure as without it', () => {
      const rows = SMALL.attempts.map((a) => a.marks);
      const withZero = analyse({ items: [...SMALL.items.slice(0, 2), { slot: 'desc', maxMark: 0 }, ...SMALL.items.slice(2)], attempts: attempts(rows.map((m) => [...m.slice(0, 2), 0, ...m.slice(2)])) });
      const without = analyse(SMALL);
      expect(withZero.items[2]).to.deep.include({ slot: 'desc', attempts: SMALL.attempts.length, facility: null, sd: null, discriminationIndex: null, discriminativeEfficiency: null, effectiveWeight: null, randomGuessScore: null, intendedWeight: null });
      expect(withZero.quiz).to.deep.equal(without.quiz);
      expect(withZero.items.filter((it) => it.slot !== 'desc')).to.deep.equal(without.items);
    });

    it('gives the intended weight as the share of the summed max marks, and the guess score in percent', () => {
      const r = analyse({ items: [{ slot: 1, maxMark: 1, randomGuessScore: 0.25 }, { slot: 2, maxMark: 3, randomGuessScore: null }], attempts: attempts([[1, 2], [0, 3], [1, 0]]) });
      expect(r.items.map((it) => [it.intendedWeight, it.randomGuessScore])).to.deep.equal([[25, 25], [75, null]]);
    });
  });

  // Its speed is the bench's business (npm run bench); this checks the size a real exam has.
  it('analyses 1,000 attempts × 100 slots', () => {
    const rand = seededRandom(7);
    const items = Array.from({ length: 100 }, (_, j) => ({ slot: j + 1, maxMark: 1 + (j % 3) }));
    const rows = Array.from({ length: 1000 }, () => items.map((it) => Math.round(rand() * it.maxMark * 2) / 2));
    const input = { items, attempts: attempts(rows) };
    const r = analyse(input);
    expect(r.items).to.have.length(100);
    expect(r.items.every((item) => item.attempts === 1000 && Number.isFinite(item.facility))).to.equal(true);
  });
});
