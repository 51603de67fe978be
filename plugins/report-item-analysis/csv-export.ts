/**
 * CSV export of an item analysis that opens the same way in any spreadsheet, whatever its locale
 * or encoding guess: ASCII only, '.' decimals with a fixed number of decimals, RFC 4180 quoting,
 * CRLF line ends, and empty cells for undefined (null) statistics.
 * Two tables, because the test summary and the per-slot rows have different columns:
 * `quizSummaryCsv` (statistic,value) and `itemStatisticsCsv` (one row per slot).
 */
import type { ItemAnalysis } from './statistics';

export interface CsvExportOptions {
  /** Decimals of marks and percentages; skewness and kurtosis get two more (as Moodle shows). */
  decimals?: number;
}

const EOL = '\r\n';

/** Fixed-point number; toFixed is locale-independent, so the separator is always '.'. */
export function formatNumber(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const s = value.toFixed(decimals);
  // -0.001 rounds to "-0.00": a signed zero reads as an error in a report.
  return /^-0(?:\.0*)?$/.test(s) ? s.slice(1) : s;
}

/**
 * Makes any text ASCII: accents are dropped after NFKD decomposition ("Soal ké-1" → "Soal ke-1",
 * "ﬁ" → "fi"), and whatever is still outside printable ASCII (other scripts, emoji, control
 * characters such as a newline) becomes a visible `\u{hex}` escape, so distinct names stay
 * distinct. A literal backslash is doubled so escapes cannot be confused with input text.
 */
export function toAscii(text: string): string {
  const decomposed = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let out = '';
  for (const ch of decomposed) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else out += `\\u{${cp.toString(16)}}`;
  }
  return out;
}

/**
 * One text cell: ASCII, guarded against spreadsheet formula injection (a leading = + - @ would
 * be evaluated by Excel/LibreOffice, so such text gets a leading apostrophe), and quoted when it
 * holds a comma, a quote or edge spaces.
 */
export function textCell(text: string): string {
  let s = toAscii(text);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const row = (cells: string[]): string => cells.join(',') + EOL;

export function quizSummaryCsv(analysis: ItemAnalysis, options: CsvExportOptions = {}): string {
  const d = options.decimals ?? 2;
  const q = analysis.quiz;
  const rows: Array<[string, string]> = [
    ['attempts', String(q.attempts)],
    ['mean', formatNumber(q.mean, d)],
    ['median', formatNumber(q.median, d)],
    ['sd', formatNumber(q.sd, d)],
    ['skewness', formatNumber(q.skewness, d + 2)],
    ['kurtosis', formatNumber(q.kurtosis, d + 2)],
    ['cic_percent', formatNumber(q.cic, d)],
    ['error_ratio_percent', formatNumber(q.errorRatio, d)],
    ['standard_error', formatNumber(q.standardError, d)],
  ];
  return row(['statistic', 'value']) + rows.map((r) => row(r)).join('');
}

export function itemStatisticsCsv(analysis: ItemAnalysis, options: CsvExportOptions = {}): string {
  const d = options.decimals ?? 2;
  let out = row([
    'slot',
    'attempts',
    'facility_percent',
    'sd_percent',
    'discrimination_index_percent',
    'discriminative_efficiency_percent',
    'effective_weight_percent',
    'random_guess_score_percent',
    'intended_weight_percent',
  ]);
  for (const it of analysis.items) {
    out += row([
      textCell(String(it.slot)),
      String(it.attempts),
      formatNumber(it.facility, d),
      formatNumber(it.sd, d),
      formatNumber(it.discriminationIndex, d),
      formatNumber(it.discriminativeEfficiency, d),
      formatNumber(it.effectiveWeight, d),
      formatNumber(it.randomGuessScore, d),
      formatNumber(it.intendedWeight, d),
    ]);
  }
  return out;
}
