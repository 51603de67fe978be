/**
 * Issuer signing keys: Ed25519 Multikey generation/import, encryption at rest,
 * rotation, `did:web` identifiers and the published DID document.
 *
 * Invariants:
 * - A private key only leaves this module encrypted (AES-256-GCM, key derived
 *   from the config secret with scrypt, fresh salt + IV per encryption). The
 *   AAD binds the ciphertext to its key id and public key, so a blob cannot be
 *   swapped onto another key record unnoticed.
 * - Key ids are `did:web:<host>#key-<n>`; `n` only grows, ids are never reused.
 * - At most one key is `active` (the one that signs). Retired keys stay in
 *   the DID document in BOTH `verificationMethod` and `assertionMethod`:
 *   verifiers check that the proof's key is authorised for assertionMethod
 *   *today*, so dropping a retired key from assertionMethod would silently
 *   invalidate every certificate it signed. Rotation limits future use of a
 *   key; it is not revocation of its past signatures (a compromised key must
 *   instead be removed from the document and its certificates re-issued).
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Ed25519MultikeyKeyPair } from '@digitalbazaar/ed25519-multikey';
import { DID_V1_CONTEXT_URL, MULTIKEY_CONTEXT_URL, type DidDocument, type VerificationMethod } from './document-loader';

export const KEY_FORMAT = 'bina-ob3-ed25519/v1';
export const ERR_KEY_DECRYPT = 'ERR_OB_KEY_DECRYPT';
export const ERR_KEY_INVALID = 'ERR_OB_KEY_INVALID';
export const ERR_WEAK_SECRET = 'ERR_OB_WEAK_SECRET';
export const ERR_BAD_HOST = 'ERR_OB_BAD_HOST';

/** Minimum config secret length; scrypt slows guessing but cannot save a trivial secret. */
export const MIN_SECRET_LENGTH = 16;

/** scrypt cost: ~32 MiB / tens of ms once at start-up, expensive for an offline guesser. */
const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;
// Upper bounds accepted when decrypting, so a tampered blob cannot make us
// allocate gigabytes (scrypt memory is 128 * N * r bytes).
const SCRYPT_MAX_N = 2 ** 20;
const SCRYPT_MAX_R = 16;
const SCRYPT_MAX_P = 4;
const ED25519_SEED_BYTES = 32;
// multicodec ed25519-pub (0xed01) in base58btc always starts with 'z6Mk'.
const ED25519_PUBLIC_MULTIBASE = /^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/;

export class SigningKeyError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SigningKeyError';
    this.code = code;
  }
}

/** A usable key pair: the library key object with its DID key id and controller. */
export type SigningKeyPair = Ed25519MultikeyKeyPair & { id: string; controller: string };

export type KeyStatus = 'active' | 'retired';

/** What the DID document needs to know about a key. */
export interface DidKeyEntry {
  id: string;
  publicKeyMultibase: string;
  status: KeyStatus;
}

/** Encrypted-at-rest form of a key pair (safe to store in the DB as JSON). */
export interface EncryptedKeyPair {
  format: typeof KEY_FORMAT;
  id: string;
  controller: string;
  publicKeyMultibase: string;
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  /** AES-256-GCM ciphertext of the 32-byte Ed25519 seed, base64url. */
  ciphertext: string;
}

/** A key record as persisted by the plugin (one row per key, never deleted). */
export interface StoredSigningKey extends DidKeyEntry {
  createdAt: string;
  retiredAt?: string;
  encrypted: EncryptedKeyPair;
}

// ---------------------------------------------------------------------------
// did:web identifiers
// ---------------------------------------------------------------------------

/**
 * `did:web` for a host (optionally `host:port`) and optional path segments.
 * Per the did:web spec the port colon is percent-encoded (`%3A`) because `:`
 * separates path segments; hostnames are lower-cased/punycoded by WHATWG URL.
 */
export function didWebFromHost(host: string, pathSegments: string[] = []): string {
  const raw = host.trim();
  if (raw.length === 0 || /[\s/?#@\\]/.test(raw) || raw.startsWith('[')) {
    // IPv6 literals are rejected: their colons cannot be told apart from
    // did:web's own separators after encoding.
    throw new SigningKeyError(ERR_BAD_HOST, `Invalid did:web host: ${JSON.stringify(host)}`);
  }
  let url: URL;
  try {
    url = new URL(`https://${raw}`);
  } catch (cause) {
    throw new SigningKeyError(ERR_BAD_HOST, `Invalid did:web host: ${JSON.stringify(host)}`, { cause });
  }
  // URL drops the default port (443), which is what did:web resolution uses anyway.
  const authority = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const path = pathSegments.map((s) => {
    if (s.length === 0) throw new SigningKeyError(ERR_BAD_HOST, 'Empty did:web path segment');
    return encodeURIComponent(s);
  });
  return ['did', 'web', authority, ...path].join(':');
}

/** The HTTPS URL a did:web resolver fetches for this DID. */
export function didWebToUrl(did: string): string {
  if (!did.startsWith('did:web:')) throw new SigningKeyError(ERR_BAD_HOST, `Not a did:web DID: ${did}`);
  const [authority, ...path] = did.slice('did:web:'.length).split(':');
  if (!authority) throw new SigningKeyError(ERR_BAD_HOST, `Not a did:web DID: ${did}`);
  const base = `https://${decodeURIComponent(authority)}`;
  return path.length === 0
    ? `${base}/.well-known/did.json`
    : `${base}/${path.map((p) => encodeURIComponent(decodeURIComponent(p))).join('/')}/did.json`;
}

/** `did:web:<host>#key-<n>` */
export function keyIdFor(did: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new SigningKeyError(ERR_KEY_INVALID, `Key number must be a positive integer, got ${n}`);
  return `${did}#key-${n}`;
}

/** Parses `<did>#key-<n>`; returns undefined for ids not in our scheme. */
export function parseKeyId(id: string): { did: string; n: number } | undefined {
  const m = /^(did:web:[^#]+)#key-([1-9]\d*)$/.exec(id);
  if (!m || !m[1] || !m[2]) return undefined;
  return { did: m[1], n: Number(m[2]) };
}

// ---------------------------------------------------------------------------
// Key pairs
// ---------------------------------------------------------------------------

/** Generates a fresh Ed25519 Multikey pair for `did` with key number `n`. */
export async function generateSigningKeyPair(did: string, n: number): Promise<SigningKeyPair> {
  const id = keyIdFor(did, n);
  const kp = await Ed25519Multikey.generate({ id, controller: did });
  return kp as SigningKeyPair;
}

/**
 * Builds a key pair from a 32-byte seed (e.g. a key supplied in config) and
 * checks, when given, that it matches the expected public key.
 */
export async function keyPairFromSeed(opts: {
  id: string;
  controller: string;
  seed: Uint8Array;
  expectedPublicKeyMultibase?: string;
}): Promise<SigningKeyPair> {
  if (opts.seed.length !== ED25519_SEED_BYTES) {
    throw new SigningKeyError(ERR_KEY_INVALID, `Ed25519 seed must be ${ED25519_SEED_BYTES} bytes, got ${opts.seed.length}`);
  }
  const kp = (await Ed25519Multikey.generate({
    id: opts.id,
    controller: opts.controller,
    seed: opts.seed,
  })) as SigningKeyPair;
  if (opts.expectedPublicKeyMultibase !== undefined && kp.publicKeyMultibase !== opts.expectedPublicKeyMultibase) {
    throw new SigningKeyError(ERR_KEY_INVALID, `Secret key does not match public key ${opts.expectedPublicKeyMultibase}`);
  }
  return kp;
}

/**
 * Imports a key pair exported as Multikey JSON (`secretKeyMultibase` +
 * `publicKeyMultibase`), e.g. from config. The library itself does not check
 * that the two halves belong together (it signs with the seed but would
 * publish the given public key), so we re-derive and compare.
 */
export async function importSigningKeyPair(opts: {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}): Promise<SigningKeyPair> {
  let parsed: Ed25519MultikeyKeyPair;
  try {
    parsed = await Ed25519Multikey.from({
      '@context': MULTIKEY_CONTEXT_URL,
      type: 'Multikey',
      ...opts,
    });
  } catch (cause) {
    throw new SigningKeyError(ERR_KEY_INVALID, 'Invalid Multikey key pair', { cause });
  }
  if (!parsed.secretKey) throw new SigningKeyError(ERR_KEY_INVALID, 'Multikey has no secret key');
  return keyPairFromSeed({
    id: opts.id,
    controller: opts.controller,
    seed: seedOf(parsed),
    expectedPublicKeyMultibase: opts.publicKeyMultibase,
  });
}

/** The 32-byte seed; the library keeps secretKey as seed||publicKey (64 bytes). */
function seedOf(kp: Ed25519MultikeyKeyPair): Uint8Array {
  if (!kp.secretKey || kp.secretKey.length < ED25519_SEED_BYTES) {
    throw new SigningKeyError(ERR_KEY_INVALID, 'Key pair has no usable secret key');
  }
  return kp.secretKey.subarray(0, ED25519_SEED_BYTES);
}

// ---------------------------------------------------------------------------
// Encryption at rest
// ---------------------------------------------------------------------------

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const unb64u = (s: string): Buffer => Buffer.from(s, 'base64url');

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new SigningKeyError(ERR_WEAK_SECRET, `Key encryption secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
}

function deriveKey(secret: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128*N*r or node refuses the default N=2^15, r=8.
    scrypt(secret, salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** AAD: binds ciphertext to its key id/controller/public key and format version. */
function aadFor(e: Pick<EncryptedKeyPair, 'format' | 'id' | 'controller' | 'publicKeyMultibase'>): Buffer {
  return Buffer.from(JSON.stringify([e.format, e.id, e.controller, e.publicKeyMultibase]), 'utf8');
}

/** Encrypts a key pair's seed under a key derived from `secret`. */
export async function encryptKeyPair(keyPair: SigningKeyPair, secret: string): Promise<EncryptedKeyPair> {
  assertSecret(secret);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header = {
    format: KEY_FORMAT,
    id: keyPair.id,
    controller: keyPair.controller,
    publicKeyMultibase: keyPair.publicKeyMultibase,
  } as const;
  const key = await deriveKey(secret, salt, SCRYPT_DEFAULTS);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aadFor(header));
    const ciphertext = Buffer.concat([cipher.update(seedOf(keyPair)), cipher.final()]);
    return {
      ...header,
      kdf: { name: 'scrypt', salt: b64u(salt), ...SCRYPT_DEFAULTS },
      cipher: { name: 'aes-256-gcm', iv: b64u(iv), tag: b64u(cipher.getAuthTag()) },
      ciphertext: b64u(ciphertext),
    };
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts a stored key pair. Throws `ERR_OB_KEY_DECRYPT` for a wrong secret
 * or any tampering (GCM tag), `ERR_OB_KEY_INVALID` for a malformed record.
 */
export async function decryptKeyPair(stored: EncryptedKeyPair, secret: string): Promise<SigningKeyPair> {
  assertSecret(secret);
  if (!stored || stored.format !== KEY_FORMAT || stored.kdf?.name !== 'scrypt' || stored.cipher?.name !== 'aes-256-gcm') {
    throw new SigningKeyError(ERR_KEY_INVALID, 'Unsupported encrypted key format');
  }
  const { N, r, p } = stored.kdf;
  const powerOfTwo = Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > SCRYPT_MAX_N || !(r >= 1 && r <= SCRYPT_MAX_R) || !(p >= 1 && p <= SCRYPT_MAX_P)) {
    throw new SigningKeyError(ERR_KEY_INVALID, 'Encrypted key has out-of-range scrypt parameters');
  }
  const iv = unb64u(stored.cipher.iv);
  const tag = unb64u(stored.cipher.tag);
  if (iv.length !== 12 || tag.length !== 16) throw new SigningKeyError(ERR_KEY_INVALID, 'Encrypted key has a malformed IV or tag');

  const key = await deriveKey(secret, unb64u(stored.kdf.salt), { N, r, p });
  let seed: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aadFor(stored));
    decipher.setAuthTag(tag);
    seed = Buffer.concat([decipher.update(unb64u(stored.ciphertext)), decipher.final()]);
  } catch (cause) {
    // GCM cannot tell a wrong secret from a tampered blob; both are fatal.
    throw new SigningKeyError(ERR_KEY_DECRYPT, `Cannot decrypt signing key ${stored.id}: wrong secret or tampered record`, { cause });
  } finally {
    key.fill(0);
  }
  try {
    return await keyPairFromSeed({
      id: stored.id,
      controller: stored.controller,
      seed,
      expectedPublicKeyMultibase: stored.publicKeyMultibase,
    });
  } finally {
    seed.fill(0);
  }
}

// ---------------------------------------------------------------------------
// Key lifecycle
// ---------------------------------------------------------------------------

function isoNow(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The single active key, or undefined. Throws if the records are inconsistent. */
export function activeKey<K extends DidKeyEntry>(keys: readonly K[]): K | undefined {
  const active = keys.filter((k) => k.status === 'active');
  if (active.length > 1) throw new SigningKeyError(ERR_KEY_INVALID, `More than one active signing key: ${active.map((k) => k.id).join(', ')}`);
  return active[0];
}

async function storeNew(keyPair: SigningKeyPair, secret: string, now: Date): Promise<StoredSigningKey> {
  return {
    id: keyPair.id,
    publicKeyMultibase: keyPair.publicKeyMultibase,
    status: 'active',
    createdAt: isoNow(now),
    encrypted: await encryptKeyPair(keyPair, secret),
  };
}

function nextKeyNumber(did: string, keys: readonly DidKeyEntry[]): number {
  let max = 0;
  for (const k of keys) {
    const parsed = parseKeyId(k.id);
    if (!parsed || parsed.did !== did) throw new SigningKeyError(ERR_KEY_INVALID, `Key ${k.id} does not belong to ${did}`);
    max = Math.max(max, parsed.n);
  }
  return max + 1;
}

/**
 * Start-up helper: returns the records unchanged if an active key exists,
 * otherwise creates the next key (from `configuredSeed` when the operator
 * supplied one and no key exists yet, else freshly generated).
 */
export async function ensureSigningKey(opts: {
  did: string;
  secret: string;
  keys: readonly StoredSigningKey[];
  configuredSeed?: Uint8Array;
  now?: Date;
}): Promise<{ keys: StoredSigningKey[]; created?: StoredSigningKey }> {
  const keys = [...opts.keys];
  if (activeKey(keys)) return { keys };
  const n = nextKeyNumber(opts.did, keys);
  const now = opts.now ?? new Date();
  const keyPair =
    opts.configuredSeed && keys.length === 0
      ? await keyPairFromSeed({ id: keyIdFor(opts.did, n), controller: opts.did, seed: opts.configuredSeed })
      : await generateSigningKeyPair(opts.did, n);
  const created = await storeNew(keyPair, opts.secret, now);
  return { keys: [...keys, created], created };
}

/**
 * Rotation: the current active key becomes `retired` (kept for verification)
 * and a new key `#key-<n+1>` becomes active. Returns new records; the caller
 * persists them atomically and republishes the DID document.
 */
export async function rotateSigningKey(opts: {
  did: string;
  secret: string;
  keys: readonly StoredSigningKey[];
  now?: Date;
}): Promise<{ keys: StoredSigningKey[]; active: StoredSigningKey; keyPair: SigningKeyPair }> {
  const now = opts.now ?? new Date();
  activeKey(opts.keys); // consistency check before we touch anything
  const n = nextKeyNumber(opts.did, opts.keys);
  const keyPair = await generateSigningKeyPair(opts.did, n);
  const active = await storeNew(keyPair, opts.secret, now);
  const retired = opts.keys.map((k) =>
    k.status === 'active' ? { ...k, status: 'retired' as const, retiredAt: isoNow(now) } : { ...k },
  );
  return { keys: [...retired, active], active, keyPair };
}

/** Decrypts the active key for signing. */
export async function loadActiveKeyPair(keys: readonly StoredSigningKey[], secret: string): Promise<SigningKeyPair> {
  const active = activeKey(keys);
  if (!active) throw new SigningKeyError(ERR_KEY_INVALID, 'No active signing key');
  return decryptKeyPair(active.encrypted, secret);
}

// ---------------------------------------------------------------------------
// DID document
// ---------------------------------------------------------------------------

/**
 * DID document served at `/.well-known/did.json` (no path) for `did:web:<host>`.
 * All keys (active and retired) are listed as verification methods AND in
 * `assertionMethod` so old proofs keep verifying; see the module docblock.
 */
export function buildDidDocument(host: string, keys: readonly DidKeyEntry[]): DidDocument {
  const did = didWebFromHost(host);
  return buildDidDocumentForDid(did, keys);
}

/** Same as {@link buildDidDocument} for an already-computed DID. */
export function buildDidDocumentForDid(did: string, keys: readonly DidKeyEntry[]): DidDocument {
  activeKey(keys);
  const seen = new Set<string>();
  const entries = keys
    .map((k) => {
      const parsed = parseKeyId(k.id);
      if (!parsed || parsed.did !== did) throw new SigningKeyError(ERR_KEY_INVALID, `Key ${k.id} does not belong to ${did}`);
      if (seen.has(k.id)) throw new SigningKeyError(ERR_KEY_INVALID, `Duplicate key id ${k.id}`);
      seen.add(k.id);
      if (!ED25519_PUBLIC_MULTIBASE.test(k.publicKeyMultibase)) {
        throw new SigningKeyError(ERR_KEY_INVALID, `Key ${k.id} is not an Ed25519 Multikey public key`);
      }
      return { n: parsed.n, k };
    })
    .sort((a, b) => a.n - b.n);
  const verificationMethod: VerificationMethod[] = entries.map(({ k }) => ({
    id: k.id,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: k.publicKeyMultibase,
  }));
  return {
    // DID v1 first: jsonld-signatures relies on it to skip framing (and we do
    // not bundle that context); Multikey v1 defines the key terms.
    '@context': [DID_V1_CONTEXT_URL, MULTIKEY_CONTEXT_URL],
    id: did,
    verificationMethod,
    assertionMethod: verificationMethod.map((vm) => vm.id),
  };
}

