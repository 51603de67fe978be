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
export function toXlsx(rows: Cell[][], sheetName: string): Promise<Buffer> {
  return toXlsxSheets([{ name: sheetName, rows }]);
}

/** An XLSX workbook with a sheet per table (names made safe and unique), each header bold and frozen. */
export async function toXlsxSheets(sheets: Array<{ name: string; rows: Cell[][] }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bina';
  const used = new Set<string>();
  for (const { name, rows } of sheets) {
    let safe = name.replace(/[*?:\\/[\]]/g, ' ').slice(0, 31) || 'Sheet1';
    for (let i = 2; used.has(safe.toLowerCase()); i++) safe = `${safe.slice(0, 28)} ${i}`;
    used.add(safe.toLowerCase());
    const ws = wb.addWorksheet(safe, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const r of rows) ws.addRow(r.map((c) => (c === null ? null : c)));
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((col, i) => {
      col.width = Math.min(60, Math.max(8, ...rows.map((r) => String(r[i] ?? '').length + 2)));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
