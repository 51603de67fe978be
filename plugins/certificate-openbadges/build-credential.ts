/**
 * Builds the unsigned Open Badges 3.0 `OpenBadgeCredential` (W3C VC Data
 * Model 2.0) for a passed competency exam.
 *
 * Invariants:
 * - The learner's NIP never appears in clear: only an OB3 `IdentityObject`
 *   with `hashed: true`, its `salt`, and `identityHash` =
 *   `sha256$` + hex(sha256(utf8(nip + salt))) as the OB3 IdentityHash rule says.
 *   (The salt is public inside the credential, so this defeats rainbow tables
 *   and cross-credential linking, not a targeted brute force of the small NIP
 *   space: treat the credential itself as personal data.)
 * - Every property we emit is defined by the VC v2 or OB 3.0.3 context, so
 *   canonicalisation never falls back to the VC v2 `@vocab` catch-all.
 * - JP (Jam Pelajaran, 45-minute lesson hours) is carried natively as OB3
 *   `achievement.creditsAvailable` (hours the achievement is worth) and
 *   `credentialSubject.creditsEarned` (hours this learner earned) instead of a
 *   custom extension: any OB3 verifier/wallet understands it, and no extra
 *   context/schema has to be hosted. The unit is stated in the criteria text.
 * - The output is plain JSON (no Dates/undefined), ready to sign.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from './document-loader';

export const ERR_INVALID_INPUT = 'ERR_OB_INVALID_INPUT';

/** OB3 IdentifierTypeEnum values we allow, plus the spec's `ext:` escape hatch. */
export const IDENTITY_TYPES = [
  'identifier',
  'sourcedId',
  'systemId',
  'nationalIdentityNumber',
  'accountId',
] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number] | `ext:${string}`;

/** OB3 AchievementType values that fit a competency certificate. */
export const ACHIEVEMENT_TYPES = ['Certificate', 'Certification', 'Competency', 'Course', 'CertificateOfCompletion'] as const;

/** Default alignment framework: Indonesia's ASN competency dictionary. */
export const DEFAULT_COMPETENCY_FRAMEWORK = 'Kamus Kompetensi ASN';

const MIN_SALT_LENGTH = 16;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}
const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL');
const text = z.string().trim().min(1);
// XML Schema dateTimeStamp (timezone required); unlike the vc library's
// unanchored dateRegex, this matches the whole string.
const DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const dateInput = z.union([
  z.date(),
  z.string().regex(DATE_TIME_STAMP, 'must be an ISO 8601 date-time with timezone'),
]).refine((d) => !Number.isNaN(new Date(d).getTime()), 'must be a valid date');

export const OpenBadgeInputSchema = z
  .object({
    /** Credential id: `urn:uuid:<uuid>` or the public verify URL. */
    id: z.string().refine((s) => UUID_URN.test(s) || isHttpUrl(s), 'must be urn:uuid:<uuid> or an http(s) URL'),
    /** Display name of the credential; defaults to the achievement name. */
    name: text.optional(),
    issuer: z.object({
      did: z.string().regex(/^did:web:[^#?/\s]+$/, 'must be a did:web DID without fragment'),
      name: text,
      url: httpUrl,
    }),
    subject: z.object({
      name: text,
      /** NIP (18 digits; spaces tolerated). Omitted → no identifier emitted. */
      nip: z.string().optional(),
      /** Per-credential random salt (see {@link generateSalt}). */
      salt: z.string().min(MIN_SALT_LENGTH),
      identityType: z
        .union([z.enum(IDENTITY_TYPES), z.string().regex(/^ext:[A-Za-z0-9]+$/)])
        .optional(),
    }),
    achievement: z.object({
      id: httpUrl,
      name: text,
      description: text,
      criteriaNarrative: text,
      achievementType: z.enum(ACHIEVEMENT_TYPES).optional(),
      competency: z.object({
        code: text,
        name: text,
        /** e.g. Teknis / Manajerial / Sosial Kultural. */
        group: text,
        level: z.int().min(1).max(10),
        /** Alignment target URL (OB3 requires one); defaults under issuer.url. */
        url: httpUrl.optional(),
        framework: text.optional(),
      }),
      /** Jam Pelajaran (45-minute lesson hours). */
      jp: z.number().positive().max(10_000).finite(),
    }),
    validFrom: dateInput,
    validUntil: dateInput.optional(),
    evidence: z.object({
      /** Link to the exam result. */
      id: httpUrl,
      name: text,
      narrative: text,
      description: text.optional(),
    }),
    status: z.object({
      index: z.int().min(0),
      listUrl: httpUrl,
    }),
  })
  .superRefine((v, ctx) => {
    if (v.validUntil !== undefined && new Date(v.validUntil).getTime() <= new Date(v.validFrom).getTime()) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
    }
    if (v.subject.nip !== undefined && !/^\d{18}$/.test(normalizeNip(v.subject.nip))) {
      // Message deliberately omits the value: it is personal data.
      ctx.addIssue({ code: 'custom', path: ['subject', 'nip'], message: 'must be an 18-digit NIP' });
    }
  });

export type OpenBadgeInput = z.input<typeof OpenBadgeInputSchema>;

export interface IdentityObject {
  type: 'IdentityObject';
  identityHash: string;
  identityType: IdentityType;
  hashed: true;
  salt: string;
}

export interface Alignment {
  type: ['Alignment'];
  targetName: string;
  targetUrl: string;
  targetCode: string;
  targetType: 'ceasn:Competency';
  targetFramework: string;
  targetDescription: string;
}

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation';
  statusListIndex: string;
  statusListCredential: string;
}

export interface UnsignedOpenBadgeCredential {
  '@context': [typeof VC_V2_CONTEXT_URL, typeof OB_V3_CONTEXT_URL];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  name: string;
  issuer: { id: string; type: ['Profile']; name: string; url: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    type: ['AchievementSubject'];
    name: string;
    identifier?: IdentityObject[];
    creditsEarned: number;
    achievement: {
      id: string;
      type: ['Achievement'];
      achievementType: (typeof ACHIEVEMENT_TYPES)[number];
      name: string;
      description: string;
      criteria: { narrative: string };
      creditsAvailable: number;
      alignment: Alignment[];
    };
  };
  evidence: Array<{ id: string; type: ['Evidence']; name: string; narrative: string; description?: string }>;
  credentialStatus: BitstringStatusListEntry;
}

export class CredentialInputError extends Error {
  readonly code = ERR_INVALID_INPUT;
  readonly issues: Array<{ path: string; message: string }>;
  constructor(issues: Array<{ path: string; message: string }>) {
    super(`Invalid Open Badge input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CredentialInputError';
    this.issues = issues;
  }
}

/** NIPs are often written grouped with spaces ("19800101 200501 1 001"). */
export function normalizeNip(nip: string): string {
  return nip.replace(/\s+/g, '');
}

/** A fresh per-credential salt (128 bits, hex). */
export function generateSalt(): string {
  return randomBytes(16).toString('hex');
}

/** OB3 IdentityHash: `sha256$` + lowercase hex of sha256(utf8(identifier + salt)). */
export function hashIdentity(identifier: string, salt: string): string {
  return `sha256$${createHash('sha256').update(identifier + salt, 'utf8').digest('hex')}`;
}

/** True when `nip` is the NIP hashed into this credential subject's identifier. */
export function identityMatchesNip(credential: { credentialSubject?: unknown }, nip: string): boolean {
  const subject = credential.credentialSubject as { identifier?: unknown } | undefined;
  const ids = Array.isArray(subject?.identifier) ? subject.identifier : [];
  const normalized = normalizeNip(nip);
  return ids.some((raw) => {
    const id = raw as Partial<IdentityObject>;
    return id.hashed === true && typeof id.salt === 'string' && typeof id.identityHash === 'string' &&
      id.identityHash.toLowerCase() === hashIdentity(normalized, id.salt);
  });
}

/** Seconds-precision UTC timestamp (valid xsd:dateTimeStamp, stable across runtimes). */
export function toDateTimeStamp(d: Date | string): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the unsigned credential; throws `CredentialInputError` on bad input. */
export function buildOpenBadgeCredential(input: OpenBadgeInput): UnsignedOpenBadgeCredential {
  const parsed = OpenBadgeInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new CredentialInputError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const v = parsed.data;
  const { competency } = v.achievement;
  const issuerBase = v.issuer.url.replace(/\/+$/, '');

  const subject: UnsignedOpenBadgeCredential['credentialSubject'] = {
    type: ['AchievementSubject'],
    name: v.subject.name,
    creditsEarned: v.achievement.jp,
    achievement: {
      id: v.achievement.id,
      type: ['Achievement'],
      achievementType: v.achievement.achievementType ?? 'Certificate',
      name: v.achievement.name,
      description: v.achievement.description,
      criteria: { narrative: v.achievement.criteriaNarrative },
      creditsAvailable: v.achievement.jp,
      alignment: [
        {
          type: ['Alignment'],
          targetName: competency.name,
          targetUrl: competency.url ?? `${issuerBase}/competencies/${encodeURIComponent(competency.code)}`,
          targetCode: competency.code,
          // CTDL-ASN competency: the closest OB3 AlignmentTargetType.
          targetType: 'ceasn:Competency',
          targetFramework: competency.framework ?? DEFAULT_COMPETENCY_FRAMEWORK,
          // Group and level have no dedicated Alignment fields; keep them
          // machine-readable in a fixed "key: value" format.
          targetDescription: `group: ${competency.group}; level: ${competency.level}`,
        },
      ],
    },
  };
  if (v.subject.nip !== undefined) {
    subject.identifier = [
      {
        type: 'IdentityObject',
        identityHash: hashIdentity(normalizeNip(v.subject.nip), v.subject.salt),
        identityType: (v.subject.identityType ?? 'identifier') as IdentityType,
        hashed: true,
        salt: v.subject.salt,
      },
    ];
  }

  const evidence: UnsignedOpenBadgeCredential['evidence'][number] = {
    id: v.evidence.id,
    type: ['Evidence'],
    name: v.evidence.name,
    narrative: v.evidence.narrative,
  };
  if (v.evidence.description !== undefined) evidence.description = v.evidence.description;

  const credential: UnsignedOpenBadgeCredential = {
    '@context': [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL],
    id: v.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: v.name ?? v.achievement.name,
    issuer: { id: v.issuer.did, type: ['Profile'], name: v.issuer.name, url: v.issuer.url },
    validFrom: toDateTimeStamp(v.validFrom),
    ...(v.validUntil !== undefined ? { validUntil: toDateTimeStamp(v.validUntil) } : {}),
    credentialSubject: subject,
    evidence: [evidence],
    credentialStatus: {
      // Entry id must differ from the list URL (the vc library rejects equality).
      id: `${v.status.listUrl}#${v.status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      // The Bitstring Status List spec encodes the index as a string.
      statusListIndex: String(v.status.index),
      statusListCredential: v.status.listUrl,
    },
  };
  return credential;
}
