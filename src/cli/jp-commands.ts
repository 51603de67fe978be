/**
 * `bina jp report --year YYYY [--unit CODE] --format csv|json`: the per-ASN JP ledger totals by
 * kind and the compliance of the agency (or of one unit and the units below it), built by the same
 * code as the report page (src/learning/jp-ledger/jp-report.ts). CSV headers are in the site's
 * default language. A bad year, format or unit code exits with code 2.
 */
import type { Command } from 'commander';
import { toCsv } from '../learning/table-export';
import { jpReportJson, jpReportTable } from '../learning/jp-ledger/jp-report';
import { withKernel } from './plugin-commands';

export function registerJpCommands(program: Command): void {
  const jp = program.command('jp').description('The JP ledger');
  jp.command('report')
    .description('Per-ASN JP totals by kind and compliance for a year (CSV or JSON)')
    .requiredOption('--year <yyyy>', 'the JP year')
    .option('--unit <code>', 'one unit (its code) and the units below it')
    .option('--format <format>', 'csv or json', 'csv')
    .action(async (o: { year: string; unit?: string; format: string }) => {
      const year = Number(o.year);
      if (!/^\d{4}$/.test(o.year) || year < 2000 || year > 2100) return fail(`--year must be a year such as 2026 (got '${o.year}')`);
      if (o.format !== 'csv' && o.format !== 'json') return fail(`--format must be csv or json (got '${o.format}')`);
      await withKernel(async (kernel) => {
        let unitId: string | undefined;
        if (o.unit) {
          unitId = (await kernel.jp.scope.tree()).byCode(o.unit)?.id;
          if (!unitId) return fail(`no unit with the code '${o.unit}'`);
        }
        const report = await kernel.jp.reportForAgency(year, unitId);
        if (o.format === 'json') process.stdout.write(`${JSON.stringify(jpReportJson(report))}\n`);
        else {
          const locale = kernel.services.config.BINA_DEFAULT_LOCALE;
          process.stdout.write(toCsv(jpReportTable(report, (key, args) => kernel.services.translator.t(locale, key, args))));
        }
      });
    });
}

function fail(message: string): void {
  console.error(`error: ${message}`);
  process.exitCode = 2;
}
