/**
 * Shared inputs for the certificate-pdf tests, and checks for the poppler/zbar binaries.
 * Invariant: fixtures are constants — determinism tests compare renders of the same input,
 * including across processes (render-fixture-cli.ts imports this file too).
 */
import { spawnSync } from 'node:child_process';
import { defaultTemplate, type CertificateTemplateInput } from '../certificate-template';
import type { RenderCertificateInput } from '../render-certificate';

export const CREDENTIAL_JSON = JSON.stringify(
  {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'urn:uuid:6f1c1a52-3d0e-4d8e-9a7e-2b8f4b1d9c01',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'did:web:bina.sulbarprov.go.id', name: 'BKPSDM Provinsi Sulawesi Barat' },
    validFrom: '2026-11-23T03:00:00Z',
    credentialSubject: { name: 'Ni Luh Putu Ayu Kartika Saraswati, S.Kom.', note: 'Çağlar Şükrü — 学習 ✓' },
    proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTDTqhCqPHD' },
  },
  null,
  2,
);

export function sampleInput(overrides: Partial<RenderCertificateInput['data']> = {}, template: CertificateTemplateInput = defaultTemplate): RenderCertificateInput {
  return {
    template,
    data: {
      name: 'Ni Luh Putu Ayu Kartika Saraswati, S.Kom.',
      achievement: 'Pelatihan Dasar Calon Pegawai Negeri Sipil Golongan III Angkatan XII',
      competency: 'Manajemen ASN dan Pelayanan Publik',
      level: 'Madya',
      jp: 32,
      issuedOn: new Date('2026-11-23T03:00:00Z'),
      verifyUrl: 'https://bina.sulbarprov.go.id/verify/BINA-7K3Q-9XW2',
      code: 'BINA-7K3Q-9XW2',
      issuerName: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Provinsi Sulawesi Barat',
      place: 'Mamuju',
      ...overrides,
    },
    credentialJson: CREDENTIAL_JSON,
    timeZone: 'Asia/Makassar',
    locale: 'id',
  };
}

/**
 * Runs a system binary; a missing one FAILS the test (never skips): CI must have the tools, and a
 * silently skipped QR check would let an unscannable certificate ship.
 */
export function runTool(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${cmd} is not installed: run scripts/install-system-deps (needs poppler-utils and zbar-tools)`);
  }
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
