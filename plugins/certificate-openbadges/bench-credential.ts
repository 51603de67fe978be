/**
 * Micro-benchmarks for Open Badge signing and verification (used by the
 * project bench script and for capacity planning of the issuing job).
 *
 * Invariant: fully offline and self-contained (ephemeral key, in-memory DID
 * document and status list); one untimed warm-up run fills jsonld's context
 * cache so the numbers reflect steady state, not first-call JIT/parse cost.
 */
import { randomUUID } from 'node:crypto';
import { buildOpenBadgeCredential, generateSalt, type OpenBadgeInput } from './build-credential';
import { createDocumentLoader, type DocumentLoader } from './document-loader';
import { signCredential, verifyOpenBadgeCredential } from './sign-credential';
import { buildDidDocumentForDid, didWebFromHost, generateSigningKeyPair, type SigningKeyPair } from './signing-keys';
import { buildSignedStatusListCredential, createStatusList } from './status-list';

export interface BenchResult {
  n: number;
  ms: number;
  perSecond: number;
}

const HOST = 'bench.bina.invalid';
const BASE = `https://${HOST}`;
const LIST_URL = `${BASE}/ob/status/1`;

interface BenchEnv {
  keyPair: SigningKeyPair;
  loader: DocumentLoader;
  input(i: number): OpenBadgeInput;
}

async function setup(): Promise<BenchEnv> {
  const did = didWebFromHost(HOST);
  const keyPair = await generateSigningKeyPair(did, 1);
  const didDocument = buildDidDocumentForDid(did, [
    { id: keyPair.id, publicKeyMultibase: keyPair.publicKeyMultibase, status: 'active' },
  ]);
  const documents = new Map<string, unknown>();
  const loader = createDocumentLoader({
    resolveDid: (d) => (d === did ? didDocument : undefined),
    resolveDocument: (url) => documents.get(url),
  });
  documents.set(LIST_URL, await buildSignedStatusListCredential({ id: LIST_URL, list: createStatusList(), keyPair, loader }));
  const input = (i: number): OpenBadgeInput => ({
    id: `urn:uuid:${randomUUID()}`,
    issuer: { did, name: 'Bina Bench', url: BASE },
    subject: { name: `Peserta ${i}`, nip: `198001012005011${String(i % 1000).padStart(3, '0')}`, salt: generateSalt() },
    achievement: {
      id: `${BASE}/ob/achievements/bench`,
      name: 'Bench Achievement',
      description: 'Benchmark credential.',
      criteriaNarrative: 'Pass the exam (20 JP).',
      competency: { code: 'B-01', name: 'Benchmarking', group: 'Teknis', level: 2 },
      jp: 20,
    },
    validFrom: new Date(),
    evidence: { id: `${BASE}/exams/results/${i}`, name: 'Exam result', narrative: 'Score 90/100.' },
    status: { index: i % 131_072, listUrl: LIST_URL },
  });
  return { keyPair, loader, input };
}

function result(n: number, ms: number): BenchResult {
  return { n, ms: Math.round(ms * 10) / 10, perSecond: ms > 0 ? Math.round((n / ms) * 1000 * 10) / 10 : Infinity };
}

/** Builds and signs `n` credentials sequentially; time excludes key setup and warm-up. */
export async function benchSigning(n: number): Promise<BenchResult> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const env = await setup();
  await signCredential(buildOpenBadgeCredential(env.input(0)), env.keyPair, env.loader);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await signCredential(buildOpenBadgeCredential(env.input(i)), env.keyPair, env.loader);
  }
  return result(n, performance.now() - start);
}

/** Fully verifies (proof + dates + status list) `n` pre-signed credentials sequentially. */
export async function benchVerification(n: number): Promise<BenchResult> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const env = await setup();
  const signed = [];
  for (let i = 0; i < n; i++) signed.push(await signCredential(buildOpenBadgeCredential(env.input(i)), env.keyPair, env.loader));
  const warm = await verifyOpenBadgeCredential(signed[0], { loader: env.loader });
  if (!warm.verified) throw new Error(`bench credential did not verify: ${JSON.stringify(warm.checks)}`);
  const start = performance.now();
  for (const c of signed) await verifyOpenBadgeCredential(c, { loader: env.loader });
  return result(n, performance.now() - start);
}
