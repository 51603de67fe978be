/**
 * Signs credentials with a Data Integrity proof (cryptosuite eddsa-rdfc-2022)
 * and verifies Open Badges 3.0 credentials, including revocation through a
 * Bitstring Status List.
 *
 * Invariants (each one closes a trap in @digitalbazaar/vc 7.x):
 * - `signCredential` never mutates its input: `vc.issue()` appends the proof to
 *   the object it is given, so we sign a deep copy.
 * - A credential must carry exactly one proof: jsonld-signatures reports
 *   `verified: true` when ANY matching proof verifies, so a forged second proof
 *   (or a valid proof stapled next to garbage) would otherwise pass.
 * - Revocation is decided by reading the status bit ourselves: the status
 *   list library returns `verified: true` for a revoked credential (it only
 *   says the list could be checked; the bit is in `results[].status`).
 * - Date validity is checked here against an injected `now`, separately from
 *   the proof: the library folds validFrom/validUntil into proof verification
 *   (an expired credential would be reported as "proof failed", with 5 minutes
 *   of clock skew), so we ask it about the proof at a time inside the window.
 * - Only the offline document loader is used; unknown contexts fail the
 *   'context' check with the loader's error code.
 * - The proof covers the RDFC-1.0 canonical form, not the JSON bytes: edits
 *   that keep the RDF meaning (creditsAvailable "20" vs 20, `type` as a
 *   one-element array vs a string) still verify. Render from the verified
 *   document; never treat JSON byte equality as part of the guarantee.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import {
  ERR_UNKNOWN_DOCUMENT,
  OB_V3_CONTEXT_URLS,
  VC_V2_CONTEXT_URL,
  bundledContextUrls,
  findDocumentLoaderError,
  type DocumentLoader,
} from './document-loader';
import type { SigningKeyPair } from './signing-keys';

export const PROOF_TYPE = 'DataIntegrityProof';
export const CRYPTOSUITE = 'eddsa-rdfc-2022';
export const ERR_SIGN = 'ERR_OB_SIGN';

export type CheckName = 'proof' | 'single_proof' | 'context' | 'status' | 'expiry' | 'not_yet_valid';

export interface VerificationCheck {
  check: CheckName;
  ok: boolean;
  message: string;
}

export interface VerificationResult {
  verified: boolean;
  checks: VerificationCheck[];
  /** Set when the revocation bit could be read. */
  revoked?: boolean;
  /** Set when validUntil could be evaluated (false if absent). */
  expired?: boolean;
}

/** Reads one revocation bit; true = revoked. Throw if the list is unavailable. */
export type ReadStatusBit = (listUrl: string, index: number) => Promise<boolean>;

export interface VerifyOptions {
  loader: DocumentLoader;
  /**
   * Authoritative bit reader (e.g. the issuer's own DB). When omitted, the
   * status list credential is loaded through `loader`, its own proof and
   * issuer are verified, and the bit is read from it.
   */
  readStatusBit?: ReadStatusBit;
  /** Verification time; defaults to the current time. */
  now?: Date;
}

export interface DataIntegrityProofValue {
  type: typeof PROOF_TYPE;
  cryptosuite: typeof CRYPTOSUITE;
  created?: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
}

export class SignError extends Error {
  readonly code = ERR_SIGN;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignError';
  }
}

type Json = Record<string, unknown>;

const BUNDLED: ReadonlySet<string> = new Set(bundledContextUrls());

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function issuerIdOf(credential: Json): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

function typesOf(v: Json): string[] {
  const t = v.type;
  if (typeof t === 'string') return [t];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

// Anchored xsd:dateTimeStamp. The vc library's own dateRegex is unanchored
// (it accepts "x2025-01-15T08:00:00Zjunk") and Date() parses almost anything.
const DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseDate(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !DATE_TIME_STAMP.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Flattens the many error shapes jsonld-signatures returns into one message. */
function describeError(error: unknown): string {
  const loaderError = findDocumentLoaderError(error);
  if (loaderError) return `${loaderError.code}: ${loaderError.message}`;
  const errors = Array.isArray(error) ? error : [error];
  const msgs = errors
    .map((e) => (e instanceof Error ? e.message : isObject(e) && typeof e.message === 'string' ? e.message : String(e)))
    .filter((m) => m.length > 0);
  return msgs.length > 0 ? [...new Set(msgs)].join('; ') : 'unknown error';
}

// ---------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------

/**
 * Returns a signed deep copy of `unsigned` (the input is left untouched).
 * The key's controller must be the credential issuer, otherwise the proof
 * could never verify (issuer must control the verification method).
 */
export async function signCredential<T extends object>(
  unsigned: T,
  keyPair: SigningKeyPair,
  loader: DocumentLoader,
  options: { now?: Date } = {},
): Promise<T & { proof: DataIntegrityProofValue }> {
  // structuredClone also rejects functions/symbols: the input must be JSON-like.
  const copy = structuredClone(unsigned) as T & Json;
  if ('proof' in copy) {
    throw new SignError('Credential already has a proof; one proof per credential is allowed');
  }
  const issuerId = issuerIdOf(copy);
  if (!issuerId || issuerId !== keyPair.controller) {
    throw new SignError(`Issuer ${String(issuerId)} does not control signing key ${keyPair.id}`);
  }
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: eddsaRdfc2022,
    date: options.now ?? new Date(),
  });
  try {
    const signed = await vc.issue({ credential: copy, suite, documentLoader: loader, now: options.now });
    return signed as T & { proof: DataIntegrityProofValue };
  } catch (cause) {
    throw new SignError(`Signing failed: ${describeError(cause)}`, { cause });
  }
}

// ---------------------------------------------------------------------------
// Verification building blocks (also used for status list credentials)
// ---------------------------------------------------------------------------

/** 'context' check: VC v2 first, only bundled/local URL contexts, expected types. */
export async function checkContext(
  credential: unknown,
  loader: DocumentLoader,
  expect: { openBadge: boolean; type: string[] },
): Promise<VerificationCheck> {
  const fail = (message: string): VerificationCheck => ({ check: 'context', ok: false, message });
  if (!isObject(credential)) return fail('Credential must be a JSON object');
  const ctx = credential['@context'];
  if (!Array.isArray(ctx) || ctx[0] !== VC_V2_CONTEXT_URL) {
    return fail(`First @context must be ${VC_V2_CONTEXT_URL}`);
  }
  for (const entry of ctx) {
    // Inline contexts are refused: we never emit them, and they would let a
    // document redefine unprotected terms without any URL we could vet.
    if (typeof entry !== 'string') return fail('Only URL @context entries are accepted');
    // Allow-list, not "whatever the loader can answer": the loader also serves
    // local non-context documents (status lists), which must not act as contexts.
    if (!BUNDLED.has(entry)) {
      return fail(`Unknown @context ${entry}: ${ERR_UNKNOWN_DOCUMENT}: not a bundled context (network disabled)`);
    }
    try {
      await loader(entry);
    } catch (error) {
      return fail(`Unknown @context ${entry}: ${describeError(error)}`);
    }
  }
  if (expect.openBadge && !ctx.some((c) => typeof c === 'string' && OB_V3_CONTEXT_URLS.has(c))) {
    return fail('Missing the Open Badges 3.0 @context');
  }
  const types = typesOf(credential);
  const missing = expect.type.filter((t) => !types.includes(t));
  if (missing.length > 0) return fail(`type must include ${missing.join(', ')}`);
  return { check: 'context', ok: true, message: 'Contexts are bundled and types are as expected' };
}

/** 'single_proof' check: exactly one proof object. */
export function checkSingleProof(credential: unknown): VerificationCheck {
  const proof = isObject(credential) ? credential.proof : undefined;
  const proofs = proof === undefined ? [] : Array.isArray(proof) ? proof : [proof];
  if (proofs.length !== 1 || !isObject(proofs[0])) {
    return { check: 'single_proof', ok: false, message: `Expected exactly one proof, found ${proofs.length}` };
  }
  return { check: 'single_proof', ok: true, message: 'Exactly one proof' };
}

/**
 * 'proof' check for a credential already known to have one proof: the proof
 * must be ours (DataIntegrityProof / eddsa-rdfc-2022 / assertionMethod by a
 * key of the issuer) and cryptographically valid over the whole document.
 */
export async function checkProof(credential: Json, loader: DocumentLoader, now: Date): Promise<VerificationCheck> {
  const fail = (message: string): VerificationCheck => ({ check: 'proof', ok: false, message });
  const raw = credential.proof;
  const proof = (Array.isArray(raw) ? raw[0] : raw) as Json;
  if (proof.type !== PROOF_TYPE || proof.cryptosuite !== CRYPTOSUITE) {
    return fail(`Unsupported proof ${String(proof.type)}/${String(proof.cryptosuite)}; expected ${PROOF_TYPE}/${CRYPTOSUITE}`);
  }
  if (proof.proofPurpose !== 'assertionMethod') return fail(`Unexpected proofPurpose ${String(proof.proofPurpose)}`);
  const issuerId = issuerIdOf(credential);
  const vm = proof.verificationMethod;
  if (!issuerId || typeof vm !== 'string' || !vm.startsWith(`${issuerId}#`)) {
    return fail(`Verification method ${String(vm)} does not belong to issuer ${String(issuerId)}`);
  }

  // Evaluate the library's own date checks at a moment inside the validity
  // window; real date checks are ours ('expiry' / 'not_yet_valid').
  const validFrom = parseDate(credential.validFrom);
  const validUntil = parseDate(credential.validUntil);
  let libNow = now;
  if (validFrom && libNow < validFrom) libNow = validFrom;
  if (validUntil && libNow > validUntil) libNow = validUntil;

  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: loader,
    now: libNow,
    // Status is judged by checkStatus() below; the library requires a function
    // whenever credentialStatus is present.
    checkStatus: async () => ({ verified: true }),
  });
  if (!result.verified) {
    const errors = [result.error, ...(result.results ?? []).map((r) => r.error)].filter((e) => e !== undefined);
    return fail(`Proof verification failed: ${describeError(errors)}`);
  }
  return { check: 'proof', ok: true, message: `Valid ${CRYPTOSUITE} proof by ${vm}` };
}

/** 'not_yet_valid' and 'expiry' checks against `now`. */
export function checkDates(credential: Json, now: Date): { checks: VerificationCheck[]; expired?: boolean } {
  const checks: VerificationCheck[] = [];
  const validFrom = parseDate(credential.validFrom);
  if (!validFrom) {
    checks.push({ check: 'not_yet_valid', ok: false, message: 'validFrom is missing or not a date' });
  } else if (validFrom.getTime() > now.getTime()) {
    checks.push({ check: 'not_yet_valid', ok: false, message: `Not valid before ${credential.validFrom as string}` });
  } else {
    checks.push({ check: 'not_yet_valid', ok: true, message: `Valid from ${credential.validFrom as string}` });
  }
  let expired: boolean | undefined;
  if (credential.validUntil === undefined) {
    expired = false;
    checks.push({ check: 'expiry', ok: true, message: 'No validUntil' });
  } else {
    const validUntil = parseDate(credential.validUntil);
    if (!validUntil) {
      checks.push({ check: 'expiry', ok: false, message: 'validUntil is not a date' });
    } else {
      expired = validUntil.getTime() < now.getTime();
      checks.push(
        expired
          ? { check: 'expiry', ok: false, message: `Expired at ${credential.validUntil as string}` }
          : { check: 'expiry', ok: true, message: `Valid until ${credential.validUntil as string}` },
      );
    }
  }
  return { checks, expired };
}

/** Result of verifying a BitstringStatusListCredential. */
export interface StatusListVerification {
  verified: boolean;
  checks: VerificationCheck[];
}

/**
 * Verifies a BitstringStatusListCredential: bundled contexts, type, exactly
 * one valid proof, optional expected issuer/purpose, and its validity window.
 * Its bits must not be trusted unless this passes.
 */
export async function verifyStatusListCredential(
  slCredential: unknown,
  opts: { loader: DocumentLoader; now?: Date; expectedIssuer?: string; statusPurpose?: string },
): Promise<StatusListVerification> {
  const now = opts.now ?? new Date();
  const checks: VerificationCheck[] = [
    await checkContext(slCredential, opts.loader, {
      openBadge: false,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    }),
  ];
  const single = checkSingleProof(slCredential);
  checks.push(single);
  if (!isObject(slCredential)) return { verified: false, checks };

  checks.push(
    single.ok
      ? await checkProof(slCredential, opts.loader, now)
      : { check: 'proof', ok: false, message: 'Not checked: exactly one proof is required' },
  );
  const subject = slCredential.credentialSubject;
  const subjectOk = isObject(subject) && subject.type === 'BitstringStatusList' && typeof subject.encodedList === 'string';
  const issuerOk = opts.expectedIssuer === undefined || issuerIdOf(slCredential) === opts.expectedIssuer;
  const purposeOk = opts.statusPurpose === undefined || (isObject(subject) && subject.statusPurpose === opts.statusPurpose);
  checks.push({
    check: 'context',
    ok: subjectOk && issuerOk && purposeOk,
    message: !subjectOk
      ? 'credentialSubject must be a BitstringStatusList with encodedList'
      : !issuerOk
        ? `Status list issuer ${String(issuerIdOf(slCredential))} differs from credential issuer ${String(opts.expectedIssuer)}`
        : !purposeOk
          ? `Status list purpose is not ${String(opts.statusPurpose)}`
          : 'Status list subject, issuer and purpose match',
  });
  checks.push(...checkDates(slCredential, now).checks);
  return { verified: checks.every((c) => c.ok), checks };
}

/** Reads a bit from an encodedList (multibase 'u' + base64url(gzip(bits))). */
async function bitFromEncodedList(encodedList: string, index: number): Promise<boolean> {
  const list = await decodeList({ encodedList });
  if (index >= list.length) throw new Error(`statusListIndex ${index} is outside the list (length ${list.length})`);
  return list.getStatus(index);
}

/**
 * Default bit reader: loads the status list credential through the offline
 * loader, verifies it (proof, issuer = credential issuer, purpose), then reads
 * the bit. Decoding happens only after the proof passed, so a hostile list
 * (e.g. a gzip bomb) would need our signature first.
 */
export function loaderStatusBitReader(opts: {
  loader: DocumentLoader;
  now?: Date;
  expectedIssuer?: string;
  statusPurpose?: string;
}): ReadStatusBit {
  return async (listUrl, index) => {
    const { document } = await opts.loader(listUrl);
    const result = await verifyStatusListCredential(document, {
      loader: opts.loader,
      now: opts.now,
      expectedIssuer: opts.expectedIssuer,
      statusPurpose: opts.statusPurpose ?? 'revocation',
    });
    if (!result.verified) {
      const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.message}`);
      throw new Error(`Status list credential ${listUrl} not verified (${failed.join('; ')})`);
    }
    const encodedList = (document as { credentialSubject: { encodedList: string } }).credentialSubject.encodedList;
    return bitFromEncodedList(encodedList, index);
  };
}

/** 'status' check: every revocation entry must be readable and unset. */
export async function checkStatus(
  credential: Json,
  read: ReadStatusBit,
): Promise<{ check: VerificationCheck; revoked?: boolean }> {
  const raw = credential.credentialStatus;
  if (raw === undefined) {
    return { check: { check: 'status', ok: true, message: 'No credentialStatus; revocation not applicable' } };
  }
  const entries = Array.isArray(raw) ? raw : [raw];
  const revocation = entries.filter(
    (e): e is Json => isObject(e) && e.type === 'BitstringStatusListEntry' && e.statusPurpose === 'revocation',
  );
  if (revocation.length === 0) {
    return { check: { check: 'status', ok: false, message: 'credentialStatus has no BitstringStatusListEntry for revocation' } };
  }
  let revoked = false;
  for (const entry of revocation) {
    const listUrl = entry.statusListCredential;
    const indexText = entry.statusListIndex;
    if (typeof listUrl !== 'string' || typeof indexText !== 'string' || !/^(0|[1-9]\d*)$/.test(indexText)) {
      return { check: { check: 'status', ok: false, message: 'Malformed BitstringStatusListEntry' } };
    }
    const index = Number(indexText);
    if (!Number.isSafeInteger(index)) {
      return { check: { check: 'status', ok: false, message: 'statusListIndex out of range' } };
    }
    try {
      if (await read(listUrl, index)) revoked = true;
    } catch (error) {
      // Fail closed: "cannot tell" must not read as "not revoked".
      return { check: { check: 'status', ok: false, message: `Revocation status unavailable: ${describeError(error)}` } };
    }
  }
  return revoked
    ? { check: { check: 'status', ok: false, message: 'Credential has been revoked' }, revoked: true }
    : { check: { check: 'status', ok: true, message: 'Not revoked' }, revoked: false };
}

// ---------------------------------------------------------------------------
// Open Badge verification
// ---------------------------------------------------------------------------

/**
 * Verifies an OpenBadgeCredential. Every check runs and is reported (so the UI
 * can say *why*); `verified` is true only when all checks pass. The input is
 * never mutated.
 */
export async function verifyOpenBadgeCredential(credential: unknown, opts: VerifyOptions): Promise<VerificationResult> {
  const now = opts.now ?? new Date();
  let doc: unknown;
  try {
    doc = structuredClone(credential);
  } catch {
    doc = undefined;
  }
  const checks: VerificationCheck[] = [];
  checks.push(
    await checkContext(doc, opts.loader, { openBadge: true, type: ['VerifiableCredential', 'OpenBadgeCredential'] }),
  );
  if (!isObject(doc)) {
    return { verified: false, checks };
  }
  const single = checkSingleProof(doc);
  checks.push(single);
  checks.push(
    single.ok
      ? await checkProof(doc, opts.loader, now)
      : { check: 'proof', ok: false, message: 'Not checked: exactly one proof is required' },
  );
  const dates = checkDates(doc, now);
  checks.push(...dates.checks);

  const reader =
    opts.readStatusBit ??
    loaderStatusBitReader({ loader: opts.loader, now, expectedIssuer: issuerIdOf(doc), statusPurpose: 'revocation' });
  const status = await checkStatus(doc, reader);
  checks.push(status.check);

  const result: VerificationResult = { verified: checks.every((c) => c.ok), checks };
  if (status.revoked !== undefined) result.revoked = status.revoked;
  if (dates.expired !== undefined) result.expired = dates.expired;
  return result;
}
