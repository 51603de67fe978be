/**
 * What a plugin tells the backup, through a `backup.ts` beside its `index.ts` exporting
 * `backup: PluginBackup` (found by convention, like `cli.ts`, so the core names no plugin). It is
 * read without booting the plugin: `bina restore` runs against an empty install.
 */
export interface PluginBackup {
  /**
   * Collections to dump after all the others, in this order: those that other documents depend on
   * and that only grow (signing keys, published lists), so every document in the backup finds
   * what it refers to (ADR 0028).
   */
  last?: string[];
  /**
   * Files outside the database and the storage without which the plugin's data cannot be used
   * (a key that decrypts stored keys), as absolute paths for these settings. Restore writes them
   * to the paths the target's settings give.
   */
  secretFiles?(settings: Record<string, unknown>): Array<{ name: string; path: string }>;
  /** Lines for the operator, e.g. "the key secret is a setting: set the same value on the target". */
  notes?(settings: Record<string, unknown>): string[];
}

export interface PluginBackupRecord {
  id: string;
  version: string;
  schemaVersion: number;
  backup?: PluginBackup;
}
