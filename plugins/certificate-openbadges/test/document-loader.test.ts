/**
 * Tests for the offline document loader: bundled contexts are served, our
 * DID document and its verification methods resolve, everything else throws a
 * coded error.
 */
import { expect } from 'chai';
import {
  createDocumentLoader,
  DocumentLoaderError,
  ERR_BAD_DID_DOCUMENT,
  ERR_UNKNOWN_DOCUMENT,
  MULTIKEY_CONTEXT_URL,
  OB_V3_CONTEXT_URLS,
  bundledContextUrls,
  findDocumentLoaderError,
} from '../document-loader';
import { DID, makeIssuer } from './fixtures';

async function rejection(p: Promise<unknown>): Promise<DocumentLoaderError> {
  try {
    await p;
  } catch (e) {
    return e as DocumentLoaderError;
  }
  throw new Error('expected rejection');
}

describe('certificate-openbadges/document-loader', () => {
  it('serves every bundled context needed for VC 2.0, OB 3.0.x, Data Integrity and Multikey', async () => {
    const loader = createDocumentLoader();
    const required = [
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      'https://w3id.org/security/data-integrity/v1',
      'https://w3id.org/security/data-integrity/v2',
      MULTIKEY_CONTEXT_URL,
    ];
    for (const url of required) {
      const { document, documentUrl } = await loader(url);
      expect(documentUrl).to.equal(url);
      expect(document, url).to.be.an('object').with.property('@context');
    }
    expect(bundledContextUrls()).to.include.members(required);
    expect([...OB_V3_CONTEXT_URLS]).to.include('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json');
    // the package's internal alias key is not a URL and must not be served
    expect(bundledContextUrls()).to.not.include('OBv3_beta');
  });

  it('throws ERR_OB_UNKNOWN_DOCUMENT for any other URL', async () => {
    const loader = createDocumentLoader({ resolveDocument: () => undefined });
    for (const url of ['https://example.com/ctx.jsonld', 'https://www.w3.org/ns/did/v1', 'did:web:evil.example', '']) {
      const err = await rejection(loader(url));
      expect(err).to.be.instanceOf(DocumentLoaderError);
      expect(err.code).to.equal(ERR_UNKNOWN_DOCUMENT);
    }
  });

  it('resolves our DID document and its verification methods (with Multikey context)', async () => {
    const issuer = await makeIssuer();
    const { document: didDoc } = await issuer.loader(DID);
    expect(didDoc).to.deep.equal(issuer.didDocument());
    const keyId = issuer.active().id;
    const { document: vm } = await issuer.loader(keyId);
    expect(vm).to.deep.include({ '@context': MULTIKEY_CONTEXT_URL, id: keyId, type: 'Multikey', controller: DID });
    const err = await rejection(issuer.loader(`${DID}#key-99`));
    expect(err.code).to.equal(ERR_UNKNOWN_DOCUMENT);
  });

  it('rejects a resolver answer whose id does not match the requested DID', async () => {
    const issuer = await makeIssuer();
    const loader = createDocumentLoader({ resolveDid: () => ({ ...issuer.didDocument(), id: 'did:web:other.example' }) });
    const err = await rejection(loader(DID));
    expect(err.code).to.equal(ERR_BAD_DID_DOCUMENT);
  });

  it('hands out copies, so library code cannot corrupt the caller state', async () => {
    const stored = { hello: 'world' };
    const loader = createDocumentLoader({ resolveDocument: (u) => (u === 'https://local.test/doc' ? stored : undefined) });
    const { document } = await loader('https://local.test/doc');
    (document as { hello: string }).hello = 'changed';
    expect(stored.hello).to.equal('world');
  });

  it('finds a loader error nested the way jsonld wraps it', () => {
    const inner = new DocumentLoaderError(ERR_UNKNOWN_DOCUMENT, 'x', 'nope');
    const wrapped = [{ message: 'outer', details: { cause: new Error('mid', { cause: inner }) } }];
    expect(findDocumentLoaderError(wrapped)).to.equal(inner);
    expect(findDocumentLoaderError(new Error('plain'))).to.equal(undefined);
  });
});
