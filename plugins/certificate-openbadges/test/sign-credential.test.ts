/**
 * Tests for signing and verifying OpenBadgeCredentials, including the
 * library traps this module exists to close (input mutation, multi-proof
 * acceptance, "verified" status for revoked credentials) and the offline
 * guarantee (unknown context fails, no network attempted).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { expect } from 'chai';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { checkStatus as libraryCheckStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { buildOpenBadgeCredential } from '../build-credential';
import { ERR_UNKNOWN_DOCUMENT } from '../document-loader';
import {
  ERR_SIGN,
  signCredential,
  verifyOpenBadgeCredential,
  type CheckName,
  type VerificationResult,
} from '../sign-credential';
import { generateSigningKeyPair } from '../signing-keys';
import { buildSignedStatusListCredential, createStatusList, setStatusBit } from '../status-list';
import { DID, LIST_URL, NOW, makeIssuer, sampleInput, type Issuer } from './fixtures';

const INDEX = 94567;

function check(result: VerificationResult, name: CheckName) {
  const found = result.checks.find((c) => c.check === name);
  if (!found) throw new Error(`no ${name} check in ${JSON.stringify(result.checks)}`);
  return found;
}

function failedChecks(result: VerificationResult): CheckName[] {
  return result.checks.filter((c) => !c.ok).map((c) => c.check);
}

async function publishStatusList(issuer: Issuer, revoked: number[] = [], now = NOW): Promise<void> {
  const list = createStatusList();
  for (const i of revoked) setStatusBit(list, i, true);
  const sl = await buildSignedStatusListCredential({ id: LIST_URL, list, keyPair: issuer.active(), loader: issuer.loader, now });
  issuer.documents.set(LIST_URL, sl);
}

async function signedSample(issuer: Issuer, overrides = {}) {
  return signCredential(buildOpenBadgeCredential(sampleInput(overrides)), issuer.active(), issuer.loader, { now: NOW });
}

/** Replaces every outbound network path with a recorder for the duration of fn. */
async function withNetworkForbidden<T>(fn: () => Promise<T>): Promise<{ value: T; attempts: string[] }> {
  const attempts: string[] = [];
  const saved = {
    fetch: globalThis.fetch,
    httpRequest: http.request,
    httpGet: http.get,
    httpsRequest: https.request,
    httpsGet: https.get,
    connect: net.Socket.prototype.connect,
  };
  const deny = (what: string) =>
    function denied(): never {
      attempts.push(what);
      throw new Error(`network access attempted: ${what}`);
    };
  globalThis.fetch = (async (input: unknown) => {
    attempts.push(`fetch ${String(input)}`);
    throw new Error('network access attempted: fetch');
  }) as typeof fetch;
  http.request = deny('http.request') as typeof http.request;
  http.get = deny('http.get') as typeof http.get;
  https.request = deny('https.request') as typeof https.request;
  https.get = deny('https.get') as typeof https.get;
  net.Socket.prototype.connect = deny('net.Socket.connect') as typeof net.Socket.prototype.connect;
  try {
    return { value: await fn(), attempts };
  } finally {
    globalThis.fetch = saved.fetch;
    http.request = saved.httpRequest;
    http.get = saved.httpGet;
    https.request = saved.httpsRequest;
    https.get = saved.httpsGet;
    net.Socket.prototype.connect = saved.connect;
  }
}

describe('certificate-openbadges/sign-credential', () => {
  let issuer: Issuer;
  beforeEach(async () => {
    issuer = await makeIssuer();
    await publishStatusList(issuer);
  });

  it('signs with a DataIntegrityProof (eddsa-rdfc-2022) that verifies', async () => {
    const signed = await signedSample(issuer);
    expect(signed.proof).to.include({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
      verificationMethod: `${DID}#key-1`,
      created: '2025-06-01T00:00:00Z',
    });
    expect(signed.proof.proofValue).to.match(/^z[1-9A-HJ-NP-Za-km-z]+$/);
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(failedChecks(result)).to.deep.equal([]);
    expect(result).to.deep.include({ verified: true, revoked: false, expired: false });
    expect(result.checks.map((c) => c.check)).to.have.members(['context', 'single_proof', 'proof', 'not_yet_valid', 'expiry', 'status']);
  });

  it('survives a JSON round trip (what storage/HTTP will do)', async () => {
    const signed = JSON.parse(JSON.stringify(await signedSample(issuer)));
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(result.verified).to.equal(true);
  });

  it('does not mutate the input (the library does: vc.issue adds the proof in place)', async () => {
    const unsigned = buildOpenBadgeCredential(sampleInput());
    const snapshot = structuredClone(unsigned);
    const signed = await signCredential(unsigned, issuer.active(), issuer.loader, { now: NOW });
    expect(unsigned).to.deep.equal(snapshot);
    expect(unsigned).to.not.have.property('proof');
    expect(signed).to.not.equal(unsigned);
    expect(signed.credentialSubject).to.not.equal(unsigned.credentialSubject);

    // The trap, demonstrated on the raw library.
    const raw = structuredClone(unsigned);
    const suite = new DataIntegrityProof({ signer: issuer.active().signer(), cryptosuite, date: NOW });
    const returned = await vc.issue({ credential: raw, suite, documentLoader: issuer.loader });
    expect(returned).to.equal(raw);
    expect(raw).to.have.property('proof');
  });

  it('does not mutate the credential being verified', async () => {
    const signed = await signedSample(issuer);
    const snapshot = structuredClone(signed);
    await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(signed).to.deep.equal(snapshot);
  });

  it('fails the proof check when one field (subject name) is changed', async () => {
    const signed = await signedSample(issuer);
    const tampered = structuredClone(signed);
    tampered.credentialSubject.name = 'Budi Santosa';
    const result = await verifyOpenBadgeCredential(tampered, { loader: issuer.loader, now: NOW });
    expect(result.verified).to.equal(false);
    expect(failedChecks(result)).to.deep.equal(['proof']);
    expect(check(result, 'proof').message).to.match(/Invalid signature/);
  });

  it('fails the proof check when a field is added or the JP is inflated', async () => {
    const signed = await signedSample(issuer);
    const added = { ...structuredClone(signed), description: 'extra claim' };
    const inflated = structuredClone(signed);
    inflated.credentialSubject.achievement.creditsAvailable = 200;
    for (const doc of [added, inflated]) {
      const result = await verifyOpenBadgeCredential(doc, { loader: issuer.loader, now: NOW });
      expect(failedChecks(result)).to.deep.equal(['proof']);
    }
  });

  it('requires exactly one proof (the library accepts one good + one bad)', async () => {
    const signed = await signedSample(issuer);
    const bad = { ...signed.proof, proofValue: `z${'1'.repeat(86)}` };
    const twoProofs = { ...structuredClone(signed), proof: [signed.proof, bad] };

    // The trap: jsonld-signatures verifies if ANY proof verifies.
    const lib = await vc.verifyCredential({
      credential: twoProofs,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: issuer.loader,
      now: NOW,
      checkStatus: async () => ({ verified: true }),
    });
    expect(lib.verified).to.equal(true);

    const result = await verifyOpenBadgeCredential(twoProofs, { loader: issuer.loader, now: NOW });
    expect(result.verified).to.equal(false);
    expect(check(result, 'single_proof')).to.deep.include({ ok: false });
    expect(check(result, 'single_proof').message).to.include('found 2');

    const none = structuredClone(signed) as Partial<typeof signed>;
    delete none.proof;
    const unsignedResult = await verifyOpenBadgeCredential(none, { loader: issuer.loader, now: NOW });
    expect(check(unsignedResult, 'single_proof').ok).to.equal(false);
  });

  it('reports revoked when the status bit is set, although the library status check says verified', async () => {
    const signed = await signedSample(issuer);
    await publishStatusList(issuer, [INDEX]);

    // The trap: the library's status check is "verified" for a revoked credential.
    const lib = await libraryCheckStatus({
      credential: signed,
      documentLoader: issuer.loader,
      suite: new DataIntegrityProof({ cryptosuite }),
      verifyBitstringStatusListCredential: true,
    });
    expect(lib.verified).to.equal(true);
    expect(lib.results?.[0]?.status).to.equal(true);

    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(result).to.deep.include({ verified: false, revoked: true });
    expect(failedChecks(result)).to.deep.equal(['status']);
    expect(check(result, 'proof').ok).to.equal(true);
  });

  it('does not flag neighbouring indexes as revoked', async () => {
    await publishStatusList(issuer, [INDEX - 1, INDEX + 1]);
    const result = await verifyOpenBadgeCredential(await signedSample(issuer), { loader: issuer.loader, now: NOW });
    expect(result).to.deep.include({ verified: true, revoked: false });
  });

  it('uses a caller-supplied bit reader when given', async () => {
    const signed = await signedSample(issuer);
    const calls: Array<[string, number]> = [];
    const result = await verifyOpenBadgeCredential(signed, {
      loader: issuer.loader,
      now: NOW,
      readStatusBit: async (url, index) => {
        calls.push([url, index]);
        return true;
      },
    });
    expect(calls).to.deep.equal([[LIST_URL, INDEX]]);
    expect(result).to.deep.include({ verified: false, revoked: true });
  });

  it('fails closed when the status list is missing or its proof is broken', async () => {
    const signed = await signedSample(issuer);
    issuer.documents.delete(LIST_URL);
    const missing = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(missing.verified).to.equal(false);
    expect(missing.revoked).to.equal(undefined);
    expect(check(missing, 'status').message).to.include(ERR_UNKNOWN_DOCUMENT);

    // A list whose bits were changed after signing must not be trusted, even
    // though it would now say "not revoked".
    await publishStatusList(issuer, [INDEX]);
    const sl = structuredClone(issuer.documents.get(LIST_URL)) as { credentialSubject: { encodedList: string } };
    sl.credentialSubject.encodedList = await createStatusList().encode();
    issuer.documents.set(LIST_URL, sl);
    const forged = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(forged.verified).to.equal(false);
    expect(forged.revoked).to.equal(undefined);
    expect(check(forged, 'status').message).to.match(/not verified.*proof/);
  });

  it('does not trust a status list outside its own validity window', async () => {
    const signed = await signedSample(issuer);
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: new Date('2025-05-31T00:00:00Z') });
    expect(failedChecks(result)).to.deep.equal(['status']);
    expect(check(result, 'status').message).to.include('not_yet_valid');
  });

  it('rejects a status list signed by another issuer', async () => {
    const signed = await signedSample(issuer);
    const other = await makeIssuer(); // same DID string, different key
    const sl = await buildSignedStatusListCredential({ id: LIST_URL, list: createStatusList(), keyPair: other.active(), loader: other.loader, now: NOW });
    issuer.documents.set(LIST_URL, sl);
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(check(result, 'status').ok).to.equal(false);
  });

  it('reports expiry (validUntil < now) separately from a still-valid proof', async () => {
    const signed = await signedSample(issuer);
    const later = new Date('2028-01-15T08:00:01Z');
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: later });
    expect(result).to.deep.include({ verified: false, expired: true });
    expect(failedChecks(result)).to.deep.equal(['expiry']);
    expect(check(result, 'proof').ok).to.equal(true);
    // exactly at validUntil it is still valid
    const edge = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: new Date('2028-01-15T08:00:00Z') });
    expect(edge.expired).to.equal(false);
  });

  it('reports not-yet-valid credentials', async () => {
    const signed = await signedSample(issuer);
    // a status list published before the verification time
    await publishStatusList(issuer, [], new Date('2025-01-01T00:00:00Z'));
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: new Date('2025-01-15T07:59:59Z') });
    expect(result.verified).to.equal(false);
    expect(failedChecks(result)).to.deep.equal(['not_yet_valid']);
  });

  it('treats a malformed date as invalid even though the library signs it', async () => {
    const unsigned = { ...buildOpenBadgeCredential(sampleInput()), validFrom: 'x2025-01-15T08:00:00Zjunk' };
    const signed = await signCredential(unsigned, issuer.active(), issuer.loader, { now: NOW });
    const result = await verifyOpenBadgeCredential(signed, { loader: issuer.loader, now: NOW });
    expect(result.verified).to.equal(false);
    expect(check(result, 'not_yet_valid')).to.deep.include({ ok: false, message: 'validFrom is missing or not a date' });
  });

  it('fails an unknown @context with a coded error and never touches the network', async () => {
    const signed = await signedSample(issuer);
    const foreign = structuredClone(signed) as unknown as { '@context': string[] };
    foreign['@context'] = [...foreign['@context'], 'https://example.org/contexts/evil.jsonld'];

    const { value: result, attempts } = await withNetworkForbidden(() =>
      verifyOpenBadgeCredential(foreign, { loader: issuer.loader, now: NOW }),
    );
    expect(attempts).to.deep.equal([]);
    expect(result.verified).to.equal(false);
    const ctx = check(result, 'context');
    expect(ctx.ok).to.equal(false);
    expect(ctx.message).to.include(ERR_UNKNOWN_DOCUMENT).and.to.include('https://example.org/contexts/evil.jsonld');
    // the proof path hits the same wall (the library asked our loader, nobody else)
    expect(check(result, 'proof').ok).to.equal(false);
    expect(check(result, 'proof').message).to.include(ERR_UNKNOWN_DOCUMENT);
  });

  it('refuses a local non-context document used as @context', async () => {
    const signed = await signedSample(issuer);
    const sneaky = structuredClone(signed) as unknown as { '@context': string[] };
    sneaky['@context'] = [...sneaky['@context'], LIST_URL];
    const result = await verifyOpenBadgeCredential(sneaky, { loader: issuer.loader, now: NOW });
    expect(result.verified).to.equal(false);
    expect(check(result, 'context').message).to.include(ERR_UNKNOWN_DOCUMENT);
  });

  it('proves the network guard works (a real request is recorded)', async () => {
    const { attempts } = await withNetworkForbidden(async () => {
      try {
        await fetch('https://example.org/');
      } catch {
        /* expected */
      }
      try {
        http.get('http://127.0.0.1:9/');
      } catch {
        /* expected */
      }
    });
    expect(attempts).to.have.length(2);
  });

  it('still verifies credentials signed with a retired key after rotation', async () => {
    const oldSigned = await signedSample(issuer);
    await issuer.rotate();
    await publishStatusList(issuer); // list re-signed with the new key
    const newSigned = await signedSample(issuer);
    expect(newSigned.proof.verificationMethod).to.equal(`${DID}#key-2`);
    for (const doc of [oldSigned, newSigned]) {
      const result = await verifyOpenBadgeCredential(doc, { loader: issuer.loader, now: NOW });
      expect(failedChecks(result), doc.proof.verificationMethod).to.deep.equal([]);
    }
    // and fails once the key is dropped from the DID document entirely
    issuer.keys.shift();
    const dropped = await verifyOpenBadgeCredential(oldSigned, { loader: issuer.loader, now: NOW });
    expect(failedChecks(dropped)).to.deep.equal(['proof']);
  });

  it('refuses to sign with a key the issuer does not control, or to add a second proof', async () => {
    const unsigned = buildOpenBadgeCredential(sampleInput());
    const foreignKey = await generateSigningKeyPair('did:web:other.example', 1);
    for (const attempt of [
      signCredential(unsigned, foreignKey, issuer.loader),
      signCredential(await signedSample(issuer), issuer.active(), issuer.loader),
    ]) {
      try {
        await attempt;
        expect.fail('should have thrown');
      } catch (e) {
        expect((e as { code?: string }).code).to.equal(ERR_SIGN);
      }
    }
  });

  it('rejects proofs of another suite or purpose with a clear message', async () => {
    const signed = await signedSample(issuer);
    const otherSuite = structuredClone(signed);
    (otherSuite.proof as { cryptosuite: string }).cryptosuite = 'ecdsa-rdfc-2019';
    const r1 = await verifyOpenBadgeCredential(otherSuite, { loader: issuer.loader, now: NOW });
    expect(check(r1, 'proof').message).to.include('Unsupported proof');
    const otherPurpose = structuredClone(signed);
    (otherPurpose.proof as { proofPurpose: string }).proofPurpose = 'authentication';
    const r2 = await verifyOpenBadgeCredential(otherPurpose, { loader: issuer.loader, now: NOW });
    expect(check(r2, 'proof').message).to.include('proofPurpose');
  });

  it('handles garbage input without throwing', async () => {
    for (const junk of [null, 42, 'x', [], { '@context': 'nope' }, { f: () => 1 }]) {
      const result = await verifyOpenBadgeCredential(junk, { loader: issuer.loader, now: NOW });
      expect(result.verified).to.equal(false);
      expect(check(result, 'context').ok).to.equal(false);
    }
  });
});
