/**
 * Reads a CSV file whose first row must be exactly `header` (case-insensitive), keeping each
 * record's 1-based physical line so that every problem an officer must fix names its line. The
 * readers of the CLI imports (JPM, SKM responses, SKP ratings) share it and check the rows.
 */
import { parse } from 'csv-parse/sync';

export interface CsvLineProblem {
  /** 1-based physical line of the record; 0 for the file as a whole. */
  line: number;
  message: string;
  /** What is wrong with the file as a whole, for readers that word it in the user's language. */
  kind?: 'unreadable' | 'empty' | 'header';
}

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The records after the header, or the one problem that makes the whole file unreadable. */
export function readHeadedCsv(text: string, header: readonly string[]): { records: CsvRecord[] } | { problem: CsvLineProblem } {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof rows;
  } catch (err) {
    return { problem: { line: (err as { lines?: number }).lines ?? 0, message: `not readable as CSV: ${(err as Error).message}`, kind: 'unreadable' } };
  }
  if (rows.length === 0) return { problem: { line: 0, message: `empty file: expected the header ${header.join(',')}`, kind: 'empty' } };
  const got = rows[0]!.record.map((h) => h.toLowerCase());
  if (got.length !== header.length || got.some((h, i) => h !== header[i])) {
    return { problem: { line: rows[0]!.info.lines, message: `header must be ${header.join(',')} (found ${rows[0]!.record.join(',')})`, kind: 'header' } };
  }
  return { records: rows.slice(1).map((r) => ({ line: r.info.lines, fields: r.record })) };
}
