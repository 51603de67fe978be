/**
 * `bina skm ikm --responses responses.csv [--weight 0.11]`: the IKM of a file of SKM responses,
 * computed by the same code as the unit reports (ikm.ts). Prints one JSON object
 * `{"element_averages": [...], "ikm": 80.00, "grade": "B", "label": "Baik"}`; bad rows go to stderr
 * as `responses.csv:<line>: <message>` and the exit code is 2. Needs no database.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliTools } from '../../src/cli/plugin-commands';
import { ikmJson, ikmOfResponses, type IkmWeight } from './ikm';
import { readResponsesCsv } from './responses-csv';

export const EXIT_BAD_INPUT = 2;

/** `1/9` (default) or `0.11`; anything else is refused. */
export function parseWeight(text: string | undefined): IkmWeight | undefined {
  if (text === undefined || text === '1/9') return 'one-ninth';
  if (text === '0.11') return '0.11';
  return undefined;
}

export async function runIkmCli(args: { responses: string; weight?: string }, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const weight = parseWeight(args.weight);
  if (!weight) {
    err(`error: --weight must be 1/9 or 0.11 (found "${args.weight}")\n`);
    return EXIT_BAD_INPUT;
  }
  let text: string;
  try {
    text = await readFile(args.responses, 'utf8');
  } catch (e) {
    err(`error: ${(e as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  const { rows, problems } = readResponsesCsv(text);
  if (!rows) {
    for (const p of problems) err(`${basename(args.responses)}:${p.line}: ${p.message}\n`);
    return EXIT_BAD_INPUT;
  }
  out(ikmJson(ikmOfResponses(rows, weight)) + '\n');
  return 0;
}

export function registerCli(program: Command, _tools: CliTools): void {
  const skm = program.command('skm').description('Public satisfaction survey (SKM, PermenPANRB 14/2017)');
  skm
    .command('ikm')
    .description('IKM of a file of SKM responses (JSON)')
    .requiredOption('--responses <file>', 'CSV with the header u1,…,u9, one row per respondent, values 1–4')
    .option('--weight <weight>', 'element weight: 1/9 (default, exact) or 0.11 (the regulation\'s rounded figure)')
    .action(async (o: { responses: string; weight?: string }) => {
      process.exitCode = await runIkmCli(o, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
    });
}
