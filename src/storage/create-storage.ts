/**
 * Picks the file store from the configuration (BINA_STORAGE). `local` keeps files under
 * `<BINA_DATA_DIR>/files` (ADR 0027); `s3` keeps them in an S3-compatible bucket configured by the
 * BINA_S3_* settings, whose credentials come from Bina's configuration only (ADR 0064).
 */
import { join } from 'node:path';
import type { Config } from '../config';
import { Errors } from '../kernel/errors';
import { LocalStorage } from './local-storage';
import type { S3Storage } from './s3-storage';
import type { Storage } from './storage';

type StorageConfig = Pick<Config, 'BINA_STORAGE' | 'BINA_DATA_DIR'> &
  Partial<Pick<Config, 'BINA_S3_ENDPOINT' | 'BINA_S3_REGION' | 'BINA_S3_BUCKET' | 'BINA_S3_ACCESS_KEY_ID' | 'BINA_S3_SECRET_ACCESS_KEY' | 'BINA_S3_FORCE_PATH_STYLE' | 'BINA_S3_PREFIX'>>;

export function storageRoot(config: Pick<Config, 'BINA_DATA_DIR'>): string {
  return join(config.BINA_DATA_DIR, 'files');
}

/** The configured store. The AWS SDK is loaded only when `s3` is chosen (it is large, and warns about Node versions). */
export async function createStorage(config: StorageConfig): Promise<Storage> {
  if (config.BINA_STORAGE === 's3') {
    for (const key of ['BINA_S3_BUCKET', 'BINA_S3_ACCESS_KEY_ID', 'BINA_S3_SECRET_ACCESS_KEY'] as const) {
      if (!config[key]) throw Errors.config(`Invalid configuration: ${key} is required with BINA_STORAGE=s3 (not set)`, { details: { key } });
    }
    const { S3Storage } = await import('./s3-storage');
    return new S3Storage({
      endpoint: config.BINA_S3_ENDPOINT,
      region: config.BINA_S3_REGION ?? 'us-east-1',
      bucket: config.BINA_S3_BUCKET!,
      accessKeyId: config.BINA_S3_ACCESS_KEY_ID!,
      secretAccessKey: config.BINA_S3_SECRET_ACCESS_KEY!,
      forcePathStyle: config.BINA_S3_FORCE_PATH_STYLE ?? false,
      prefix: config.BINA_S3_PREFIX,
    });
  }
  return new LocalStorage(storageRoot(config));
}

/**
 * Start-up check of a remote store: an S3 bucket that is missing or refuses these credentials stops
 * start-up with one line naming the setting, instead of failing at the first upload.
 */
export async function verifyStorage(storage: Storage, config: Pick<Config, 'BINA_S3_BUCKET' | 'BINA_S3_ENDPOINT'>): Promise<void> {
  const remote = storage as Partial<Pick<S3Storage, 'verify'>>;
  if (!remote.verify) return;
  try {
    await remote.verify();
  } catch (e) {
    storage.close?.(); // a failed start-up must not leave sockets open (the CLI would not exit)
    const reason = (e as Error).name === 'NotFound' ? 'the bucket does not exist' : `${(e as Error).name}: ${(e as Error).message}`;
    throw Errors.config(`Invalid configuration: BINA_S3_BUCKET '${config.BINA_S3_BUCKET}' cannot be used at ${config.BINA_S3_ENDPOINT ?? 'AWS'} (${reason})`, { details: { key: 'BINA_S3_BUCKET' } });
  }
}
