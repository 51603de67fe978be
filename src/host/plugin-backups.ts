/**
 * Finds each plugin's `backup.ts` (src/backup/plugin-backup.ts) by convention and builds what
 * `writeBackup` and `restoreBackup` need from a configuration: the database, the storage, the
 * plugins with their versions and settings. Neither needs a booted kernel: a restore targets an
 * empty install, and `bina backup` must not start plugins (their `start` may write).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../config';
import { CORE_VERSION } from '../kernel/core-version';
import { createStorage } from '../storage/create-storage';
import type { PluginBackup, PluginBackupRecord } from '../backup/plugin-backup';
import type { BackupSource } from '../backup/write-backup';
import type { RestoreTarget } from '../backup/read-backup';
import type { PluginRecord } from './plugins/plugin-registry';

export async function loadPluginBackups(records: PluginRecord[]): Promise<PluginBackupRecord[]> {
  const out: PluginBackupRecord[] = [];
  for (const r of records) {
    if (r.status === 'disabled') continue;
    const file = join(r.dir, 'backup.ts');
    const backup = existsSync(file) ? ((await import(pathToFileURL(file).href)) as { backup?: PluginBackup }).backup : undefined;
    out.push({ id: r.id, version: r.manifest.version, schemaVersion: r.manifest.schemaVersion, backup });
  }
  return out;
}

export async function backupSource(config: Config, records: PluginRecord[]): Promise<BackupSource> {
  return {
    mongoUri: config.MONGODB_URI,
    storage: await createStorage(config),
    binaVersion: CORE_VERSION,
    publicUrl: config.PUBLIC_URL,
    plugins: await loadPluginBackups(records),
    pluginSettings: config.BINA_PLUGIN_SETTINGS,
  };
}

export async function restoreTarget(config: Config, records: PluginRecord[]): Promise<RestoreTarget> {
  return { mongoUri: config.MONGODB_URI, storage: await createStorage(config), plugins: await loadPluginBackups(records), pluginSettings: config.BINA_PLUGIN_SETTINGS };
}
