/**
 * Every setting, validated once at start (zod). A missing or bad value stops start-up with one line
 * that names the variable; nothing else in the code reads `process.env`.
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { Errors } from './kernel/errors';

const REPO_ROOT = join(import.meta.dirname, '..');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  /** The URL users reach Bina at; used in links, QR codes and the did:web identifier. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
  /** Signs session cookies. Required in production; elsewhere a random one is made per process. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Connections per process to the database. FerretDB/SQLite serialises writes, so more only queue. */
  BINA_DB_POOL_SIZE: int(1, 500).default(10),
  BINA_DISABLED_PLUGINS: list.default([]),
  /** Extra folders holding plugins (each a `<kind>-<name>/` folder), e.g. a site's own plugins. */
  BINA_EXTRA_PLUGIN_DIRS: list.default([]),
  /** Prefix of every BullMQ key, so several Bina sites (or test runs) can share one Redis. */
  BINA_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('bina'),
  /** How long a worker holds a job lock; a job whose lock expires is run again. */
  BINA_JOB_LOCK_MS: int(1000, 3_600_000).default(30_000),
  BINA_JOB_STALLED_INTERVAL_MS: int(500, 3_600_000).default(30_000),
  BINA_PLUGIN_BOOT_TIMEOUT_MS: int(100, 600_000).default(10_000),
  BINA_LOGIN_RATE_LIMIT: int(1, 100_000).default(10),
  BINA_LOGIN_RATE_WINDOW_MS: int(1000, 86_400_000).default(15 * 60_000),
  /** Admins and trainers must use a second factor (an authenticator app): they enrol at their next login. */
  BINA_TOTP_REQUIRED: bool.default(false),
  BINA_PUBLIC_RATE_LIMIT: int(1, 1_000_000).default(300),
  BINA_DEFAULT_LOCALE: z.enum(['id', 'en']).default('id'),
  BINA_DEFAULT_TIMEZONE: z.enum(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']).default('Asia/Jakarta'),
  /** DOMAIN.md (configurable): 1 JP = 45 minutes; yearly targets per employment type. */
  BINA_JP_MINUTES: int(1, 600).default(45),
  BINA_JP_TARGET_PNS: int(0, 1000).default(20),
  BINA_JP_TARGET_PPPK: int(0, 1000).default(24),
  /** DOMAIN.md (configurable): job–person match; uncapped by default, bands Optimal ≥ 90, Cukup Optimal ≥ 78. */
  BINA_JPM_CAPPED: bool.default(false),
  BINA_JPM_OPTIMAL_FROM: z.coerce.number().min(0).max(200).default(90),
  BINA_JPM_CUKUP_FROM: z.coerce.number().min(0).max(200).default(78),
  BINA_TRUST_PROXY: bool.default(false),
  /** Secure cookies; defaults to on when PUBLIC_URL is https. */
  BINA_COOKIE_SECURE: bool.optional(),
  /** Per-plugin settings as JSON, e.g. `{"activity-quiz":{"graceSeconds":5}}`; each is checked against the plugin's schema. */
  BINA_PLUGIN_SETTINGS: z
    .string()
    .transform((s, ctx) => {
      try {
        const v = JSON.parse(s);
        if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, Record<string, unknown>>;
      } catch {
        /* reported below */
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object keyed by plugin id' });
      return z.NEVER;
    })
    .default({}),
  /** Folder for Bina's own files: uploaded files (`files/`) and nightly backups (`backups/`). Relative paths are from the repository root. */
  BINA_DATA_DIR: z.string().min(1).default('.data'),
  /** Where uploaded files live: `local` (under BINA_DATA_DIR) or `s3` (an S3-compatible bucket, BINA_S3_*; ADR 0064). */
  BINA_STORAGE: z.enum(['local', 's3']).default('local'),
  /** The S3-compatible store (BINA_STORAGE=s3, ADR 0064): endpoint URL; AWS's own when unset. */
  BINA_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  BINA_S3_REGION: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and - only').default('us-east-1'),
  /** Required with BINA_STORAGE=s3; the bucket must exist (start-up checks it). */
  BINA_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, . and -)').optional(),
  BINA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  BINA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** `host/bucket/key` URLs instead of `bucket.host/key`: MinIO and most self-hosted stores need it. */
  BINA_S3_FORCE_PATH_STYLE: bool.default(false),
  /** Folder inside the bucket for Bina's files, so one bucket can serve several sites. */
  BINA_S3_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'letters, digits, _ and - in /-separated folders').optional(),
  /** Passphrase of backups (nightly and `bina backup`); never written beside them. Without it, nightly backups are off. */
  BINA_BACKUP_PASSPHRASE: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Folder of nightly backups; default `<BINA_DATA_DIR>/backups`. */
  BINA_BACKUP_DIR: z.string().min(1).optional(),
  /** When the nightly backup runs (cron, in BINA_DEFAULT_TIMEZONE). */
  BINA_BACKUP_SCHEDULE: z.string().regex(/^\S+( \S+){4,5}$/, 'must be a cron pattern like "30 1 * * *"').default('30 1 * * *'),
  /** Nightly backups kept: the newest N days, plus the newest of each of M weeks. */
  BINA_BACKUP_KEEP_DAILY: int(1, 365).default(7),
  BINA_BACKUP_KEEP_WEEKLY: int(0, 520).default(4),
  /** scrypt cost of the backup passphrase (log2 N); age's default is 18. Lower only in tests. */
  BINA_BACKUP_WORK_FACTOR: int(10, 22).default(18),
  /** Argon2 cost; tests lower it, production keeps the library's default. */
  BINA_PASSWORD_HASH_MEMORY_KIB: int(1024, 4_194_304).default(65_536),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config extends Omit<RawConfig, 'PUBLIC_URL' | 'SESSION_SECRET' | 'BINA_COOKIE_SECURE' | 'BINA_BACKUP_DIR'> {
  BINA_BACKUP_DIR: string;
  PUBLIC_URL: string;
  SESSION_SECRET: string;
  BINA_COOKIE_SECURE: boolean;
}

/** Names of settings whose values are never printed. */
export const SECRET_KEYS = ['SESSION_SECRET', 'MONGODB_URI', 'REDIS_URL', 'BINA_BACKUP_PASSPHRASE', 'BINA_S3_SECRET_ACCESS_KEY'] as const;

/** Validates the environment. Throws a BINA_ERR_CONFIG_INVALID whose message is one line naming the setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '?');
    if (input[key] === undefined && issue.code === 'invalid_type') {
      throw Errors.config(`Invalid configuration: ${key} is required (not set)`, { details: { key } });
    }
    const got = input[key] === undefined ? 'not set' : `got '${SECRET_KEYS.some((secret) => secret === key) ? '***' : input[key]}'`;
    throw Errors.config(`Invalid configuration: ${key} ${issue.message} (${got})`, { details: { key } });
  }
  const raw = parsed.data;
  if (!raw.SESSION_SECRET && raw.NODE_ENV === 'production') {
    throw Errors.config('Invalid configuration: SESSION_SECRET is required in production (not set)', {
      details: { key: 'SESSION_SECRET' },
    });
  }
  if (raw.BINA_STORAGE === 's3') {
    for (const key of ['BINA_S3_BUCKET', 'BINA_S3_ACCESS_KEY_ID', 'BINA_S3_SECRET_ACCESS_KEY'] as const) {
      if (!raw[key]) throw Errors.config(`Invalid configuration: ${key} is required with BINA_STORAGE=s3 (not set)`, { details: { key } });
    }
  }
  const dataDir = isAbsolute(raw.BINA_DATA_DIR) ? raw.BINA_DATA_DIR : resolve(REPO_ROOT, raw.BINA_DATA_DIR);
  const publicUrl = (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  return {
    ...raw,
    BINA_DATA_DIR: dataDir,
    BINA_BACKUP_DIR: raw.BINA_BACKUP_DIR ? resolve(REPO_ROOT, raw.BINA_BACKUP_DIR) : join(dataDir, 'backups'),
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: raw.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    BINA_COOKIE_SECURE: raw.BINA_COOKIE_SECURE ?? publicUrl.startsWith('https://'),
  };
}

/** The effective configuration with secrets masked, for `bina config`. */
export function maskedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const k of SECRET_KEYS) {
    const v = String(out[k] ?? '');
    out[k] = k === 'SESSION_SECRET' || k === 'BINA_BACKUP_PASSPHRASE' || k === 'BINA_S3_SECRET_ACCESS_KEY' ? (out[k] === undefined ? undefined : '***') : v.replace(/\/\/([^@/]*)@/, '//***@');
  }
  return out;
}
