/**
 * Reads the two CSV files of an offline item analysis into the input of `analyse`:
 * - items.csv: header `slot,maxmark`, one row per slot, in the order the slots are reported;
 * - marks.csv: header `attempt_id,user_id,<one column per slot>`, marks earned; an empty cell
 *   means "not attempted" (null, counted as 0 by the statistics, as Moodle does).
 * Every problem is reported with file, line (1-based, physical line where the record starts)
 * and, when it concerns one cell, column (1-based field number), so a teacher can fix the
 * spreadsheet; the validator collects all problems rather than stopping at the first.
 */
import { readFile } from 'node:fs/promises';
import { parseCsvRows, type CsvRow } from '../../src/kernel/headed-csv';
import type { ItemAnalysisInput } from './statistics';

export interface ItemAnalysisInputErrorDetails {
  file: string;
  /** 1-based; 0 when the problem concerns the file as a whole (e.g. it cannot be read). */
  line: number;
  /** 1-based field number. */
  column?: number;
}

/** Bad input files; local for now, the lead will align it with the core error classes. */
export class ItemAnalysisInputError extends Error {
  readonly code = 'BINA_ERR_ITEM_ANALYSIS_INPUT';
  readonly status = 400;
  constructor(
    message: string,
    public details: ItemAnalysisInputErrorDetails,
  ) {
    super(message);
    this.name = 'ItemAnalysisInputError';
  }
}

export interface CsvTexts {
  marks: string;
  items: string;
}

/** Names used in error details; default to the conventional file names. */
export interface CsvNames {
  marks?: string;
  items?: string;
}

export interface ValidationResult {
  input: ItemAnalysisInput | null;
  errors: ItemAnalysisInputError[];
}

/** Past this many problems the file is clearly of the wrong kind; more lines would be noise. */
const MAX_ERRORS = 100;

/**
 * Marks are exported rounded (Moodle stores fractions with 7 decimals), so a full mark can read
 * as e.g. 2.0000001 of 2; that rounding must not be reported as "above the max mark".
 */
const MARK_TOLERANCE = 1e-6;

/** Plain decimal numbers only: "1,5", "1e3", "NaN", "Infinity" or "0x1" are rejected. */
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

interface Row {
  line: number;
  fields: string[];
}

class Collector {
  readonly errors: ItemAnalysisInputError[] = [];
  add(file: string, line: number, message: string, column?: number): void {
    if (this.errors.length >= MAX_ERRORS) return;
    const details: ItemAnalysisInputErrorDetails = column === undefined ? { file, line } : { file, line, column };
    this.errors.push(new ItemAnalysisInputError(message, details));
  }
  get full(): boolean {
    return this.errors.length >= MAX_ERRORS;
  }
}

function parseRows(text: string, file: string, errors: Collector): Row[] | null {
  let records: CsvRow[];
  try {
    records = parseCsvRows(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      // Field counts are checked below so the message can name the file and the expected count.
      relax_column_count: true,
    });
  } catch (err) {
    const e = err as { message?: string; lines?: number; code?: string };
    const line = typeof e.lines === 'number' ? e.lines : 0;
    const reason = (e.message ?? String(err)).replace(/\s+at line \d+/, '');
    errors.add(file, line, `malformed CSV: ${reason}`);
    return null;
  }
  return records.map(({ record, info }) => {
    // info.lines is the line where the record ends; quoted fields may span lines.
    let inner = 0;
    for (const f of record) inner += (f.match(/\r\n|\r|\n/g) ?? []).length;
    return { line: info.lines - inner, fields: record };
  });
}

function parseNumber(raw: string): number | null {
  if (!NUMBER_RE.test(raw)) return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

const headerHint = (header: string[]): string =>
  header.length === 1 && /[;\t]/.test(header[0] ?? '') ? ' (fields must be separated by commas, not semicolons or tabs)' : '';

/** Validates both texts and builds the analysis input; `input` is null when there are errors. */
export function validateItemAnalysisCsv(texts: CsvTexts, names: CsvNames = {}): ValidationResult {
  const itemsFile = names.items ?? 'items.csv';
  const marksFile = names.marks ?? 'marks.csv';
  const errors = new Collector();

  // ---- items.csv ------------------------------------------------------------------------
  const items: ItemAnalysisInput['items'] = [];
  const slotIndex = new Map<string, number>();
  const itemRows = parseRows(texts.items, itemsFile, errors);
  if (itemRows) {
    const header = itemRows[0];
    if (!header) {
      errors.add(itemsFile, 1, 'missing header: expected "slot,maxmark"');
    } else if (
      header.fields.length !== 2 ||
      header.fields[0]!.toLowerCase() !== 'slot' ||
      header.fields[1]!.toLowerCase() !== 'maxmark'
    ) {
      errors.add(itemsFile, header.line, `missing header: expected "slot,maxmark", found "${header.fields.join(',')}"${headerHint(header.fields)}`);
    } else {
      for (const row of itemRows.slice(1)) {
        if (errors.full) break;
        if (row.fields.length !== 2) {
          errors.add(itemsFile, row.line, `expected 2 fields (slot,maxmark), found ${row.fields.length}`);
          continue;
        }
        const [slot, rawMax] = row.fields as [string, string];
        if (slot === '') {
          errors.add(itemsFile, row.line, 'empty slot name', 1);
          continue;
        }
        if (slotIndex.has(slot)) {
          errors.add(itemsFile, row.line, `duplicate slot "${slot}"`, 1);
          continue;
        }
        const maxMark = parseNumber(rawMax);
        if (maxMark === null) {
          errors.add(itemsFile, row.line, `maxmark "${rawMax}" of slot "${slot}" is not a number`, 2);
          continue;
        }
        if (maxMark < 0) {
          // A slot worth 0 marks (a description) is kept and reported with null statistics.
          errors.add(itemsFile, row.line, `maxmark of slot "${slot}" must be 0 or more, found ${rawMax}`, 2);
          continue;
        }
        slotIndex.set(slot, items.length);
        items.push({ slot, maxMark });
      }
      if (itemRows.length === 1) errors.add(itemsFile, header.line, 'no slots: the file has a header but no rows');
    }
  }

  // ---- marks.csv ------------------------------------------------------------------------
  const attempts: ItemAnalysisInput['attempts'] = [];
  const markRows = parseRows(texts.marks, marksFile, errors);
  if (markRows) {
    const header = markRows[0];
    if (!header) {
      errors.add(marksFile, 1, 'missing header: expected "attempt_id,user_id,<slot>,..."');
    } else if (header.fields[0]?.toLowerCase() !== 'attempt_id' || header.fields[1]?.toLowerCase() !== 'user_id') {
      errors.add(
        marksFile,
        header.line,
        `missing header: expected "attempt_id,user_id,<slot>,...", found "${header.fields.join(',')}"${headerHint(header.fields)}`,
      );
    } else if (itemRows && slotIndex.size > 0) {
      // columnToItem[c] = index into items for field c (c ≥ 2).
      const columnToItem: number[] = [];
      const seen = new Set<string>();
      header.fields.forEach((name, c) => {
        if (c < 2) return;
        const idx = slotIndex.get(name);
        if (idx === undefined) errors.add(marksFile, header.line, `unknown slot "${name}": not listed in ${itemsFile}`, c + 1);
        else if (seen.has(name)) errors.add(marksFile, header.line, `duplicate column for slot "${name}"`, c + 1);
        seen.add(name);
        columnToItem[c] = idx ?? -1;
      });
      for (const item of items) {
        if (!seen.has(String(item.slot))) {
          errors.add(marksFile, header.line, `missing column for slot "${String(item.slot)}" listed in ${itemsFile}`);
        }
      }

      const attemptLines = new Map<string, number>();
      const width = header.fields.length;
      for (const row of markRows.slice(1)) {
        if (errors.full) break;
        if (row.fields.length !== width) {
          errors.add(marksFile, row.line, `expected ${width} fields like the header, found ${row.fields.length}`);
          continue;
        }
        const [attemptId, userId] = row.fields as [string, string];
        if (attemptId === '') errors.add(marksFile, row.line, 'empty attempt_id', 1);
        else if (attemptLines.has(attemptId)) {
          errors.add(marksFile, row.line, `duplicate attempt_id "${attemptId}" (first on line ${attemptLines.get(attemptId)})`, 1);
        } else attemptLines.set(attemptId, row.line);
        if (userId === '') errors.add(marksFile, row.line, 'empty user_id', 2);

        const marks: Array<number | null> = new Array(items.length).fill(null);
        for (let c = 2; c < width; c++) {
          const idx = columnToItem[c]!;
          if (idx < 0) continue; // unknown slot, already reported on the header line
          const raw = row.fields[c]!;
          if (raw === '') continue; // not attempted
          const item = items[idx]!;
          const slot = String(item.slot);
          const v = parseNumber(raw);
          if (v === null) errors.add(marksFile, row.line, `mark "${raw}" for slot "${slot}" is not a number`, c + 1);
          else if (v > item.maxMark + MARK_TOLERANCE) {
            errors.add(marksFile, row.line, `mark ${raw} for slot "${slot}" is above its maxmark ${item.maxMark}`, c + 1);
          } else if (v < -item.maxMark - MARK_TOLERANCE) {
            // Negative marking never takes away more than the question is worth.
            errors.add(marksFile, row.line, `mark ${raw} for slot "${slot}" is below -${item.maxMark} (minus its maxmark)`, c + 1);
          } else marks[idx] = v;
        }
        attempts.push({ attemptId, userId, marks });
      }
    }
  }

  const list = errors.errors;
  return { input: list.length === 0 ? { items, attempts } : null, errors: list };
}

/** Like `validateItemAnalysisCsv`, but throws the first problem. */
export function parseItemAnalysisCsv(texts: CsvTexts, names: CsvNames = {}): ItemAnalysisInput {
  const { input, errors } = validateItemAnalysisCsv(texts, names);
  if (errors.length > 0 || !input) throw errors[0] ?? new ItemAnalysisInputError('invalid input', { file: names.marks ?? 'marks.csv', line: 0 });
  return input;
}

/** Reads both files (UTF-8); an unreadable file is reported at line 0 of that file. */
export async function readItemAnalysisFiles(paths: { marks: string; items: string }): Promise<ValidationResult> {
  const read = async (path: string): Promise<string | ItemAnalysisInputError> => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`;
      return new ItemAnalysisInputError(why, { file: path, line: 0 });
    }
  };
  const [items, marks] = await Promise.all([read(paths.items), read(paths.marks)]);
  const readErrors = [items, marks].filter((x): x is ItemAnalysisInputError => x instanceof ItemAnalysisInputError);
  if (readErrors.length > 0) return { input: null, errors: readErrors };
  return validateItemAnalysisCsv({ marks: marks as string, items: items as string }, paths);
}

/** `file:line[:column]: message`, the format editors and terminals make clickable. */
export function formatInputError(e: ItemAnalysisInputError): string {
  const { file, line, column } = e.details;
  return `${file}:${line}${column === undefined ? '' : `:${column}`}: ${e.message}`;
}
