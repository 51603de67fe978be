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
import { seedDemo, DEMO_PASSWORD, DEMO_USERS } from './demo-seed';
import { registerQuestionCommands } from './question-commands';
import { registerPluginCommands, withKernel } from './plugin-commands';

const program = new Command('bina').description('Bina administration').version(CORE_VERSION);

program.command('create-admin').description('Create an administrator')
  .requiredOption('--name <name>', 'full name')
  .option('--email <email>', 'e-mail (staff)')
  .option('--nip <nip>', 'NIP (ASN)')
  .requiredOption('--password <password>', 'password (min. 10 characters)')
  .action(async (o) => {
    await withKernel(async (k) => {
      const u = await k.identity.createUser({ name: o.name, email: o.email, nip: o.nip, password: o.password, roles: ['admin'] });
      console.log(`Created admin ${u.username}`);
    });
  });

program.command('seed-demo').description('Seed the demo data (once)').action(async () => {
  await withKernel(async (k) => {
    const r = await seedDemo(k);
    console.log(r.seeded ? 'Demo data seeded.' : 'Demo data was already there.');
    console.log(`Demo logins (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS) console.log(`  ${(u as { email?: string }).email ?? (u as { nip?: string }).nip}  ${u.roles.join(',')}  ${u.name}`);
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

registerQuestionCommands(program);

registerPluginCommands(program).then(() => program.parseAsync(process.argv)).then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(isBinaError(err) ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  },
);
