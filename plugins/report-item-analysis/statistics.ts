/**
 * Item analysis of an exam: per-slot (question position) and whole-test statistics, with the
 * definitions of Moodle's quiz statistics report ("Quiz statistics calculations" in the Moodle
 * developer docs), so figures can be compared one to one with a Moodle export.
 *
 * Sources (moodle/moodle):
 * - question/classes/statistics/questions/calculator.php: initial_steps_walker,
 *   initial_question_walker, secondary_steps_walker, secondary_question_walker (facility, item SD,
 *   discrimination index, discriminative efficiency) and calculate() (effective weight, sum of
 *   item mark variances used by the CIC).
 * - mod/quiz/report/statistics/classes/calculator.php: calculate(), median(),
 *   sum_of_powers_of_difference_to_mean() (test mean, median, SD, skewness, kurtosis, CIC,
 *   error ratio, standard error).
 *
 * Formulas (s = attempts, x = mark of the slot, T = attempt total, R = T − x "rest of test"):
 * - facility            = 100 · mean(x) / maxMark
 * - sd (item)           = 100 · sqrt(Σ(x − x̄)² / (s − 1)) / maxMark                  (s > 1)
 * - discriminationIndex = 100 · cov(x, R) / sqrt(var(x) · var(R)), sample (s − 1) moments
 * - discriminativeEff.  = 100 · cov(x, R) / covMax, covMax = covariance of x sorted ascending
 *                         paired with R sorted ascending (the largest cov these marks allow)
 * - effectiveWeight     = 100 · sqrt(cov(x, T)) / Σ_slots sqrt(cov(x_j, T)), the sum over the
 *                         slots whose cov(x_j, T) ≥ 0; null for a slot with cov(x, T) < 0
 * - test sd             = sqrt(Σ(T − T̄)² / (s − 1))
 * - skewness            = k3 / k2^(3/2), kurtosis = k4 / k2² with m_r = Σ(T − T̄)^r / s,
 *                         k2 = s·m2/(s − 1), k3 = s²·m3/((s − 1)(s − 2)),
 *                         k4 = s²·((s + 1)·m4 − 3(s − 1)·m2²)/((s − 1)(s − 2)(s − 3))
 * - cic                 = 100 · p/(p − 1) · (1 − Σ var(x_j) / k2)   (Cronbach's alpha, KR-20)
 * - errorRatio          = 100 · sqrt(1 − cic/100), standardError = errorRatio/100 · test sd
 *
 * Missing marks: `null` means "not attempted" and counts as a mark of 0 in the slot and in the
 * attempt total, and the attempt still counts in the slot's attempts. This is what Moodle does:
 * an unanswered question's latest step has a NULL fraction, `fraction * maxmark` is NULL, and PHP
 * adds NULL as 0 both to the slot statistics and to the attempt's sum of marks; the Moodle docs
 * ("Incomplete attempts") also choose a score of zero for omitted items. Callers with
 * not-yet-graded attempts must leave those attempts out (Moodle excludes attempts whose
 * sumgrades is NULL) rather than pass nulls.
 *
 * Undefined values are `null`, never NaN: Moodle's guards are kept (skewness and CIC need s > 2
 * and a non-zero test variance, kurtosis s > 3, CIC at least two slots; an item's discrimination
 * needs non-zero item and rest variances). CIC is never clamped and can be negative.
 */

export type Slot = string | number;

export interface ItemAnalysisInput {
  /** `randomGuessScore`: the question type's estimate of a blind guess, as a fraction of the mark (0–1); null or absent when none can be given. */
  items: Array<{ slot: Slot; maxMark: number; randomGuessScore?: number | null }>;
  attempts: Array<{ attemptId: string; userId: string; marks: Array<number | null> }>;
}

export interface QuizStatistics {
  attempts: number;
  /** Mean attempt total, in marks. */
  mean: number | null;
  median: number | null;
  /** Sample standard deviation of attempt totals, in marks. */
  sd: number | null;
  skewness: number | null;
  kurtosis: number | null;
  /** Coefficient of internal consistency (Cronbach's alpha), percent; may be negative. */
  cic: number | null;
  /** Percent. */
  errorRatio: number | null;
  /** In marks. */
  standardError: number | null;
}

export interface ItemStatistics {
  slot: Slot;
  attempts: number;
  /** Mean mark, percent of the slot's max mark. */
  facility: number | null;
  /** Sample SD of the mark, percent of the slot's max mark. */
  sd: number | null;
  discriminationIndex: number | null;
  discriminativeEfficiency: number | null;
  effectiveWeight: number | null;
  /** Moodle's random guess score: what a blind guess would score, percent of the max mark; null when the type cannot say. */
  randomGuessScore: number | null;
  /** Moodle's intended weight: the slot's max mark, percent of the sum of max marks. */
  intendedWeight: number | null;
}

export interface ItemAnalysis {
  quiz: QuizStatistics;
  items: ItemStatistics[];
}

/**
 * Spreads whose max − min is below this fraction of the mark scale are treated as exactly
 * constant. Why: the "rest of test" R = T − x is rebuilt from float sums, so a constant R can
 * differ in the last bits between attempts, and a 1e-32 variance would otherwise turn into a
 * meaningless huge discrimination index instead of `null`.
 */
const CONSTANT_TOLERANCE = 1e-9;

/**
 * The analysis with Moodle's two declared figures per slot (random guess score, intended weight).
 * A slot worth 0 marks (a description, an unscored question) is left out of every computed
 * figure, so it changes neither the totals nor the CIC's slot count, and is reported with null
 * statistics rather than refused.
 */
export function analyse(input: ItemAnalysisInput): ItemAnalysis {
  const scored = input.items.map((it, j) => (it.maxMark !== 0 ? j : -1)).filter((j) => j >= 0);
  const sumMax = input.items.reduce((s, it) => s + (Number.isFinite(it.maxMark) ? it.maxMark : 0), 0);
  const core = scored.length === input.items.length
    ? analyseScored(input)
    : analyseScored({ items: scored.map((j) => input.items[j]!), attempts: input.attempts.map((a) => ({ ...a, marks: marksOf(a, input.items.length, scored) })) });
  const bySlot = new Map(scored.map((j, i) => [j, core.items[i]!]));
  const items = input.items.map((it, j): ItemStatistics => {
    const computed = bySlot.get(j);
    const declared = {
      randomGuessScore: it.maxMark !== 0 && typeof it.randomGuessScore === 'number' ? 100 * it.randomGuessScore : null,
      intendedWeight: it.maxMark !== 0 && sumMax > 0 ? (100 * it.maxMark) / sumMax : null,
    };
    if (computed) return { ...computed, ...declared };
    return { slot: it.slot, attempts: input.attempts.length, facility: null, sd: null, discriminationIndex: null, discriminativeEfficiency: null, effectiveWeight: null, ...declared };
  });
  return { quiz: core.quiz, items };
}

/** The marks of the scored slots only (a wrong count is reported by analyseScored's check on the full row). */
function marksOf(a: ItemAnalysisInput['attempts'][number], k: number, scored: number[]): Array<number | null> {
  if (a.marks.length !== k) throw new RangeError(`attempt ${a.attemptId}: ${a.marks.length} marks for ${k} slots`);
  return scored.map((j) => a.marks[j] ?? null);
}

function analyseScored(input: ItemAnalysisInput): { quiz: QuizStatistics; items: Array<Omit<ItemStatistics, 'randomGuessScore' | 'intendedWeight'>> } {
  const k = input.items.length;
  const n = input.attempts.length;

  const maxMarks = new Float64Array(k);
  let markScale = 1;
  for (let j = 0; j < k; j++) {
    const item = input.items[j]!;
    if (!Number.isFinite(item.maxMark)) throw new RangeError(`item ${String(item.slot)}: maxMark is not a finite number`);
    maxMarks[j] = item.maxMark;
    markScale += Math.abs(item.maxMark);
  }

  // Column-major copy: each slot's marks are contiguous, which keeps the per-slot passes and the
  // per-slot sort cache friendly. Totals are summed in the same pass.
  const cols = new Float64Array(k * n);
  const totals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const marks = input.attempts[i]!.marks;
    if (marks.length !== k) {
      throw new RangeError(`attempt ${input.attempts[i]!.attemptId}: ${marks.length} marks for ${k} slots`);
    }
    let t = 0;
    for (let j = 0; j < k; j++) {
      const m = marks[j];
      // null = not attempted = 0 marks (see the file docblock).
      const v = m === null || m === undefined ? 0 : m;
      if (!Number.isFinite(v)) throw new RangeError(`attempt ${input.attempts[i]!.attemptId}: mark ${j + 1} is not a finite number`);
      cols[j * n + i] = v;
      t += v;
    }
    totals[i] = t;
  }

  // ---- Whole test ----------------------------------------------------------------------
  let totalSum = 0;
  let totalMin = Infinity;
  let totalMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = totals[i]!;
    totalSum += t;
    if (t < totalMin) totalMin = t;
    if (t > totalMax) totalMax = t;
  }
  const totalMean = n > 0 ? totalSum / n : 0;
  const totalConstant = n === 0 || totalMax - totalMin <= CONSTANT_TOLERANCE * markScale;
  // Centered totals, snapped to exactly 0 when the totals do not vary (see CONSTANT_TOLERANCE).
  const totalDev = new Float64Array(n);
  let p2 = 0;
  let p3 = 0;
  let p4 = 0;
  if (!totalConstant) {
    for (let i = 0; i < n; i++) {
      const d = totals[i]! - totalMean;
      totalDev[i] = d;
      const d2 = d * d;
      p2 += d2;
      p3 += d2 * d;
      p4 += d2 * d2;
    }
  }

  // ---- Per slot ------------------------------------------------------------------------
  const items: Array<Omit<ItemStatistics, 'randomGuessScore' | 'intendedWeight'>> = new Array(k);
  const covWithTotal = new Float64Array(k);
  const sortedMarks = new Float64Array(n);
  const rest = new Float64Array(n);
  let sumOfMarkVariance = 0;
  let sumSqrtCovWithTotal = 0;

  for (let j = 0; j < k; j++) {
    const base = j * n;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let restSum = 0;
    let restMin = Infinity;
    let restMax = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = cols[base + i]!;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      // Rest of the test computed as Moodle does (sum of marks − this mark), not as a
      // difference of variances, so cancellation stays local to each attempt.
      const r = totals[i]! - x;
      rest[i] = r;
      restSum += r;
      if (r < restMin) restMin = r;
      if (r > restMax) restMax = r;
    }
    const mean = n > 0 ? sum / n : 0;
    const restMean = n > 0 ? restSum / n : 0;
    // Multiplying deviations by 0 makes a constant column contribute exact zeros.
    const markScaleJ = n === 0 || max - min <= CONSTANT_TOLERANCE * Math.max(1, Math.abs(maxMarks[j]!)) ? 0 : 1;
    const restScaleJ = n === 0 || restMax - restMin <= CONSTANT_TOLERANCE * markScale ? 0 : 1;

    let varSum = 0;
    let restVarSum = 0;
    let covSum = 0;
    let covTotalSum = 0;
    for (let i = 0; i < n; i++) {
      const d = (cols[base + i]! - mean) * markScaleJ;
      const dr = (rest[i]! - restMean) * restScaleJ;
      varSum += d * d;
      restVarSum += dr * dr;
      covSum += d * dr;
      covTotalSum += d * totalDev[i]!;
    }

    // covMax pairs the i-th smallest mark with the i-th smallest rest score (Moodle sorts both
    // arrays independently); by the rearrangement inequality that is the largest covariance
    // these marginal distributions allow.
    let covMaxSum = 0;
    if (n > 1 && markScaleJ !== 0 && restScaleJ !== 0) {
      sortedMarks.set(cols.subarray(base, base + n));
      sortedMarks.sort();
      rest.sort();
      for (let i = 0; i < n; i++) covMaxSum += (sortedMarks[i]! - mean) * (rest[i]! - restMean);
    }

    const maxMark = maxMarks[j]!;
    const item: Omit<ItemStatistics, 'randomGuessScore' | 'intendedWeight'> = {
      slot: input.items[j]!.slot,
      attempts: n,
      facility: n > 0 && maxMark !== 0 ? (100 * mean) / maxMark : null,
      sd: null,
      discriminationIndex: null,
      discriminativeEfficiency: null,
      effectiveWeight: null,
    };
    if (n > 1) {
      const variance = varSum / (n - 1);
      const restVariance = restVarSum / (n - 1);
      const covariance = covSum / (n - 1);
      const covarianceMax = covMaxSum / (n - 1);
      const covTotal = covTotalSum / (n - 1);
      covWithTotal[j] = covTotal;
      sumOfMarkVariance += variance;
      if (covTotal >= 0) sumSqrtCovWithTotal += Math.sqrt(covTotal);
      if (maxMark !== 0) item.sd = (100 * Math.sqrt(variance)) / maxMark;
      if (variance * restVariance !== 0) {
        item.discriminationIndex = (100 * covariance) / Math.sqrt(variance * restVariance);
      }
      if (covarianceMax !== 0) item.discriminativeEfficiency = (100 * covariance) / covarianceMax;
    }
    items[j] = item;
  }

  // Effective weight needs the sum over all slots, hence a second loop (as in Moodle).
  if (n > 1 && sumSqrtCovWithTotal !== 0) {
    for (let j = 0; j < k; j++) {
      const c = covWithTotal[j]!;
      items[j]!.effectiveWeight = c >= 0 ? (100 * Math.sqrt(c)) / sumSqrtCovWithTotal : null;
    }
  }

  const quiz: QuizStatistics = {
    attempts: n,
    mean: n > 0 ? totalMean : null,
    median: n > 0 ? median(totals) : null,
    sd: null,
    skewness: null,
    kurtosis: null,
    cic: null,
    errorRatio: null,
    standardError: null,
  };
  if (n > 1) {
    const sd = Math.sqrt(p2 / (n - 1));
    quiz.sd = sd;
    if (n > 2) {
      const m2 = p2 / n;
      const m3 = p3 / n;
      const m4 = p4 / n;
      const k2 = (n * m2) / (n - 1);
      const k3 = (n * n * m3) / ((n - 1) * (n - 2));
      if (k2 !== 0) {
        quiz.skewness = k3 / Math.pow(k2, 1.5);
        if (n > 3) {
          const k4 = (n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2)) / ((n - 1) * (n - 2) * (n - 3));
          quiz.kurtosis = k4 / (k2 * k2);
        }
        if (k > 1) {
          const cic = ((100 * k) / (k - 1)) * (1 - sumOfMarkVariance / k2);
          quiz.cic = cic;
          // Mathematically cic ≤ 100 (var(T) ≤ p·Σvar(x_j)); only rounding can push the radicand
          // a hair below 0, which is read as 0. Anything clearly negative stays undefined, as
          // Moodle stores its NaN error ratio as NULL.
          let radicand = 1 - cic / 100;
          if (radicand < 0 && radicand > -1e-12) radicand = 0;
          if (radicand >= 0) {
            quiz.errorRatio = 100 * Math.sqrt(radicand);
            quiz.standardError = (quiz.errorRatio * sd) / 100;
          }
        }
      }
    }
  }

  return { quiz, items };
}

/** Middle total, or the mean of the two middle totals for an even count (Moodle's median()). */
function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
