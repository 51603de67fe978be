/**
 * The `bina` command line for admin tasks: create an admin, seed the demo, print the effective
 * config (secrets masked), list plugins, parse question files. Plugins add their own commands
 * (`item-analysis`, `certificates …`) through their `cli.ts` (src/cli/plugin-commands.ts).
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig, maskedConfig } from '../config';
import { isBinaError } from '../kernel/errors';
import { discoverPlugins } from '../host/plugins/plugin-registry';
import { CORE_VERSION, REPO_ROOT } from '../kernel/core-version';
import { seedDemo, DEMO_PASSWORD, DEMO_PEOPLE, DEMO_USERS } from './demo-seed';
import { registerQuestionCommands } from './question-commands';
import { registerCompetencyCommands } from './competency-commands';
import { registerJpCommands } from './jp-commands';
import { registerBackupCommands } from './backup-commands';
import { registerPluginCommands, withKernel } from './plugin-commands';
import { copyDatabase, DbCopyError } from './db-copy';

const program = new Command('bina').description('Bina administration').version(CORE_VERSION);

program.command('create-admin').description('Create an administrator')
  .requiredOption('--name <name>', 'full name')
  .option('--email <email>', 'e-mail (staff)')
  .option('--nip <nip>', 'NIP (ASN)')
  .requiredOption('--password <password>', 'password (min. 10 characters)')
  .action(async (o) => {
    await withKernel(async (kernel) => {
      const u = await kernel.identity.createUser({ name: o.name, email: o.email, nip: o.nip, password: o.password, roles: ['admin'] });
      console.log(`Created admin ${u.username}`);
    });
  });

program.command('seed-demo').description('Seed the demo data (once)').action(async () => {
  await withKernel(async (kernel) => {
    const r = await seedDemo(kernel);
    console.log(r.seeded ? 'Demo data seeded.' : 'Demo data was already there.');
    console.log(`Demo logins (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS) console.log(`  ${(u as { email?: string }).email ?? (u as { nip?: string }).nip}  ${u.roles.join(',')}  ${u.name}`);
    const head = DEMO_PEOPLE[0]!;
    console.log(`  ${head.nip}  unit head (${head.heads})  ${head.frontTitle} ${head.name}, ${head.backTitle}`);
    for (const l of r.links) console.log(`${l.label}: ${l.url}`);
  });
});

program.command('config').description('Print the effective configuration (secrets masked)').action(() => {
  console.log(JSON.stringify(maskedConfig(loadConfig()), null, 2));
});

program.command('plugins').description('List plugins and whether their manifests are valid').action(() => {
  const config = loadConfig();
  const recs = discoverPlugins({ dirs: [join(REPO_ROOT, 'plugins'), ...config.BINA_EXTRA_PLUGIN_DIRS], disabled: config.BINA_DISABLED_PLUGINS, coreVersion: CORE_VERSION });
  for (const r of recs) console.log(`${r.id.padEnd(28)} ${r.manifest.version.padEnd(8)} ${r.status}${r.error ? `  (${r.error.message})` : ''}`);
});

const db = program.command('db').description('Database tools');
db.command('copy').description('Copy every collection, document and index of one database to another MongoDB-protocol server, then verify the counts')
  .requiredOption('--from <uri>', 'source, e.g. mongodb://127.0.0.1:27017/bina')
  .requiredOption('--to <uri>', 'target, e.g. mongodb://db1,db2,db3/bina?replicaSet=rs0')
  .option('--force', 'replace the target collections that the source has, even when they hold documents')
  .option('--batch-size <n>', 'documents per insert', (v) => Number.parseInt(v, 10), 1000)
  .action(async (o) => {
    try {
      const r = await copyDatabase({ from: o.from, to: o.to, force: Boolean(o.force), batchSize: o.batchSize, onProgress: (line) => console.error(line) });
      console.log(`${r.verified ? 'Copied and verified' : 'Copied, but the counts DIFFER'}: ${r.collections.length} collections, ${r.documents} documents in ${(r.ms / 1000).toFixed(1)}s`);
      if (!r.verified) process.exitCode = 1;
    } catch (err) {
      if (!(err instanceof DbCopyError)) throw err;
      console.error(`bina db copy: ${err.message}`);
      process.exitCode = err.code === 'TARGET_NOT_EMPTY' || err.code === 'BAD_URI' || err.code === 'SAME_DATABASE' ? 2 : 1;
    }
  });

const audit = program.command('audit').description('The audit log');
audit.command('verify').description('Recompute the audit log\'s hash chain: report edited, deleted or re-linked rows (exit code 1 if any)').action(async () => {
  await withKernel(async (kernel) => {
    const r = await kernel.services.audit.verify();
    for (const p of r.problems) console.log(`row ${p.seq}: ${p.kind}`);
    console.log(`${r.problems.length ? 'BROKEN' : 'OK'}: ${r.rows} rows, chain head at ${r.lastSeq}, ${r.problems.length} problems`);
    if (r.problems.length) process.exitCode = 1;
  });
});

registerQuestionCommands(program);
registerCompetencyCommands(program);
registerJpCommands(program);
registerBackupCommands(program);

registerPluginCommands(program).then(() => program.parseAsync(process.argv)).then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(isBinaError(err) ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  },
);
