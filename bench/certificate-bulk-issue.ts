/**
 * Bulk-issue throughput: n certificates, each a built and signed Open Badges credential plus its
 * PDF (template, vector QR, credential embedded) and SHA-256, exactly the per-certificate work of
 * the issue job minus the database, next to bare pdfkit pages in the same process (the ratio
 * shows what our credential and layout cost), with peak memory.
 *
 * Invariant: offline and self-contained (ephemeral key, in-memory DID document and status list);
 * one untimed warm-up run of each fills the caches (JSON-LD contexts, fonts, templates) so the
 * figures are steady state. Run: `node --import tsx bench/certificate-bulk-issue.ts [n]`.
 */
import { randomUUID } from 'node:crypto';
import { benchBarePdfkit } from '../plugins/certificate-pdf/bench-pdf';
import { defaultTemplate } from '../plugins/certificate-pdf/certificate-template';
import { renderCertificatePdf, sha256Hex } from '../plugins/certificate-pdf/render-certificate';
import { buildOpenBadgeCredential, generateSalt, type OpenBadgeInput } from '../plugins/certificate-openbadges/build-credential';
import { createDocumentLoader } from '../plugins/certificate-openbadges/document-loader';
import { certificateDataFromCredential } from '../plugins/certificate-openbadges/pdf-data';
import { signCredential } from '../plugins/certificate-openbadges/sign-credential';
import { buildDidDocumentForDid, didWebFromHost, generateSigningKeyPair } from '../plugins/certificate-openbadges/signing-keys';
import { buildSignedStatusListCredential, createStatusList } from '../plugins/certificate-openbadges/status-list';
import { newVerifyCode } from '../plugins/certificate-openbadges/verify-code';

export interface BulkIssueBenchResult {
  n: number;
  ms: number;
  /** Certificates (credential + PDF + hash) per second, one core. */
  certificatesPerSecond: number;
  /** Bare one-page pdfkit documents per second in the same run. */
  barePdfkitPerSecond: number;
  /** How many bare pages one certificate costs. */
  ratio: number;
  /** Peak resident memory over the whole run. */
  peakRssMb: number;
  /** Share of the certificate time spent signing (JSON-LD canonicalisation + Ed25519). */
  signShare: number;
  /** Resident memory (MB) after every tenth of the run: flat when nothing is kept per certificate. */
  rssMbTrace: number[];
}

const HOST = 'bench.bina.invalid';
const BASE = `https://${HOST}`;

export async function benchBulkIssue(n = 1000): Promise<BulkIssueBenchResult> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const did = didWebFromHost(HOST);
  const keyPair = await generateSigningKeyPair(did, 1);
  const didDocument = buildDidDocumentForDid(did, [{ id: keyPair.id, publicKeyMultibase: keyPair.publicKeyMultibase, status: 'active' }]);
  const documents = new Map<string, unknown>();
  const loader = createDocumentLoader({ resolveDid: (d) => (d === did ? didDocument : undefined), resolveDocument: (url) => documents.get(url) });
  const listUrl = `${BASE}/verify/status/1`;
  documents.set(listUrl, await buildSignedStatusListCredential({ id: listUrl, list: createStatusList(), keyPair, loader }));

  let peak = process.memoryUsage().rss;
  let signMs = 0;
  const issueOne = async (i: number) => {
    const code = newVerifyCode();
    const input: OpenBadgeInput = {
      id: `${BASE}/verify/${code}`,
      issuer: { did, name: 'BKPSDM Kabupaten Bench', url: BASE },
      // Vary names so glyph subsets and line breaks differ as in a real cohort.
      subject: { name: i % 7 === 0 ? `Prof. Dr. Andi Muhammad Nur Fadhilah Wiranatakusumah ${i}, S.T., M.Eng.` : `Ni Luh Putu Ayu Kartika ${i}, S.Kom.`, nip: `19800101200501${i % 2 ? '1' : '2'}${String(1 + (i % 999)).padStart(3, '0')}`, salt: generateSalt(), identityType: 'ext:NIP' },
      achievement: {
        id: `${BASE}/verify/achievements/${randomUUID()}`, name: 'Pelayanan Publik Prima', description: 'Kompetensi pelayanan publik.',
        criteriaNarrative: 'Lulus kuis dengan nilai minimal 60%. Bobot: 2 JP.', competency: { code: 'MNJ-PP', name: 'Pelayanan Publik', group: 'Manajerial', level: 2 }, jp: 2,
      },
      validFrom: new Date(Date.UTC(2026, 10, 23, 3, 0, i % 60)),
      validUntil: new Date(Date.UTC(2029, 10, 23, 3, 0, i % 60)),
      evidence: { id: `${BASE}/activity-quiz/attempts/${i}/result`, name: 'Hasil kuis', narrative: 'Lulus kuis «Pelayanan Publik Prima».' },
      status: { index: i % 131_072, listUrl },
    };
    const t0 = performance.now();
    const signed = await signCredential(buildOpenBadgeCredential(input), keyPair, loader, { now: new Date(String(input.validFrom)) });
    signMs += performance.now() - t0;
    const credentialJson = JSON.stringify(signed);
    const pdf = await renderCertificatePdf({ template: defaultTemplate, data: certificateDataFromCredential(signed as unknown as Record<string, unknown>, { place: 'Mamuju' }), credentialJson, timeZone: 'Asia/Makassar', locale: 'id' });
    return sha256Hex(pdf);
  };

  await issueOne(0);
  signMs = 0;
  const start = performance.now();
  const trace: number[] = [];
  const step = Math.max(1, Math.floor(n / 10));
  for (let i = 0; i < n; i++) {
    await issueOne(i);
    if (i % 20 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if ((i + 1) % step === 0) trace.push(Math.round(process.memoryUsage().rss / 1024 / 1024));
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage().rss);
  const bare = await benchBarePdfkit(Math.min(n, 1000));
  peak = Math.max(peak, bare.peakRssMb * 1024 * 1024);
  const perSecond = Math.round((n / ms) * 1000 * 10) / 10;
  return {
    n,
    ms: Math.round(ms),
    certificatesPerSecond: perSecond,
    barePdfkitPerSecond: bare.perSecond,
    ratio: Math.round((bare.perSecond / perSecond) * 10) / 10,
    peakRssMb: Math.round(peak / 1024 / 1024),
    signShare: Math.round((signMs / ms) * 100) / 100,
    rssMbTrace: trace,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchBulkIssue(Number(process.argv[2] ?? 1000)), null, 2));
}
