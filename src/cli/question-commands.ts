/** CLI commands that read files from elsewhere: item analysis (question parsing joins later). */
import type { Command } from 'commander';
import { runItemAnalysisCli } from '../../plugins/report-item-analysis/cli';

export function registerQuestionCommands(program: Command): void {
  program.command('item-analysis').description('Moodle-compatible item analysis of marks from a CSV file')
    .requiredOption('--marks <file>', 'marks.csv: attempt_id,user_id,<one column per slot>')
    .requiredOption('--items <file>', 'items.csv: slot,maxmark')
    .action(async (o) => {
      process.exitCode = await runItemAnalysisCli({ marks: o.marks, items: o.items }, (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`), (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`));
    });
}
