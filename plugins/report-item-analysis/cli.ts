/**
 * `bina item-analysis --marks marks.csv --items items.csv`: reads the two files, prints the item
 * analysis as JSON with a fixed key order (so output can be diffed and consumed by scripts), and
 * returns the process exit code: 0 on success, 2 on bad input (every problem printed as
 * `file:line[:column]: message`). `registerCli` adds the command to `bina` (the plugin CLI
 * convention, src/cli/plugin-commands.ts); it needs no database.
 */
import type { Command } from 'commander';
import type { CliTools } from '../../src/cli/plugin-commands';
import { formatInputError, readItemAnalysisFiles } from './csv-input';
import { analyse, type ItemAnalysis } from './statistics';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

/** Builds the output objects key by key: JSON.stringify keeps insertion order. */
export function toOrderedJson(analysis: ItemAnalysis): unknown {
  const q = analysis.quiz;
  return {
    quiz: {
      attempts: q.attempts,
      mean: q.mean,
      median: q.median,
      sd: q.sd,
      skewness: q.skewness,
      kurtosis: q.kurtosis,
      cic: q.cic,
      errorRatio: q.errorRatio,
      standardError: q.standardError,
    },
    items: analysis.items.map((it) => ({
      slot: it.slot,
      attempts: it.attempts,
      facility: it.facility,
      sd: it.sd,
      discriminationIndex: it.discriminationIndex,
      discriminativeEfficiency: it.discriminativeEfficiency,
      effectiveWeight: it.effectiveWeight,
      randomGuessScore: it.randomGuessScore,
      intendedWeight: it.intendedWeight,
    })),
  };
}

/**
 * @param out receives the JSON document (stdout).
 * @param err receives the error lines (stderr); defaults to the process's stderr.
 */
export async function runItemAnalysisCli(
  args: { marks: string; items: string },
  out: (s: string) => void,
  err: (s: string) => void = (s) => void process.stderr.write(s),
): Promise<number> {
  if (!args.marks || !args.items) {
    err('usage: bina item-analysis --marks <marks.csv> --items <items.csv>\n');
    return EXIT_BAD_INPUT;
  }
  const { input, errors } = await readItemAnalysisFiles({ marks: args.marks, items: args.items });
  if (!input || errors.length > 0) {
    for (const e of errors) err(formatInputError(e) + '\n');
    return EXIT_BAD_INPUT;
  }
  out(JSON.stringify(toOrderedJson(analyse(input)), null, 2) + '\n');
  return EXIT_OK;
}

/** `bina item-analysis`: pure file work, no kernel. */
export function registerCli(program: Command, _tools: CliTools): void {
  program.command('item-analysis').description('Moodle-compatible item analysis of marks from a CSV file')
    .requiredOption('--marks <file>', 'marks.csv: attempt_id,user_id,<one column per slot>')
    .requiredOption('--items <file>', 'items.csv: slot,maxmark')
    .action(async (o: { marks: string; items: string }) => {
      process.exitCode = await runItemAnalysisCli({ marks: o.marks, items: o.items }, (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`), (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`));
    });
}
