/**
 * Reads the two CSV files of `bina competency jpm`: `standard.csv` (`competency,required`, the
 * position's standard) and `profile.csv` (`competency,level`, a person's current levels). Every
 * problem is reported with its file and 1-based line, and all of them are collected, so a BKPSDM
 * officer can fix a spreadsheet in one pass.
 */
import { parse } from 'csv-parse/sync';
import type { StandardEntry } from './job-person-match';

export interface CsvProblem {
  file: string;
  /** 1-based physical line of the record; 0 for the file as a whole. */
  line: number;
  message: string;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Row {
  line: number;
  fields: string[];
}

function records(text: string, file: string, header: readonly string[], problems: CsvProblem[]): Row[] {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof rows;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    problems.push({ file, line, message: `not readable as CSV: ${(err as Error).message}` });
    return [];
  }
  if (rows.length === 0) {
    problems.push({ file, line: 0, message: `empty file: expected the header ${header.join(',')}` });
    return [];
  }
  const got = rows[0]!.record.map((h) => h.toLowerCase());
  if (got.length !== header.length || got.some((h, i) => h !== header[i])) {
    problems.push({ file, line: rows[0]!.info.lines, message: `header must be ${header.join(',')} (found ${rows[0]!.record.join(',')})` });
    return [];
  }
  return rows.slice(1).map((r) => ({ line: r.info.lines, fields: r.record }));
}

function readLevels(rows: Row[], file: string, column: string, min: number, problems: CsvProblem[]): Map<string, { level: number; line: number }> {
  const out = new Map<string, { level: number; line: number }>();
  for (const { line, fields } of rows) {
    if (fields.length !== 2) {
      problems.push({ file, line, message: `expected 2 fields, found ${fields.length}` });
      continue;
    }
    const [code, value] = fields as [string, string];
    if (!CODE.test(code)) {
      problems.push({ file, line, message: `competency code "${code}" is not valid (letters, digits, _ . -)` });
      continue;
    }
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 5) {
      problems.push({ file, line, message: `${column} of ${code} must be a whole number from ${min} to 5 (found "${value}")` });
      continue;
    }
    const seen = out.get(code);
    if (seen) {
      problems.push({ file, line, message: `${code} is listed twice (first on line ${seen.line})` });
      continue;
    }
    out.set(code, { level: Number(value), line });
  }
  return out;
}

export interface JpmCsvInput {
  standard: StandardEntry[];
  levels: Map<string, number>;
}

export function readJpmCsv(texts: { standard: string; profile: string }, names = { standard: 'standard.csv', profile: 'profile.csv' }): { input?: JpmCsvInput; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  const standardRows = readLevels(records(texts.standard, names.standard, ['competency', 'required'], problems), names.standard, 'required', 1, problems);
  const profileRows = readLevels(records(texts.profile, names.profile, ['competency', 'level'], problems), names.profile, 'level', 0, problems);
  if (problems.length === 0 && standardRows.size === 0) problems.push({ file: names.standard, line: 0, message: 'the standard lists no competency' });
  if (problems.length > 0) return { problems };
  return {
    problems,
    input: {
      standard: [...standardRows].map(([competency, { level }]) => ({ competency, required: level })),
      levels: new Map([...profileRows].map(([code, { level }]) => [code, level])),
    },
  };
}
