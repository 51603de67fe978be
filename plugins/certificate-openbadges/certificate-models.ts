/**
 * What certificate-openbadges stores: achievements (what a certificate attests and the rule that
 * earns it), earnings (each requirement a learner met), certificates (one row per credential),
 * their PDF bytes, the issuer's signing keys, the revocation status lists and bulk-issue runs.
 *
 * Invariants kept by indexes, not by hope (ARCHITECTURE.md "Data rules"):
 * - One certificate per achievement and learner: unique (achievementId, userId, seq). The first
 *   issue is seq 0, whichever path (rule, manual, bulk) gets there first; a reissue is seq + 1.
 * - Verification codes and status-list positions are unique.
 * - One earning per (achievement, learner, requirement), so duplicate events add nothing.
 * - Arrays hold objects or scalars only (no nested arrays); no user input is ever used as a key.
 */
import { Schema, type Types } from 'mongoose';

/** Pass an activity of any type (quiz, exam, whatever plugin adds one: ADR 0040) or complete a course. */
export const REQUIREMENT_TYPES = ['activity', 'course'] as const;
export type RequirementType = (typeof REQUIREMENT_TYPES)[number];
export const CERTIFICATE_STATES = ['pending', 'issued', 'revoked', 'superseded'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

export interface Requirement {
  type: RequirementType;
  /** The activity's own id (its `refId` in the course spine) or the course id. */
  refId: string;
  /** Its title when the rule was saved (for the credential's evidence text). */
  title: string;
}

export interface AchievementDoc {
  _id: Types.ObjectId;
  name: string;
  description: string;
  /** Criteria as text (OB3 `criteria.narrative`); the machine rule is `requirements`. */
  criteria: string;
  achievementType: 'Certificate' | 'Certification' | 'Competency' | 'Course' | 'CertificateOfCompletion';
  /** PermenPANRB 38/2017 competency from the catalogue, and the level attested (1–5). */
  competency: { code: string; level: number };
  /** Jam Pelajaran credited, carried as OB3 creditsAvailable / creditsEarned. */
  jp: number;
  /** Months the certificate is valid; absent = no expiry (e.g. attendance). */
  validityMonths?: number;
  /**
   * The learning this achievement attests when another plugin credits its JP itself (an event's
   * attendance): the certificate then names that learning in the ledger and adds nothing (ADR 0043).
   */
  learningKey?: string;
  /** certificate-pdf template id ('default', 'default-en' or a stored template). */
  templateId: string;
  locale: 'id' | 'en';
  /** Empty = manual award only. */
  requirements: Requirement[];
  /** `type:refId` of each requirement, so an event finds its achievements with one equality match. */
  requirementKeys: string[];
  combine: 'all' | 'any';
  archived: boolean;
  createdBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export interface EarningDoc {
  _id: Types.ObjectId;
  achievementId: Types.ObjectId;
  userId: Types.ObjectId;
  type: RequirementType;
  refId: string;
  /** The attempt or course that met it. */
  sourceId: string;
  /** The site path of what met it (the attempt's result page, the course): the credential's evidence link. */
  href?: string;
  at: Date;
}

/** The achievement as it was when the certificate was reserved; the credential is built from it. */
export interface AchievementSnapshot {
  name: string;
  description: string;
  criteria: string;
  achievementType: AchievementDoc['achievementType'];
  competency: { code: string; name: string; group: string; level: number };
  jp: number;
}

export interface CertificateDoc {
  _id: Types.ObjectId;
  achievementId: Types.ObjectId;
  userId: Types.ObjectId;
  /** 0 for the first issue, +1 per reissue. */
  seq: number;
  /** Public verification code: 128 random bits, base32, lower case. */
  code: string;
  statusList: number;
  statusIndex: number;
  state: CertificateState;
  /** Searchable copies for admins; never shown publicly. */
  subject: { name: string; nip?: string; unitId?: Types.ObjectId };
  achievement: AchievementSnapshot;
  salt: string;
  issuedAt: Date;
  validUntil?: Date;
  evidence: { url: string; kind: RequirementType | 'manual'; title: string };
  /** How it came to be issued. The reason is internal (audit, admin list), never in the credential. */
  origin: { kind: 'rule' | 'manual' | 'bulk' | 'reissue'; actorId?: Types.ObjectId; reason?: string; bulkId?: Types.ObjectId };
  /**
   * What the PDF prints besides the credential, fixed when the row is reserved (so a re-render is
   * byte-identical): the agency's settings then (place, signatory, register pattern) and the
   * holder's unit and instansi; the register number is added once, before the PDF is made.
   */
  render: {
    templateId: string; templateVersion: number; locale: 'id' | 'en'; timeZone: string; issuerName: string; place?: string;
    unit?: string; instansi?: string; signatory?: { name: string; nip?: string; position?: string }; registerPattern?: string; registerNumber?: string;
  };
  /** The signed credential, as signed (JSON text). Set once. */
  credentialJson?: string;
  keyId?: string;
  pdf?: { sha256: string; size: number; rendererVersion: string };
  /** An official signature added later by a certificate-signer-* plugin. */
  signed?: { sha256: string; size: number; signer: string; signedAt: Date; actorId?: Types.ObjectId };
  replaces?: Types.ObjectId;
  supersededBy?: Types.ObjectId;
  revokedAt?: Date;
  revokedBy?: Types.ObjectId;
  revokeReason?: string;
  supersededAt?: Date;
  /** Set when a result behind the certificate changed (a regrade): an admin decides; nothing is changed silently. */
  review?: { reason: 'regrade'; attemptId: string; before?: unknown; after?: unknown; at: Date };
  createdAt: Date;
}

export interface PdfFileDoc {
  /** The certificate's id. */
  _id: Types.ObjectId;
  issued: Buffer;
  signed?: Buffer;
}

export interface KeySetDoc {
  /** The issuer DID. */
  _id: string;
  /** StoredSigningKey records (signing-keys.ts), kept opaque to mongoose. */
  keys: unknown[];
  /** Bumped by every change; updates carry it as their precondition. */
  version: number;
}

export interface StatusListDoc {
  /** List number, 1-based; the URL is /verify/status/<n>. */
  _id: number;
  length: number;
  /** Bumped whenever a bit must change; a publish covers every change up to the value it read. */
  dirty: number;
  published: number;
  credentialJson?: string;
  publishedAt?: Date;
}

export interface BulkDoc {
  _id: Types.ObjectId;
  achievementId: Types.ObjectId;
  userIds: Types.ObjectId[];
  reason: string;
  /** `failed`: the job failed on every retry (`error` says why); an admin may retry it, which resumes where it stopped. */
  state: 'queued' | 'running' | 'done' | 'failed';
  error?: string;
  failedAt?: Date;
  total: number;
  processed: number;
  issued: number;
  skipped: number;
  failed: number;
  failures: Array<{ userId: Types.ObjectId; message: string }>;
  createdBy: Types.ObjectId;
  createdAt: Date;
  finishedAt?: Date;
}

const opts = { versionKey: false } as const;

const requirementSchema = new Schema<Requirement>(
  { type: { type: String, required: true }, refId: { type: String, required: true }, title: { type: String, required: true } },
  { _id: false, versionKey: false },
);

export const achievementSchema = new Schema<AchievementDoc>(
  {
    name: { type: String, required: true },
    description: { type: String, required: true },
    criteria: { type: String, required: true },
    achievementType: { type: String, required: true },
    competency: { _id: false, code: { type: String, required: true }, level: { type: Number, required: true } },
    jp: { type: Number, required: true },
    validityMonths: Number,
    learningKey: String,
    templateId: { type: String, required: true },
    locale: { type: String, enum: ['id', 'en'], required: true },
    requirements: { type: [requirementSchema], default: [] },
    requirementKeys: { type: [String], default: [] },
    combine: { type: String, enum: ['all', 'any'], default: 'all' },
    archived: { type: Boolean, default: false },
    createdBy: Schema.Types.ObjectId,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  opts,
);
achievementSchema.index({ requirementKeys: 1 });

export const earningSchema = new Schema<EarningDoc>(
  {
    achievementId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    refId: { type: String, required: true },
    sourceId: { type: String, required: true },
    href: String,
    at: { type: Date, required: true },
  },
  opts,
);
earningSchema.index({ achievementId: 1, userId: 1, type: 1, refId: 1 }, { unique: true });

export const certificateSchema = new Schema<CertificateDoc>(
  {
    review: { type: Schema.Types.Mixed },
    achievementId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    code: { type: String, required: true },
    statusList: { type: Number, required: true },
    statusIndex: { type: Number, required: true },
    state: { type: String, enum: CERTIFICATE_STATES, required: true },
    subject: { _id: false, name: { type: String, required: true }, nip: String, unitId: Schema.Types.ObjectId },
    achievement: {
      _id: false,
      name: String, description: String, criteria: String, achievementType: String,
      competency: { _id: false, code: String, name: String, group: String, level: Number },
      jp: Number,
    },
    salt: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    validUntil: Date,
    evidence: { _id: false, url: String, kind: String, title: String },
    origin: { _id: false, kind: { type: String, required: true }, actorId: Schema.Types.ObjectId, reason: String, bulkId: Schema.Types.ObjectId },
    render: {
      _id: false, templateId: String, templateVersion: Number, locale: String, timeZone: String, issuerName: String, place: String,
      unit: String, instansi: String, signatory: { type: { _id: false, name: String, nip: String, position: String }, default: undefined }, registerPattern: String, registerNumber: String,
    },
    credentialJson: String,
    keyId: String,
    pdf: { type: { _id: false, sha256: String, size: Number, rendererVersion: String }, default: undefined },
    signed: { type: { _id: false, sha256: String, size: Number, signer: String, signedAt: Date, actorId: Schema.Types.ObjectId }, default: undefined },
    replaces: Schema.Types.ObjectId,
    supersededBy: Schema.Types.ObjectId,
    revokedAt: Date,
    revokedBy: Schema.Types.ObjectId,
    revokeReason: String,
    supersededAt: Date,
    createdAt: { type: Date, required: true },
  },
  opts,
);
certificateSchema.index({ achievementId: 1, userId: 1, seq: 1 }, { unique: true });
certificateSchema.index({ code: 1 }, { unique: true });
certificateSchema.index({ statusList: 1, statusIndex: 1 }, { unique: true });
certificateSchema.index({ userId: 1, issuedAt: -1 });
certificateSchema.index({ state: 1, issuedAt: -1 });
certificateSchema.index({ 'subject.nip': 1 });

export const pdfFileSchema = new Schema<PdfFileDoc>({ _id: { type: Schema.Types.ObjectId, required: true }, issued: { type: Buffer, required: true }, signed: Buffer }, opts);

export const keySetSchema = new Schema<KeySetDoc>(
  // Key records are written whole by key-store.ts (signing-keys.ts defines their shape).
  { _id: { type: String, required: true }, keys: { type: [Schema.Types.Mixed], default: [] }, version: { type: Number, required: true } },
  opts,
);

export const statusListSchema = new Schema<StatusListDoc>(
  {
    _id: { type: Number, required: true },
    length: { type: Number, required: true },
    dirty: { type: Number, required: true },
    published: { type: Number, required: true },
    credentialJson: String,
    publishedAt: Date,
  },
  opts,
);

export const bulkSchema = new Schema<BulkDoc>(
  {
    achievementId: { type: Schema.Types.ObjectId, required: true },
    userIds: { type: [Schema.Types.ObjectId], default: [] },
    reason: { type: String, required: true },
    state: { type: String, enum: ['queued', 'running', 'done', 'failed'], required: true },
    error: String,
    failedAt: Date,
    total: { type: Number, required: true },
    processed: { type: Number, default: 0 },
    issued: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    failures: { type: [{ _id: false, userId: Schema.Types.ObjectId, message: String }], default: [] },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    finishedAt: Date,
  },
  opts,
);
