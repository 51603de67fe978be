/**
 * Reads an SKP export for level 4: `nip,period,results,behaviour`, one row per ASN and period.
 * `results` and `behaviour` are `above`, `meets` or `below` (or the Indonesian `diatas`,
 * `sesuai`, `dibawah`, with or without " ekspektasi"); the period is a year (`2026`) or a half
 * (`2026-S1`). Every bad row is reported with its 1-based line, all at once, and nothing is
 * imported while any row is bad (a half-imported period would skew a before/after comparison).
 */
import { readHeadedCsv } from '../../src/kernel/headed-csv';
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
  /** In English (the API's and the CLI's text). */
  message: string;
  /** The same in the reader's language: an i18n key (`evaluation-training:skp.err.*`, or the core's NIP reasons) and its args. */
  i18n: string;
  args?: Record<string, string | number>;
}

const E = 'evaluation-training:skp.err.';

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
  const read = readHeadedCsv(text, HEADER);
  if ('problem' in read) return { problems: [{ line: read.problem.line, message: read.problem.message, i18n: `${E}${read.problem.kind ?? 'unreadable'}`, args: { header: HEADER.join(',') } }] };
  const problems: SkpProblem[] = [];
  const rows: SkpRow[] = [];
  const seen = new Map<string, number>();
  for (const { fields: record, line } of read.records) {
    if (record.length !== HEADER.length) {
      problems.push({ line, message: `expected ${HEADER.length} fields, found ${record.length}`, i18n: `${E}fields`, args: { expected: HEADER.length, found: record.length } });
      continue;
    }
    const [nip, period, r, b] = record as [string, string, string, string];
    const bad: SkpProblem[] = [];
    const check = checkAsnNumber(nip);
    if (!check.ok) bad.push({ line, message: `nip "${nip}": ${check.reason}`, i18n: `${E}nip`, args: { value: nip, reasonKey: `core:${check.key}`, ...(check.args ?? {}) } });
    if (!PERIOD.test(period)) bad.push({ line, message: `period must be a year (2026) or a half (2026-S1), found "${period}"`, i18n: `${E}period`, args: { value: period } });
    const results = expectationOf(r);
    const behaviour = expectationOf(b);
    if (!results) bad.push({ line, message: `results must be above, meets or below (found "${r}")`, i18n: `${E}results`, args: { value: r } });
    if (!behaviour) bad.push({ line, message: `behaviour must be above, meets or below (found "${b}")`, i18n: `${E}behaviour`, args: { value: b } });
    const key = `${nip}|${period}`;
    if (!bad.length && seen.has(key)) bad.push({ line, message: `${nip} is rated twice for ${period} (first on line ${seen.get(key)})`, i18n: `${E}twice`, args: { value: nip, period, first: seen.get(key)! } });
    if (bad.length) {
      problems.push(...bad);
      continue;
    }
    seen.set(key, line);
    rows.push({ line, nip, period, results: results!, behaviour: behaviour!, rating: skpRating(results!, behaviour!) });
  }
  if (!problems.length && !rows.length) problems.push({ line: 0, message: 'no ratings: the file has a header and no rows', i18n: `${E}noRows` });
  return problems.length ? { problems } : { rows, problems };
}
