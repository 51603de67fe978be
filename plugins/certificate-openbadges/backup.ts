/**
 * What the backup needs from this plugin (src/backup/plugin-backup.ts):
 * - its signing keys and status lists are dumped after the certificates: a certificate is signed
 *   with a key and given a list index before it is written, keys are only ever added (retired, never
 *   removed), so every backed-up certificate finds its key and its list;
 * - the key secret that decrypts the stored private keys, when it is the per-install file (the
 *   development default). When it is the `keySecret` setting, it is the operator's to keep.
 */
import { isAbsolute, join } from 'node:path';
import type { PluginBackup } from '../../src/backup/plugin-backup';
import { DEFAULT_SECRET_FILE } from './key-store';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const PREFIX = 'certificate-openbadges';

export const backup: PluginBackup = {
  last: [`${PREFIX}_pdfs`, `${PREFIX}_status_lists`, `${PREFIX}_keys`],
  secretFiles(settings) {
    if (settings.keySecret) return [];
    const file = String(settings.keySecretFile ?? DEFAULT_SECRET_FILE);
    return [{ name: 'key-secret', path: isAbsolute(file) ? file : join(REPO_ROOT, file) }];
  },
  notes(settings) {
    return settings.keySecret
      ? ['certificate-openbadges: the signing keys are encrypted with the keySecret setting, which is not in this file: set the same keySecret where you restore']
      : [];
  },
};
