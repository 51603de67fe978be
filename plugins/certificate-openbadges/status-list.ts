/**
 * W3C Bitstring Status List (revocation) for Open Badge credentials: the bit
 * list itself, its encoding, and the signed `BitstringStatusListCredential`.
 *
 * Invariants:
 * - New lists have at least 131,072 bits (16 KiB), the spec's minimum for
 *   herd privacy: fetching the list must not reveal which credential is checked.
 * - Encoding is exactly the spec's: multibase base64url (no padding, prefix
 *   'u') of the GZIP-compressed bitstring, bit 0 = most significant bit of
 *   byte 0 (delegated to @digitalbazaar/vc-bitstring-status-list, whose output
 *   the tests cross-check with node:zlib).
 * - Bits are only read from a status list credential after its proof has been
 *   verified (`readVerifiedStatusBit`); `readStatusBit` is for a list the
 *   caller already trusts (e.g. the issuer's own freshly signed copy).
 */
import { randomInt } from 'node:crypto';
import { BitstringStatusList, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { VC_V2_CONTEXT_URL, type DocumentLoader } from './document-loader';
import type { SigningKeyPair } from './signing-keys';
import {
  signCredential,
  verifyStatusListCredential,
  type DataIntegrityProofValue,
  type StatusListVerification,
} from './sign-credential';
import { toDateTimeStamp } from './build-credential';

export { verifyStatusListCredential, loaderStatusBitReader } from './sign-credential';
export type { StatusListVerification };

/** Spec minimum (16 KiB of bits) for herd privacy. */
export const MIN_STATUS_LIST_LENGTH = 131_072;
export const ERR_STATUS_LIST = 'ERR_OB_STATUS_LIST';

export class StatusListError extends Error {
  readonly code = ERR_STATUS_LIST;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StatusListError';
  }
}

export type StatusPurpose = 'revocation';

export interface UnsignedStatusListCredential {
  '@context': [typeof VC_V2_CONTEXT_URL];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string;
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: StatusPurpose;
    encodedList: string;
  };
}

export type SignedStatusListCredential = UnsignedStatusListCredential & { proof: DataIntegrityProofValue };

/** A new all-zero list; `length` must be ≥ 131,072 and a multiple of 8. */
export function createStatusList(length: number = MIN_STATUS_LIST_LENGTH): BitstringStatusList {
  if (!Number.isSafeInteger(length) || length < MIN_STATUS_LIST_LENGTH || length % 8 !== 0) {
    throw new StatusListError(`Status list length must be a multiple of 8 and at least ${MIN_STATUS_LIST_LENGTH} bits`);
  }
  return new BitstringStatusList({ length });
}

function assertIndex(list: BitstringStatusList, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= list.length) {
    throw new StatusListError(`Status index ${index} out of range 0..${list.length - 1}`);
  }
}

/** Sets (revoke) or clears (un-revoke) one bit. */
export function setStatusBit(list: BitstringStatusList, index: number, value: boolean): void {
  assertIndex(list, index);
  list.setStatus(index, value);
}

export function getStatusBit(list: BitstringStatusList, index: number): boolean {
  assertIndex(list, index);
  return list.getStatus(index);
}

/** `u` + base64url(gzip(bits)). */
export async function encodeStatusList(list: BitstringStatusList): Promise<string> {
  return list.encode();
}

export async function decodeStatusList(encodedList: string): Promise<BitstringStatusList> {
  try {
    return await decodeList({ encodedList });
  } catch (cause) {
    throw new StatusListError(`Cannot decode status list: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Picks an unused index at random: sequential indexes would let anyone infer
 * issuance order/volume and correlate neighbours in the list.
 */
export function randomStatusIndex(length: number, isTaken: (index: number) => boolean): number {
  for (let attempt = 0; attempt < 64; attempt++) {
    const i = randomInt(0, length);
    if (!isTaken(i)) return i;
  }
  // Nearly full list: linear probe from a random start so we still terminate.
  const start = randomInt(0, length);
  for (let k = 0; k < length; k++) {
    const i = (start + k) % length;
    if (!isTaken(i)) return i;
  }
  throw new StatusListError('Status list is full');
}

/** Unsigned BitstringStatusListCredential (VC 2.0; the v2 context defines all terms). */
export async function buildStatusListCredential(opts: {
  /** Public URL the list is served at; equals `statusListCredential` in entries. */
  id: string;
  issuerDid: string;
  list: BitstringStatusList;
  validFrom: Date | string;
  validUntil?: Date | string;
  statusPurpose?: StatusPurpose;
}): Promise<UnsignedStatusListCredential> {
  return {
    '@context': [VC_V2_CONTEXT_URL],
    id: opts.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: opts.issuerDid,
    validFrom: toDateTimeStamp(opts.validFrom),
    ...(opts.validUntil !== undefined ? { validUntil: toDateTimeStamp(opts.validUntil) } : {}),
    credentialSubject: {
      id: `${opts.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: opts.statusPurpose ?? 'revocation',
      encodedList: await encodeStatusList(opts.list),
    },
  };
}

/** Builds and signs the status list credential in one step (re-sign after every change). */
export async function buildSignedStatusListCredential(opts: {
  id: string;
  list: BitstringStatusList;
  keyPair: SigningKeyPair;
  loader: DocumentLoader;
  now?: Date;
  validUntil?: Date | string;
}): Promise<SignedStatusListCredential> {
  const now = opts.now ?? new Date();
  const unsigned = await buildStatusListCredential({
    id: opts.id,
    issuerDid: opts.keyPair.controller,
    list: opts.list,
    validFrom: now,
    validUntil: opts.validUntil,
  });
  return signCredential(unsigned, opts.keyPair, opts.loader, { now });
}

/** Signs an already built status list credential (deep copy; input untouched). */
export function signStatusListCredential(
  unsigned: UnsignedStatusListCredential,
  keyPair: SigningKeyPair,
  loader: DocumentLoader,
  options: { now?: Date } = {},
): Promise<SignedStatusListCredential> {
  return signCredential(unsigned, keyPair, loader, options);
}

/** Reads a bit from a status list credential the caller already trusts. */
export async function readStatusBit(slCredential: { credentialSubject: { encodedList: string } }, index: number): Promise<boolean> {
  const list = await decodeStatusList(slCredential.credentialSubject.encodedList);
  return getStatusBit(list, index);
}

/** Verifies the status list credential first, then reads the bit. */
export async function readVerifiedStatusBit(
  slCredential: unknown,
  index: number,
  opts: { loader: DocumentLoader; now?: Date; expectedIssuer?: string },
): Promise<boolean> {
  const result = await verifyStatusListCredential(slCredential, { ...opts, statusPurpose: 'revocation' });
  if (!result.verified) {
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.message}`);
    throw new StatusListError(`Status list credential not verified (${failed.join('; ')})`);
  }
  return readStatusBit(slCredential as { credentialSubject: { encodedList: string } }, index);
}
