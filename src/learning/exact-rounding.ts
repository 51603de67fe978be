/**
 * Rounding of exact fractions to a fixed number of decimals, half away from zero, without binary
 * floating point on the way: regulation figures such as the JPM or the IKM are read from the value
 * rounded to 2 decimals (76.605 → 76.61), and 76.605 as a double is 76.60499999…, which a
 * `Math.round(x * 100) / 100` would send the wrong way across a grade boundary.
 */

/** numerator / denominator rounded to `decimals` places, half away from zero. */
export function roundFraction(numerator: bigint, denominator: bigint, decimals = 2): number {
  if (denominator === 0n) throw new RangeError('denominator is zero');
  if (denominator < 0n) return roundFraction(-numerator, -denominator, decimals);
  const scale = 10n ** BigInt(decimals);
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const scaled = (2n * abs * scale + denominator) / (2n * denominator);
  const text = scaled.toString().padStart(decimals + 1, '0');
  const value = Number(`${text.slice(0, text.length - decimals)}.${text.slice(text.length - decimals)}`);
  return negative ? -value : value;
}

/**
 * A decimal written in a setting or a file (e.g. `0.11`, `90`, `77.5`) as an exact fraction.
 * Throws on anything but plain decimal notation.
 */
export function decimalToFraction(text: string): { numerator: bigint; denominator: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a plain decimal: ${text}`);
  const decimals = m[3] ?? '';
  const denominator = 10n ** BigInt(decimals.length);
  const numerator = BigInt(`${m[2]}${decimals}`) * (m[1] ? -1n : 1n);
  return { numerator, denominator };
}
