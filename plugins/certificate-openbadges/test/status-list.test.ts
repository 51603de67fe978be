/**
 * Tests for the Bitstring Status List: size, bit round trip, the exact wire
 * encoding (cross-checked with node:zlib), and the signed status list
 * credential.
 */
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import {
  buildSignedStatusListCredential,
  buildStatusListCredential,
  createStatusList,
  decodeStatusList,
  encodeStatusList,
  ERR_STATUS_LIST,
  getStatusBit,
  MIN_STATUS_LIST_LENGTH,
  randomStatusIndex,
  readStatusBit,
  readVerifiedStatusBit,
  setStatusBit,
  signStatusListCredential,
  verifyStatusListCredential,
} from '../status-list';
import { DID, LIST_URL, NOW, makeIssuer } from './fixtures';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('certificate-openbadges/status-list', () => {
  it('creates 131,072-bit lists by default and refuses smaller ones (herd privacy)', () => {
    expect(MIN_STATUS_LIST_LENGTH).to.equal(131_072);
    expect(createStatusList().length).to.equal(131_072);
    expect(createStatusList(262_144).length).to.equal(262_144);
    expect(code(() => createStatusList(1024))).to.equal(ERR_STATUS_LIST);
    expect(code(() => createStatusList(131_073))).to.equal(ERR_STATUS_LIST);
  });

  it('sets, clears and reads bits, with bounds checks', () => {
    const list = createStatusList();
    setStatusBit(list, 5, true);
    setStatusBit(list, 131_071, true);
    expect(getStatusBit(list, 5)).to.equal(true);
    expect(getStatusBit(list, 4)).to.equal(false);
    expect(getStatusBit(list, 131_071)).to.equal(true);
    setStatusBit(list, 5, false);
    expect(getStatusBit(list, 5)).to.equal(false);
    expect(code(() => setStatusBit(list, 131_072, true))).to.equal(ERR_STATUS_LIST);
    expect(code(() => setStatusBit(list, -1, true))).to.equal(ERR_STATUS_LIST);
    expect(code(() => getStatusBit(list, 1.5))).to.equal(ERR_STATUS_LIST);
  });

  it('encodes as multibase base64url(gzip(bits)) with bit 0 = MSB of byte 0', async () => {
    const list = createStatusList();
    for (const i of [0, 9, 94_567]) setStatusBit(list, i, true);
    const encoded = await encodeStatusList(list);
    expect(encoded).to.match(/^u[A-Za-z0-9_-]+$/); // base64url, no padding
    const bytes = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    expect(bytes.length).to.equal(16_384);
    expect(bytes[0]).to.equal(0b1000_0000);
    expect(bytes[1]).to.equal(0b0100_0000);
    expect(bytes[Math.floor(94_567 / 8)]).to.equal(1 << (7 - (94_567 % 8)));
    expect(bytes.reduce((n, b) => n + (b === 0 ? 0 : 1), 0)).to.equal(3);
    // an empty 16 KiB list compresses to a few dozen bytes
    expect((await encodeStatusList(createStatusList())).length).to.be.below(100);

    const decoded = await decodeStatusList(encoded);
    for (const i of [0, 9, 94_567]) expect(decoded.getStatus(i)).to.equal(true);
    expect(decoded.getStatus(1)).to.equal(false);
    expect(decoded.length).to.equal(131_072);
  });

  it('rejects encodings that are not multibase base64url', async () => {
    for (const bad of ['zAAAA', 'u!!!!']) {
      try {
        await decodeStatusList(bad);
        expect.fail('should have thrown');
      } catch (e) {
        expect((e as { code?: string }).code).to.equal(ERR_STATUS_LIST);
      }
    }
  });

  it('builds a BitstringStatusListCredential, signs it, and reads bits only after verification', async () => {
    const issuer = await makeIssuer();
    const list = createStatusList();
    setStatusBit(list, 42, true);
    const unsigned = await buildStatusListCredential({ id: LIST_URL, issuerDid: DID, list, validFrom: NOW });
    expect(unsigned).to.deep.include({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: LIST_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: DID,
      validFrom: '2025-06-01T00:00:00Z',
    });
    expect(unsigned.credentialSubject).to.deep.include({ id: `${LIST_URL}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation' });

    const snapshot = structuredClone(unsigned);
    const signed = await signStatusListCredential(unsigned, issuer.active(), issuer.loader, { now: NOW });
    expect(unsigned).to.deep.equal(snapshot);
    expect(signed.proof.cryptosuite).to.equal('eddsa-rdfc-2022');

    const v = await verifyStatusListCredential(signed, { loader: issuer.loader, now: NOW, expectedIssuer: DID, statusPurpose: 'revocation' });
    expect(v.checks.filter((c) => !c.ok)).to.deep.equal([]);
    expect(v.verified).to.equal(true);

    expect(await readVerifiedStatusBit(signed, 42, { loader: issuer.loader, now: NOW })).to.equal(true);
    expect(await readVerifiedStatusBit(signed, 43, { loader: issuer.loader, now: NOW })).to.equal(false);
    expect(await readStatusBit(signed, 42)).to.equal(true);

    // flip the bit without re-signing: verification must refuse the list
    const cleared = createStatusList();
    const tampered = { ...structuredClone(signed), credentialSubject: { ...signed.credentialSubject, encodedList: await cleared.encode() } };
    try {
      await readVerifiedStatusBit(tampered, 42, { loader: issuer.loader, now: NOW });
      expect.fail('should have thrown');
    } catch (e) {
      expect((e as { code?: string }).code).to.equal(ERR_STATUS_LIST);
    }
    // wrong expected issuer
    const foreign = await verifyStatusListCredential(signed, { loader: issuer.loader, now: NOW, expectedIssuer: 'did:web:other.example' });
    expect(foreign.verified).to.equal(false);
  });

  it('buildSignedStatusListCredential yields a list that verifies end to end', async () => {
    const issuer = await makeIssuer();
    const list = createStatusList();
    setStatusBit(list, 7, true);
    const signed = await buildSignedStatusListCredential({ id: LIST_URL, list, keyPair: issuer.active(), loader: issuer.loader, now: NOW });
    expect(signed.issuer).to.equal(DID);
    expect(await readVerifiedStatusBit(signed, 7, { loader: issuer.loader, now: NOW, expectedIssuer: DID })).to.equal(true);
  });

  it('picks random free indexes', () => {
    const taken = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const i = randomStatusIndex(MIN_STATUS_LIST_LENGTH, (x) => taken.has(x));
      expect(taken.has(i)).to.equal(false);
      taken.add(i);
    }
    // not sequential
    expect([...taken].slice(0, 5)).to.not.deep.equal([0, 1, 2, 3, 4]);
    // tiny, almost full list still terminates
    expect(randomStatusIndex(8, (x) => x !== 6)).to.equal(6);
    expect(code(() => randomStatusIndex(8, () => true))).to.equal(ERR_STATUS_LIST);
  });
});
