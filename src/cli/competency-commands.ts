/**
 * `bina competency jpm --standard standard.csv --profile profile.csv [--capped | --uncapped]`:
 * the job–person match of one person against a position's standard, computed by the same code as
 * the profile pages (src/learning/competency/job-person-match.ts) under the agency's settings
 * (`BINA_JPM_*`), which the flags override. Prints one JSON object; bad rows go to stderr with
 * their line numbers and the exit code is 2.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config';
import { JPM_BAND_LABELS, jobPersonMatch } from '../learning/competency/job-person-match';
import { readJpmCsv } from '../learning/competency/jpm-csv';
import { jpmRulesFromSettings } from '../learning/competency/jpm-settings';

/** JSON with the JPM written with exactly 2 decimals (`90.00`), as reports show it. */
export function jpmJson(result: ReturnType<typeof jobPersonMatch>): string {
  const body = JSON.stringify({ jpm: '@JPM@', band: JPM_BAND_LABELS[result.band], gaps: result.gaps });
  return body.replace('"@JPM@"', result.jpm.toFixed(2));
}

export function registerCompetencyCommands(program: Command): void {
  const competency = program.command('competency').description('Competency mapping');
  competency
    .command('jpm')
    .description('Job–person match of a profile against a position standard (JSON)')
    .requiredOption('--standard <file>', 'CSV with the header competency,required')
    .requiredOption('--profile <file>', 'CSV with the header competency,level')
    .option('--capped', 'each competency counts at most its required level')
    .option('--uncapped', 'a level above the requirement counts in full (default unless BINA_JPM_CAPPED)')
    .action(async (o: { standard: string; profile: string; capped?: boolean; uncapped?: boolean }) => {
      if (o.capped && o.uncapped) {
        console.error('error: give --capped or --uncapped, not both');
        process.exitCode = 2;
        return;
      }
      const rules = jpmRulesFromSettings(loadConfig());
      if (o.capped) rules.capped = true;
      if (o.uncapped) rules.capped = false;
      let texts: { standard: string; profile: string };
      try {
        texts = { standard: await readFile(o.standard, 'utf8'), profile: await readFile(o.profile, 'utf8') };
      } catch (err) {
        console.error(`error: ${(err as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const { input, problems } = readJpmCsv(texts, { standard: basename(o.standard), profile: basename(o.profile) });
      if (!input) {
        for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
        process.exitCode = 2;
        return;
      }
      console.log(jpmJson(jobPersonMatch(input.standard, input.levels, rules)));
    });
}
