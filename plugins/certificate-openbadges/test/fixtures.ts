/**
 * Shared test fixtures: an issuer with a rotating key set, an offline loader
 * that serves the issuer's DID document and status list credentials from
 * in-memory maps, and a sample credential input.
 *
 * Invariant: fixtures use fixed dates so results do not depend on the clock.
 */
import { createDocumentLoader, type DidDocument, type DocumentLoader } from '../document-loader';
import {
  buildDidDocumentForDid,
  didWebFromHost,
  generateSigningKeyPair,
  type DidKeyEntry,
  type SigningKeyPair,
} from '../signing-keys';
import type { OpenBadgeInput } from '../build-credential';

export const HOST = 'localhost:3000';
export const DID = didWebFromHost(HOST);
export const BASE = 'http://localhost:3000';
export const LIST_URL = `${BASE}/ob/status/1`;
export const NOW = new Date('2025-06-01T00:00:00Z');

export interface Issuer {
  keys: Array<DidKeyEntry & { keyPair: SigningKeyPair }>;
  documents: Map<string, unknown>;
  loader: DocumentLoader;
  didDocument(): DidDocument;
  active(): SigningKeyPair;
  rotate(): Promise<SigningKeyPair>;
}

export async function makeIssuer(): Promise<Issuer> {
  const first = await generateSigningKeyPair(DID, 1);
  const issuer: Issuer = {
    keys: [{ id: first.id, publicKeyMultibase: first.publicKeyMultibase, status: 'active', keyPair: first }],
    documents: new Map(),
    loader: undefined as unknown as DocumentLoader,
    didDocument: () => buildDidDocumentForDid(DID, issuer.keys),
    active: () => {
      const k = issuer.keys.find((x) => x.status === 'active');
      if (!k) throw new Error('no active key');
      return k.keyPair;
    },
    rotate: async () => {
      for (const k of issuer.keys) k.status = 'retired';
      const kp = await generateSigningKeyPair(DID, issuer.keys.length + 1);
      issuer.keys.push({ id: kp.id, publicKeyMultibase: kp.publicKeyMultibase, status: 'active', keyPair: kp });
      return kp;
    },
  };
  issuer.loader = createDocumentLoader({
    // Rebuilt on each call so rotation is visible immediately.
    resolveDid: (did) => (did === DID ? issuer.didDocument() : undefined),
    resolveDocument: (url) => issuer.documents.get(url),
  });
  return issuer;
}

export function sampleInput(overrides: Partial<OpenBadgeInput> = {}): OpenBadgeInput {
  return {
    id: 'urn:uuid:2f1c7a52-6b4e-4f0e-9d1a-3c5b7e8f9a01',
    issuer: { did: DID, name: 'BPSDM Provinsi Contoh', url: BASE },
    subject: { name: 'Budi Santoso', nip: '19800101 200501 1 001', salt: 'c0ffee00c0ffee00c0ffee00c0ffee00' },
    achievement: {
      id: `${BASE}/ob/achievements/analisis-kebijakan-3`,
      name: 'Analisis Kebijakan (Level 3)',
      description: 'Sertifikat kompetensi teknis Analisis Kebijakan tingkat 3.',
      criteriaNarrative: 'Lulus ujian kompetensi dengan nilai minimal 70. Bobot: 20 JP (Jam Pelajaran, 45 menit).',
      competency: { code: 'T-AK-03', name: 'Analisis Kebijakan', group: 'Teknis', level: 3 },
      jp: 20,
    },
    validFrom: '2025-01-15T08:00:00Z',
    validUntil: '2028-01-15T08:00:00Z',
    evidence: {
      id: `${BASE}/exams/results/8d2e`,
      name: 'Hasil ujian kompetensi',
      narrative: 'Nilai 86/100 pada ujian 2025-01-14.',
    },
    status: { index: 94567, listUrl: LIST_URL },
    ...overrides,
  };
}
