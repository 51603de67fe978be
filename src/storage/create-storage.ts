/**
 * Picks the file store from the configuration (BINA_STORAGE). `local` keeps files under
 * `<BINA_DATA_DIR>/files`. `s3` is reserved: the interface is ready for an S3-compatible store,
 * but this version does not ship one yet, so choosing it stops start-up with a clear message
 * instead of silently writing to the disk (ADR 0027).
 */
import { join } from 'node:path';
import type { Config } from '../config';
import { Errors } from '../kernel/errors';
import { LocalStorage } from './local-storage';
import type { Storage } from './storage';

export function storageRoot(config: Pick<Config, 'BINA_DATA_DIR'>): string {
  return join(config.BINA_DATA_DIR, 'files');
}

export function createStorage(config: Pick<Config, 'BINA_STORAGE' | 'BINA_DATA_DIR'>): Storage {
  if (config.BINA_STORAGE === 's3') {
    throw Errors.config('Invalid configuration: BINA_STORAGE=s3 is not available in this version; use local (ADR 0027)', { details: { key: 'BINA_STORAGE' } });
  }
  return new LocalStorage(storageRoot(config));
}
