/**
 * Reads a CSV file whose first row must be exactly `header` (case-insensitive), keeping each
 * record's 1-based physical line so that every problem an officer must fix names its line. The
 * readers of the CLI imports (JPM, SKM responses, SKP ratings) share it and check the rows.
 */
import { parse, type Options } from 'csv-parse/sync';

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

/** One record and the physical line it ends on (quoted fields may span lines). */
export interface CsvRow {
  record: string[];
  info: { lines: number };
}

function isCsvRow(row: unknown): row is CsvRow {
  if (typeof row !== 'object' || row === null || !('record' in row) || !('info' in row)) return false;
  const { record, info } = row;
  return Array.isArray(record) && typeof info === 'object' && info !== null && 'lines' in info && typeof info.lines === 'number';
}

/**
 * csv-parse's synchronous parse with `info: true`, which its type declarations do not model
 * (they promise `string[][]`): each row is checked to be a record with its line. Throws
 * csv-parse's error (with `lines`) for a file it cannot read.
 */
export function parseCsvRows(text: string, options: Omit<Options, 'info' | 'columns' | 'objname' | 'raw'>): CsvRow[] {
  const rows: unknown[] = parse(text, { ...options, info: true });
  if (!rows.every(isCsvRow)) throw new Error('csv-parse returned a row without its line information');
  return rows;
}

/** The records after the header, or the one problem that makes the whole file unreadable. */
export function readHeadedCsv(text: string, header: readonly string[]): { records: CsvRecord[] } | { problem: CsvLineProblem } {
  let rows: CsvRow[];
  try {
    rows = parseCsvRows(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true });
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
