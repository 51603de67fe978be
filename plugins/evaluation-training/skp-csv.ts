/**
 * Reads an SKP export for level 4: `nip,period,results,behaviour`, one row per ASN and period.
 * `results` and `behaviour` are `above`, `meets` or `below` (or the Indonesian `diatas`,
 * `sesuai`, `dibawah`, with or without " ekspektasi"); the period is a year (`2026`) or a half
 * (`2026-S1`). Every bad row is reported with its 1-based line, all at once, and nothing is
 * imported while any row is bad (a half-imported period would skew a before/after comparison).
 */
import { parse } from 'csv-parse/sync';
import { checkAsnNumber } from '../../src/identity/nip';
import { skpRating, type Expectation, type SkpRating } from './skp-rating';

export interface SkpRow {
  line: number;
  nip: string;
  period: string;
  results: Expectation;
  behaviour: Expectation;
  rating: SkpRating;
}

export interface SkpProblem {
  line: number;
  message: string;
}

const HEADER = ['nip', 'period', 'results', 'behaviour'];
const PERIOD = /^\d{4}(?:-S[12])?$/;

export function expectationOf(text: string): Expectation | undefined {
  const v = text.trim().toLowerCase().replace(/\s+ekspektasi$/, '').replace(/\s+/g, '');
  if (v === 'above' || v === 'diatas') return 'above';
  if (v === 'meets' || v === 'sesuai') return 'meets';
  if (v === 'below' || v === 'dibawah') return 'below';
  return undefined;
}

export function readSkpCsv(text: string): { rows?: SkpRow[]; problems: SkpProblem[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    return { problems: [{ line: (err as { lines?: number }).lines ?? 0, message: `not readable as CSV: ${(err as Error).message}` }] };
  }
  if (records.length === 0) return { problems: [{ line: 0, message: `empty file: expected the header ${HEADER.join(',')}` }] };
  const head = records[0]!.record.map((h) => h.toLowerCase());
  if (head.join(',') !== HEADER.join(',')) return { problems: [{ line: records[0]!.info.lines, message: `header must be ${HEADER.join(',')} (found ${records[0]!.record.join(',')})` }] };
  const problems: SkpProblem[] = [];
  const rows: SkpRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== HEADER.length) {
      problems.push({ line, message: `expected ${HEADER.length} fields, found ${record.length}` });
      continue;
    }
    const [nip, period, r, b] = record as [string, string, string, string];
    const bad: string[] = [];
    const check = checkAsnNumber(nip);
    if (!check.ok) bad.push(`nip "${nip}": ${check.reason}`);
    if (!PERIOD.test(period)) bad.push(`period must be a year (2026) or a half (2026-S1), found "${period}"`);
    const results = expectationOf(r);
    const behaviour = expectationOf(b);
    if (!results) bad.push(`results must be above, meets or below (found "${r}")`);
    if (!behaviour) bad.push(`behaviour must be above, meets or below (found "${b}")`);
    const key = `${nip}|${period}`;
    if (!bad.length && seen.has(key)) bad.push(`${nip} is rated twice for ${period} (first on line ${seen.get(key)})`);
    if (bad.length) {
      for (const message of bad) problems.push({ line, message });
      continue;
    }
    seen.set(key, line);
    rows.push({ line, nip, period, results: results!, behaviour: behaviour!, rating: skpRating(results!, behaviour!) });
  }
  if (!problems.length && !rows.length) problems.push({ line: 0, message: 'no ratings: the file has a header and no rows' });
  return problems.length ? { problems } : { rows, problems };
}
