/**
 * A table of cells written as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read
 * Indonesian names right) or as XLSX through exceljs (ADR 0032: never hand-written XLSX). A text
 * cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed
 * with `'` in CSV; in XLSX every text cell is a string, never a formula.
 */
import ExcelJS from 'exceljs';

export type Cell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: Cell[][]): string {
  return `\ufeff${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** An XLSX workbook with one sheet; the header row is bold and frozen. */
export async function toXlsx(rows: Cell[][], sheetName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bina';
  const ws = wb.addWorksheet(sheetName.replace(/[*?:\\/[\]]/g, ' ').slice(0, 31) || 'Sheet1', { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const r of rows) ws.addRow(r.map((c) => (c === null ? null : c)));
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((col, i) => {
    col.width = Math.min(60, Math.max(8, ...rows.map((r) => String(r[i] ?? '').length + 2)));
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
