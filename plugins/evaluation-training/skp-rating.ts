/**
 * Kirkpatrick level 4 (results) reads performance ratings (SKP, PermenPANRB 6/2022): work results
 * and behaviour (BerAKHLAK) are each rated above / meets / below expectation, and together give the
 * combined rating (predikat kinerja), per DOMAIN.md:
 *   above+above = Sangat Baik; above+meets, meets+above, meets+meets = Baik;
 *   below results with above/meets behaviour = Butuh Perbaikan; below+below = Sangat Kurang;
 *   below behaviour with above/meets results = Kurang/Misconduct.
 * For comparing groups the ratings are put on an ordinal 1–5 (Sangat Kurang 1 … Sangat Baik 5);
 * a mean of them is a summary of an ordinal scale, shown as such.
 */
export type Expectation = 'above' | 'meets' | 'below';
export type SkpRating = 'sangat-baik' | 'baik' | 'butuh-perbaikan' | 'kurang' | 'sangat-kurang';

export const SKP_RATING_LABELS: Record<SkpRating, string> = {
  'sangat-baik': 'Sangat Baik',
  baik: 'Baik',
  'butuh-perbaikan': 'Butuh Perbaikan',
  kurang: 'Kurang/Misconduct',
  'sangat-kurang': 'Sangat Kurang',
};

export const SKP_ORDINAL: Record<SkpRating, number> = { 'sangat-baik': 5, baik: 4, 'butuh-perbaikan': 3, kurang: 2, 'sangat-kurang': 1 };

export function skpRating(results: Expectation, behaviour: Expectation): SkpRating {
  if (results === 'below' && behaviour === 'below') return 'sangat-kurang';
  if (results === 'below') return 'butuh-perbaikan';
  if (behaviour === 'below') return 'kurang';
  if (results === 'above' && behaviour === 'above') return 'sangat-baik';
  return 'baik';
}
