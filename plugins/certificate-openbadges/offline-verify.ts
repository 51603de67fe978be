/**
 * Verifies a certificate completely offline, from files: the credential (or the PDF it is
 * embedded in), the issuer's DID document (`/.well-known/did.json`) and the status list
 * credential(s) it names, all saved beforehand. This is what an employer or an archive can do
 * years later without Bina: the same Digital Bazaar libraries, no network, no database.
 *
 * Run: `node --import tsx plugins/certificate-openbadges/offline-verify.ts <credential.json|certificate.pdf> <did.json> [status-list.json …]`
 *
 * Invariant: the loader answers only from the bundled contexts and the given files; anything
 * else fails verification (never fetched).
 */
import { readFileSync } from 'node:fs';
import { extractEmbeddedCredential } from '../certificate-pdf/api';
import { createDocumentLoader, type DidDocument } from './document-loader';
import { verifyOpenBadgeCredential, type VerificationResult } from './sign-credential';

export interface OfflineInputs {
  credential: unknown;
  didDocument: DidDocument;
  /** Signed status list credentials, keyed by their `id` (the URL credentials point at). */
  statusLists: unknown[];
  now?: Date;
}

export async function verifyOffline(inputs: OfflineInputs): Promise<VerificationResult> {
  const lists = new Map<string, unknown>();
  for (const l of inputs.statusLists) {
    const id = (l as { id?: unknown })?.id;
    if (typeof id === 'string') lists.set(id, l);
  }
  const loader = createDocumentLoader({
    resolveDid: (did) => (did === inputs.didDocument.id ? inputs.didDocument : undefined),
    resolveDocument: (url) => lists.get(url),
  });
  return verifyOpenBadgeCredential(inputs.credential, { loader, now: inputs.now });
}

/** Reads the credential from a JSON file or from the attachment of a certificate PDF. */
export async function readCredentialFile(path: string): Promise<unknown> {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) {
    const text = await extractEmbeddedCredential(bytes);
    if (text === null) throw new Error(`${path}: the PDF carries no credential.json`);
    return JSON.parse(text);
  }
  return JSON.parse(bytes.toString('utf8'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [credentialPath, didPath, ...listPaths] = process.argv.slice(2);
  if (!credentialPath || !didPath) {
    console.error('usage: offline-verify.ts <credential.json|certificate.pdf> <did.json> [status-list.json …]');
    process.exit(2);
  }
  const result = await verifyOffline({
    credential: await readCredentialFile(credentialPath),
    didDocument: JSON.parse(readFileSync(didPath, 'utf8')) as DidDocument,
    statusLists: listPaths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as unknown),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.verified ? 0 : 1);
}
