/**
 * The CSV files of people and units (docs/users-csv.md): their columns, reading them (comma or
 * semicolon, a BOM, quoted fields; every record keeps its line number) and writing them for the
 * export, so that an exported file imports again unchanged. A cell that starts like a formula is
 * written with a leading apostrophe, so a spreadsheet never runs it.
 */
import { parseCsvRows, type CsvRow } from '../kernel/headed-csv';

export const UNIT_COLUMNS = ['code', 'name', 'parent_code', 'region'] as const;
export const USER_COLUMNS = [
  'nip', 'email', 'name', 'front_title', 'back_title', 'golongan', 'position_name', 'position_type', 'functional_level',
  'unit_code', 'supervisor_nip', 'phone', 'time_zone', 'roles',
] as const;

/** Most rows one import takes, per file. */
export const MAX_ROWS = 5000;

export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export type CsvRead = { ok: true; records: CsvRecord[] } | { ok: false; line: number; problem: 'parse' | 'header' | 'unknownColumn' | 'tooMany' | 'missingColumn'; column?: string; detail?: string };

/** Reads a CSV with a header row; column names are matched case-insensitively, spaces as `_`. */
export function readCsv(text: string, columns: readonly string[], required: readonly string[]): CsvRead {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let rows: CsvRow[];
  try {
    rows = parseCsvRows(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { ok: false, line, problem: 'parse', detail: (e as Error).message };
  }
  if (!rows.length) return { ok: true, records: [] };
  const header = rows[0]!.record.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  for (const h of header) if (!columns.includes(h)) return { ok: false, line: rows[0]!.info.lines, problem: 'unknownColumn', column: h };
  for (const r of required) if (!header.includes(r)) return { ok: false, line: rows[0]!.info.lines, problem: 'missingColumn', column: r };
  if (rows.length - 1 > MAX_ROWS) return { ok: false, line: rows[MAX_ROWS + 1]!.info.lines, problem: 'tooMany' };
  const records = rows.slice(1).map(({ record, info }) => ({
    line: info.lines,
    // The export's guard apostrophe (`'+62…`) comes off again, so an exported file re-imports as it was.
    values: Object.fromEntries(header.map((h, i) => [h, (record[i] ?? '').trim().replace(/^'(?=[=+\-@])/, '')])),
  }));
  return { ok: true, records };
}

function cell(v: string | undefined): string {
  let s = v ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file (comma-separated, CRLF, UTF-8 with a BOM so spreadsheets read the accents). */
export function writeCsv(columns: readonly string[], rows: Array<Record<string, string | undefined>>): string {
  return `\uFEFF${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
