/**
 * `bina backup --out FILE` and `bina restore --in FILE` (ADR 0028). Both read the configuration
 * (MONGODB_URI, BINA_DATA_DIR, plugin settings) but need no Redis and boot no plugin. The
 * passphrase comes from BINA_BACKUP_PASSPHRASE or is asked for on the terminal; it is never written.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { REPO_ROOT } from '../kernel/core-version';
import { discoverForCli } from './plugin-commands';
import { backupSource, restoreTarget } from '../host/plugin-backups';
import { writeBackup } from '../backup/write-backup';
import { restoreBackup, verifyBackup } from '../backup/read-backup';
import { backupError } from '../backup/backup-format';

/** The configuration without requiring Redis (nothing here connects to it). */
function configFor(env: NodeJS.ProcessEnv, mongoUri?: string): Config {
  return loadConfig({ ...env, REDIS_URL: env.REDIS_URL || 'redis://unused.invalid', ...(mongoUri ? { MONGODB_URI: mongoUri } : {}) });
}

function records(config: Config) {
  return discoverForCli({ dirs: [join(REPO_ROOT, 'plugins'), ...config.BINA_EXTRA_PLUGIN_DIRS], disabled: config.BINA_DISABLED_PLUGINS }).records;
}

/** Reads a line from the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Cast kept: readline has no public way to stop echoing; `_writeToOutput` is its known private hook.
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    asked = true;
  });
}

async function passphrase(config: Config, confirm: boolean): Promise<string> {
  if (config.BINA_BACKUP_PASSPHRASE) return config.BINA_BACKUP_PASSPHRASE;
  if (!process.stdin.isTTY) throw backupError('BINA_ERR_BACKUP_NO_PASSPHRASE', 'No passphrase: set BINA_BACKUP_PASSPHRASE or run on a terminal to be asked');
  const first = await askHidden('Backup passphrase: ');
  if (confirm) {
    if (first.length < 12) throw backupError('BINA_ERR_BACKUP_NO_PASSPHRASE', 'The passphrase needs at least 12 characters');
    if ((await askHidden('Again: ')) !== first) throw backupError('BINA_ERR_BACKUP_NO_PASSPHRASE', 'The two passphrases differ');
  }
  return first;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write one encrypted file with every collection and its indexes, the stored files, the signing keys and a manifest')
    .requiredOption('--out <file>', 'the backup file to write (e.g. bina-2026-12-07.age)')
    .option('--files-and-keys-only', 'only the stored files and the keys (the database is backed up with mongodump)')
    .option('--work-factor <logN>', 'scrypt work factor of the passphrase (log2 N, 10–22)', (v) => Number.parseInt(v, 10), 18)
    .action(async (o) => {
      const config = configFor(process.env);
      const pass = await passphrase(config, true);
      const r = await writeBackup(await backupSource(config, records(config)), {
        out: o.out,
        passphrase: pass,
        filesAndKeysOnly: Boolean(o.filesAndKeysOnly),
        scryptLogN: Math.min(22, Math.max(10, o.workFactor)),
        onProgress: (line) => console.error(line),
      });
      const m = r.manifest;
      const docs = m.collections.reduce((n, c) => n + c.documents, 0);
      console.log(`Backup written: ${r.file} (${mb(r.size)}), ${m.collections.length} collections, ${docs} documents, ${m.files.count} files, ${m.secrets.length} secrets, in ${(m.ms / 1000).toFixed(1)} s`);
      for (const n of m.notes) console.log(`Note: ${n}`);
    });

  program
    .command('restore')
    .description('Restore a backup into an empty install (or the database of --to); verifies checksums and counts first')
    .requiredOption('--in <file>', 'the backup file')
    .option('--to <uri>', 'the target database (default: MONGODB_URI)')
    .option('--force', 'restore into a target that already holds data (replaces the collections and files the backup has)')
    .option('--verify-only', 'check the file (passphrase, checksums, counts) and write nothing')
    .action(async (o) => {
      const config = configFor(process.env, o.to);
      const pass = await passphrase(config, false);
      if (o.verifyOnly) {
        const v = await verifyBackup(o.in, pass);
        console.log(`Verified: ${v.entries} entries, ${v.documents} documents; every checksum and count matches (Bina ${v.manifest.binaVersion}, taken ${v.manifest.startedAt})`);
        return;
      }
      const r = await restoreBackup(o.in, pass, await restoreTarget(config, records(config)), { force: Boolean(o.force), onProgress: (line) => console.error(line) });
      const docs = r.collections.reduce((n, c) => n + c.restored, 0);
      console.log(`Restored from ${o.in} (Bina ${r.manifest.binaVersion}, taken ${r.manifest.startedAt}): checksums of ${r.verified.entries} entries verified; ${r.collections.length} collections, ${docs} documents (counts match); ${r.files.count} files; ${r.secrets.length} secrets`);
      if (r.manifest.publicUrl !== config.PUBLIC_URL) console.log(`Note: certificates name the issuer of ${r.manifest.publicUrl}; serve Bina at that PUBLIC_URL so they keep verifying`);
      for (const n of [...r.manifest.notes, ...r.warnings]) console.log(`Note: ${n}`);
    });
}
