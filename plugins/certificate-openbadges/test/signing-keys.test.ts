/**
 * Tests for issuer key management: did:web encoding, encryption at rest,
 * rotation, and the DID document (retired keys kept for verification).
 */
import { expect } from 'chai';
import {
  buildDidDocument,
  decryptKeyPair,
  didWebFromHost,
  didWebToUrl,
  encryptKeyPair,
  ensureSigningKey,
  ERR_BAD_HOST,
  ERR_KEY_DECRYPT,
  ERR_KEY_INVALID,
  ERR_WEAK_SECRET,
  generateSigningKeyPair,
  importSigningKeyPair,
  loadActiveKeyPair,
  rotateSigningKey,
  SigningKeyError,
} from '../signing-keys';
import { DID, HOST } from './fixtures';

const SECRET = 'correct horse battery staple 2025';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as SigningKeyError).code;
  }
  return undefined;
}

async function signsAndVerifies(kp: Awaited<ReturnType<typeof generateSigningKeyPair>>): Promise<boolean> {
  const data = new TextEncoder().encode('bina');
  const signature = await kp.signer().sign({ data });
  return kp.verifier().verify({ data, signature });
}

describe('certificate-openbadges/signing-keys', () => {
  describe('did:web', () => {
    it('percent-encodes the port and normalises the host', () => {
      expect(didWebFromHost('localhost:3000')).to.equal('did:web:localhost%3A3000');
      expect(didWebFromHost('Bina.Example.GO.ID')).to.equal('did:web:bina.example.go.id');
      expect(didWebFromHost('bina.example.go.id:443')).to.equal('did:web:bina.example.go.id');
      expect(didWebFromHost('bina.example.go.id', ['users', 'a:b'])).to.equal('did:web:bina.example.go.id:users:a%3Ab');
      expect(DID).to.equal(didWebFromHost(HOST));
    });

    it('maps back to the resolution URL', () => {
      expect(didWebToUrl('did:web:localhost%3A3000')).to.equal('https://localhost:3000/.well-known/did.json');
      expect(didWebToUrl('did:web:bina.example.go.id:users:alice')).to.equal('https://bina.example.go.id/users/alice/did.json');
    });

    it('rejects hosts that are not a bare host[:port]', async () => {
      for (const bad of ['', 'https://x.example', 'x.example/path', 'user@x.example', '[::1]:3000', 'a b.example']) {
        expect(await codeOf(() => didWebFromHost(bad)), bad).to.equal(ERR_BAD_HOST);
      }
    });
  });

  describe('encryption at rest', () => {
    it('round-trips a key pair and never stores the secret key in clear', async () => {
      const kp = await generateSigningKeyPair(DID, 1);
      const enc = await encryptKeyPair(kp, SECRET);
      const json = JSON.stringify(enc);
      expect(json).to.not.include(kp.secretKeyMultibase as string);
      expect(json).to.not.include(Buffer.from((kp.secretKey as Uint8Array).subarray(0, 32)).toString('base64url'));
      expect(enc).to.include({ id: `${DID}#key-1`, controller: DID, publicKeyMultibase: kp.publicKeyMultibase });

      const back = await decryptKeyPair(JSON.parse(json), SECRET);
      expect(back.id).to.equal(kp.id);
      expect(back.publicKeyMultibase).to.equal(kp.publicKeyMultibase);
      expect(back.secretKeyMultibase).to.equal(kp.secretKeyMultibase);
      expect(await signsAndVerifies(back)).to.equal(true);
    });

    it('uses a fresh salt and IV each time', async () => {
      const kp = await generateSigningKeyPair(DID, 1);
      const [a, b] = await Promise.all([encryptKeyPair(kp, SECRET), encryptKeyPair(kp, SECRET)]);
      expect(a.kdf.salt).to.not.equal(b.kdf.salt);
      expect(a.cipher.iv).to.not.equal(b.cipher.iv);
      expect(a.ciphertext).to.not.equal(b.ciphertext);
    });

    it('fails with ERR_OB_KEY_DECRYPT for a wrong secret', async () => {
      const enc = await encryptKeyPair(await generateSigningKeyPair(DID, 1), SECRET);
      expect(await codeOf(decryptKeyPair(enc, `${SECRET}!`))).to.equal(ERR_KEY_DECRYPT);
    });

    it('detects a blob moved to another key record (AAD binds id and public key)', async () => {
      const one = await encryptKeyPair(await generateSigningKeyPair(DID, 1), SECRET);
      const two = await generateSigningKeyPair(DID, 2);
      expect(await codeOf(decryptKeyPair({ ...one, id: two.id }, SECRET))).to.equal(ERR_KEY_DECRYPT);
      expect(await codeOf(decryptKeyPair({ ...one, publicKeyMultibase: two.publicKeyMultibase }, SECRET))).to.equal(ERR_KEY_DECRYPT);
    });

    it('refuses weak secrets and absurd scrypt parameters', async () => {
      const kp = await generateSigningKeyPair(DID, 1);
      expect(await codeOf(encryptKeyPair(kp, 'short'))).to.equal(ERR_WEAK_SECRET);
      const enc = await encryptKeyPair(kp, SECRET);
      expect(await codeOf(decryptKeyPair({ ...enc, kdf: { ...enc.kdf, N: 2 ** 30 } }, SECRET))).to.equal(ERR_KEY_INVALID);
    });

    it('imports a configured key only if both halves match', async () => {
      const a = await generateSigningKeyPair(DID, 1);
      const b = await generateSigningKeyPair(DID, 1);
      const ok = await importSigningKeyPair({
        id: a.id,
        controller: DID,
        publicKeyMultibase: a.publicKeyMultibase,
        secretKeyMultibase: a.secretKeyMultibase as string,
      });
      expect(ok.publicKeyMultibase).to.equal(a.publicKeyMultibase);
      const mismatch = importSigningKeyPair({
        id: a.id,
        controller: DID,
        publicKeyMultibase: b.publicKeyMultibase,
        secretKeyMultibase: a.secretKeyMultibase as string,
      });
      expect(await codeOf(mismatch)).to.equal(ERR_KEY_INVALID);
    });
  });

  describe('lifecycle and DID document', () => {
    it('creates key-1 on first start and is idempotent afterwards', async () => {
      const first = await ensureSigningKey({ did: DID, secret: SECRET, keys: [] });
      expect(first.created?.id).to.equal(`${DID}#key-1`);
      const again = await ensureSigningKey({ did: DID, secret: SECRET, keys: first.keys });
      expect(again.created).to.equal(undefined);
      expect(again.keys).to.deep.equal(first.keys);
    });

    it('uses a configured seed for the first key', async () => {
      const seed = new Uint8Array(32).fill(7);
      const { created } = await ensureSigningKey({ did: DID, secret: SECRET, keys: [], configuredSeed: seed });
      const expected = await generateSigningKeyPair(DID, 1); // different random key
      expect(created?.publicKeyMultibase).to.not.equal(expected.publicKeyMultibase);
      const again = await ensureSigningKey({ did: DID, secret: SECRET, keys: [], configuredSeed: seed });
      expect(again.created?.publicKeyMultibase).to.equal(created?.publicKeyMultibase);
    });

    it('rotates: old key retired, new key active, both published for assertionMethod', async () => {
      const { keys } = await ensureSigningKey({ did: DID, secret: SECRET, keys: [] });
      const rotated = await rotateSigningKey({ did: DID, secret: SECRET, keys, now: new Date('2026-01-01T00:00:00Z') });
      expect(rotated.keys.map((k) => [k.id, k.status])).to.deep.equal([
        [`${DID}#key-1`, 'retired'],
        [`${DID}#key-2`, 'active'],
      ]);
      expect(rotated.keys[0]?.retiredAt).to.equal('2026-01-01T00:00:00Z');
      const active = await loadActiveKeyPair(rotated.keys, SECRET);
      expect(active.id).to.equal(`${DID}#key-2`);

      const doc = buildDidDocument(HOST, rotated.keys);
      expect(doc['@context'][0]).to.equal('https://www.w3.org/ns/did/v1');
      expect(doc.id).to.equal(DID);
      expect(doc.verificationMethod.map((m) => m.id)).to.deep.equal([`${DID}#key-1`, `${DID}#key-2`]);
      expect(doc.assertionMethod).to.deep.equal([`${DID}#key-1`, `${DID}#key-2`]);
      expect(doc.verificationMethod[0]).to.deep.equal({
        id: `${DID}#key-1`,
        type: 'Multikey',
        controller: DID,
        publicKeyMultibase: rotated.keys[0]?.publicKeyMultibase,
      });
      // no private material in the public document
      expect(JSON.stringify(doc)).to.not.match(/secret|ciphertext/i);
    });

    it('refuses inconsistent key sets', async () => {
      const a = await generateSigningKeyPair(DID, 1);
      const b = await generateSigningKeyPair(DID, 2);
      const entry = (k: typeof a, status: 'active' | 'retired') => ({ id: k.id, publicKeyMultibase: k.publicKeyMultibase, status });
      expect(await codeOf(() => buildDidDocument(HOST, [entry(a, 'active'), entry(b, 'active')]))).to.equal(ERR_KEY_INVALID);
      expect(await codeOf(() => buildDidDocument(HOST, [entry(a, 'active'), entry(a, 'retired')]))).to.equal(ERR_KEY_INVALID);
      expect(await codeOf(() => buildDidDocument('other.example', [entry(a, 'active')]))).to.equal(ERR_KEY_INVALID);
    });
  });
});
