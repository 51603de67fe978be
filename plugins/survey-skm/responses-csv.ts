/**
 * Reads the `responses.csv` of `bina skm ikm`: a header `u1,…,u9` and one row per respondent with
 * nine scores from 1 to 4. Every bad row is reported with its 1-based line (and the column for a
 * bad value), all of them at once, so an officer fixes the spreadsheet in one pass. Nothing is
 * dropped silently: a short row or a value outside 1–4 makes the whole file refused.
 */
import { parse } from 'csv-parse/sync';
import { ELEMENT_COUNT } from './ikm';

export interface ResponsesProblem {
  /** 1-based physical line of the record; 0 for the file as a whole. */
  line: number;
  message: string;
}

const HEADER = Array.from({ length: ELEMENT_COUNT }, (_, i) => `u${i + 1}`);

export function readResponsesCsv(text: string): { rows?: number[][]; problems: ResponsesProblem[] } {
  const problems: ResponsesProblem[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    return { problems: [{ line: (err as { lines?: number }).lines ?? 0, message: `not readable as CSV: ${(err as Error).message}` }] };
  }
  if (records.length === 0) return { problems: [{ line: 0, message: `empty file: expected the header ${HEADER.join(',')}` }] };
  const header = records[0]!.record.map((h) => h.toLowerCase());
  if (header.length !== HEADER.length || header.some((h, i) => h !== HEADER[i])) {
    return { problems: [{ line: records[0]!.info.lines, message: `header must be ${HEADER.join(',')} (found ${records[0]!.record.join(',')})` }] };
  }
  const rows: number[][] = [];
  for (const { record, info } of records.slice(1)) {
    if (record.length !== ELEMENT_COUNT) {
      problems.push({ line: info.lines, message: `expected ${ELEMENT_COUNT} values u1…u9, found ${record.length}` });
      continue;
    }
    const row: number[] = [];
    record.forEach((v, i) => {
      if (/^[1-4]$/.test(v)) row.push(Number(v));
      else problems.push({ line: info.lines, message: `u${i + 1} must be a whole number from 1 to 4 (found "${v}")` });
    });
    if (row.length === ELEMENT_COUNT) rows.push(row);
  }
  if (problems.length === 0 && rows.length === 0) problems.push({ line: 0, message: 'no responses: the file has a header and no rows' });
  return problems.length ? { problems } : { rows, problems };
}
