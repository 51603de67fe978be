/**
 * Reads the two CSV files of `bina competency jpm`: `standard.csv` (`competency,required`, the
 * position's standard) and `profile.csv` (`competency,level`, a person's current levels). Every
 * problem is reported with its file and 1-based line, and all of them are collected, so a BKPSDM
 * officer can fix a spreadsheet in one pass.
 */
import { readHeadedCsv, type CsvRecord } from '../../kernel/headed-csv';
import type { StandardEntry } from './job-person-match';

export interface CsvProblem {
  file: string;
  /** 1-based physical line of the record; 0 for the file as a whole. */
  line: number;
  message: string;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

type Row = CsvRecord;

function records(text: string, file: string, header: readonly string[], problems: CsvProblem[]): Row[] {
  const read = readHeadedCsv(text, header);
  if ('problem' in read) {
    problems.push({ file, ...read.problem });
    return [];
  }
  return read.records;
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
