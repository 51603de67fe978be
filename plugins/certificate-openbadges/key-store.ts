/**
 * The issuer's signing keys in the database: generated on first start (or from a seed in the
 * settings), stored encrypted (signing-keys.ts), rotated on request, published as the DID document.
 *
 * Invariants:
 * - All keys of the issuer live in ONE document. A change of version v is made only by whoever
 *   claims `keys:<did>:v<v>` (claims.ts: a unique insert, since conditional updates are not atomic
 *   on FerretDB): concurrent starts or rotations cannot leave two active keys or lose one.
 * - The decrypted private key exists only in the memory of processes that sign (workers), and is
 *   re-read when the active key id changes, so a rotation done elsewhere takes effect at once.
 * - Retired keys stay published (see signing-keys.ts): old certificates keep verifying.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import { Errors } from '../../src/kernel/errors';
import type { Clock } from '../../src/kernel/clock';
import type { DidDocument } from './document-loader';
import {
  buildDidDocumentForDid,
  decryptKeyPair,
  ensureSigningKey,
  rotateSigningKey,
  type SigningKeyPair,
  type StoredSigningKey,
} from './signing-keys';
import type { KeySetDoc } from './certificate-models';
import type { Claims } from '../../src/kernel/claims';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const DEFAULT_SECRET_FILE = '.data/certificate-openbadges/key-secret';

/**
 * The secret that encrypts private keys at rest. From the `keySecret` setting (required when the
 * site is served over https, i.e. in production); otherwise from a per-install file that is
 * created once with a random value (development and tests).
 */
export function resolveKeySecret(settings: { keySecret?: string; keySecretFile?: string }, publicUrl: string): { secret: string; source: 'settings' | 'file' } {
  if (settings.keySecret) return { secret: settings.keySecret, source: 'settings' };
  if (publicUrl.startsWith('https://')) {
    throw Errors.config('Plugin certificate-openbadges: setting keySecret is required when PUBLIC_URL is https (production); set it in BINA_PLUGIN_SETTINGS', {
      details: { plugin: 'certificate-openbadges', setting: 'keySecret' },
    });
  }
  const file = settings.keySecretFile ?? DEFAULT_SECRET_FILE;
  const path = isAbsolute(file) ? file : join(REPO_ROOT, file);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // 'wx': of two processes starting together, one creates the file and the other reads it.
      writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 16) throw Errors.config(`Plugin certificate-openbadges: key secret file ${path} holds fewer than 16 characters`);
  return { secret, source: 'file' };
}

export class KeyStore {
  private cached?: { id: string; keyPair: SigningKeyPair };

  constructor(
    private KeySet: Model<KeySetDoc>,
    readonly did: string,
    /** Resolved at start (it may read a file), so only asked for when a key is used. */
    private secretOf: () => string,
    private clock: Clock,
    private claims: Claims,
    private configuredSeed?: Uint8Array,
  ) {}

  /** Writes a new key list over version `version`, if this caller wins that version. */
  private async replace(version: number, keys: StoredSigningKey[]): Promise<boolean> {
    if (!(await this.claims.claim(`keys:${this.did}:v${version}`))) return false;
    const u = await this.KeySet.updateOne({ _id: this.did, version }, { $set: { keys, version: version + 1 } });
    return u.matchedCount === 1;
  }

  private async load(): Promise<KeySetDoc | null> {
    return this.KeySet.findById(this.did).lean();
  }

  /** Creates the first (or a missing active) key. Safe when several processes start at once. */
  async ensure(): Promise<{ created?: string }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.load();
      const keys = (doc?.keys ?? []) as StoredSigningKey[];
      const r = await ensureSigningKey({ did: this.did, secret: this.secretOf(), keys, configuredSeed: this.configuredSeed, now: this.clock.now() });
      if (!r.created) return {};
      if (!doc) {
        try {
          await this.KeySet.create({ _id: this.did, keys: r.keys, version: 1 });
          return { created: r.created.id };
        } catch (e) {
          if ((e as { code?: number }).code !== 11000) throw e;
          continue; // another process created it first: use theirs
        }
      }
      if (await this.replace(doc.version, r.keys)) return { created: r.created.id };
    }
    throw Errors.conflict('Could not create the signing key: the key set kept changing');
  }

  /** Public entries (id, public key, status, dates): what the DID document and admins see. */
  async publicKeys(): Promise<Array<Omit<StoredSigningKey, 'encrypted'>>> {
    const doc = await this.load();
    return ((doc?.keys ?? []) as StoredSigningKey[]).map(({ encrypted: _e, ...k }) => k);
  }

  async didDocument(): Promise<DidDocument> {
    return buildDidDocumentForDid(this.did, await this.publicKeys());
  }

  /** The active key, decrypted (cached per process until the active key changes). */
  async activeKeyPair(): Promise<SigningKeyPair> {
    const doc = await this.load();
    const active = ((doc?.keys ?? []) as StoredSigningKey[]).find((k) => k.status === 'active');
    if (!active) throw Errors.conflict('No active signing key: restart the service to create one');
    if (this.cached?.id !== active.id) this.cached = { id: active.id, keyPair: await decryptKeyPair(active.encrypted, this.secretOf()) };
    return this.cached.keyPair;
  }

  /** Retires the active key and makes a new one active. Returns both ids. */
  async rotate(): Promise<{ retired?: string; active: string }> {
    const doc = await this.load();
    if (!doc) throw Errors.conflict('No signing key yet');
    const keys = doc.keys as StoredSigningKey[];
    const r = await rotateSigningKey({ did: this.did, secret: this.secretOf(), keys, now: this.clock.now() });
    if (!(await this.replace(doc.version, r.keys))) throw Errors.conflict('The signing keys changed meanwhile; try again');
    return { retired: keys.find((k) => k.status === 'active')?.id, active: r.active.id };
  }
}
