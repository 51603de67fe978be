/**
 * CLI commands for question files from elsewhere: `questions parse` (any installed importer, found
 * by the `import-<format>/importer.ts` convention, no services needed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { discoverPlugins } from '../host/plugins/plugin-registry';
import { CORE_VERSION, REPO_ROOT } from '../kernel/core-version';
import type { QuestionImporter } from '../learning/interchange/importer';

async function findImporter(format: string): Promise<QuestionImporter | undefined> {
  const recs = discoverPlugins({ dirs: [join(REPO_ROOT, 'plugins')], disabled: [], coreVersion: CORE_VERSION });
  const rec = recs.find((r) => r.id === `import-${format}`);
  if (!rec) return undefined;
  const mod = (await import(pathToFileURL(join(rec.dir, 'importer.ts')).href)) as { importer?: QuestionImporter };
  return mod.importer;
}

/** What `bina questions parse` prints, as an object (the conformance test runs every case through this). */
export async function parseQuestionFile(format: string, text: string) {
  const importer = await findImporter(format);
  if (!importer) throw new Error(`Unknown format '${format}'`);
  const r = importer.parse(text);
  const items = r.items.map(({ line: _l, ...item }) => item);
  return { format, question_count: items.filter((i) => i.type !== 'category').length, items, problems: r.problems };
}

export function registerQuestionCommands(program: Command): void {
  const questions = program.command('questions').description('Question files');
  questions.command('parse').description('Parse a question file and print it as JSON in the neutral interchange schema')
    .requiredOption('--format <format>', 'gift | aiken | moodlexml')
    .argument('<file>', 'the file to parse (UTF-8)')
    .action(async (file: string, o: { format: string }) => {
      const importer = await findImporter(o.format);
      if (!importer) {
        process.stderr.write(`Unknown format '${o.format}'\n`);
        process.exitCode = 2;
        return;
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        process.stderr.write(`${file}: cannot read (${(e as Error).message})\n`);
        process.exitCode = 1;
        return;
      }
      const r = await parseQuestionFile(o.format, text);
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      const errors = r.problems.filter((p) => p.severity === 'error');
      for (const p of r.problems) process.stderr.write(`${file}:${p.line}: ${p.severity}: ${p.message}\n`);
      if (errors.length) process.exitCode = 2;
    });
}
