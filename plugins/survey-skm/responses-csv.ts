/**
 * Reads the `responses.csv` of `bina skm ikm`: a header `u1,…,u9` and one row per respondent with
 * nine scores from 1 to 4. Every bad row is reported with its 1-based line (and the column for a
 * bad value), all of them at once, so an officer fixes the spreadsheet in one pass. Nothing is
 * dropped silently: a short row or a value outside 1–4 makes the whole file refused.
 */
import { readHeadedCsv } from '../../src/kernel/headed-csv';
import { ELEMENT_COUNT } from './ikm';

export interface ResponsesProblem {
  /** 1-based physical line of the record; 0 for the file as a whole. */
  line: number;
  message: string;
}

const HEADER = Array.from({ length: ELEMENT_COUNT }, (_, i) => `u${i + 1}`);

export function readResponsesCsv(text: string): { rows?: number[][]; problems: ResponsesProblem[] } {
  const problems: ResponsesProblem[] = [];
  const read = readHeadedCsv(text, HEADER);
  if ('problem' in read) return { problems: [read.problem] };
  const rows: number[][] = [];
  for (const { fields, line } of read.records) {
    if (fields.length !== ELEMENT_COUNT) {
      problems.push({ line, message: `expected ${ELEMENT_COUNT} values u1…u9, found ${fields.length}` });
      continue;
    }
    const row: number[] = [];
    fields.forEach((v, i) => {
      if (/^[1-4]$/.test(v)) row.push(Number(v));
      else problems.push({ line, message: `u${i + 1} must be a whole number from 1 to 4 (found "${v}")` });
    });
    if (row.length === ELEMENT_COUNT) rows.push(row);
  }
  if (problems.length === 0 && rows.length === 0) problems.push({ line: 0, message: 'no responses: the file has a header and no rows' });
  return problems.length ? { problems } : { rows, problems };
}
