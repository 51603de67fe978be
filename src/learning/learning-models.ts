/**
 * The learning spine shared by plugins: courses, their activities, enrolments, progress, the JP
 * ledger, the competency catalogue and the question bank. Arrays hold objects only (FerretDB has
 * no nested arrays); uniqueness that must hold (one enrolment, one progress row, one JP credit
 * per source) is a unique index.
 */
import { createHash } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';

export const COMPETENCY_GROUPS = ['teknis', 'manajerial', 'sosial_kultural'] as const;

export interface CourseDoc {
  _id: Types.ObjectId;
  title: string;
  description: string;
  /** JP credited on completion (1 JP = 45 minutes by default). */
  jp: number;
  competencies: Array<{ code: string; level: number }>;
  trainerIds: Types.ObjectId[];
  unitId?: Types.ObjectId;
  published: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ActivityDoc {
  _id: Types.ObjectId;
  courseId: Types.ObjectId;
  /** The activity plugin id, e.g. `activity-quiz`. */
  type: string;
  /** The id of the activity's own record in its plugin's collection. */
  refId: string;
  title: string;
  position: number;
}

export interface EnrolmentDoc {
  /** `enrolmentId(courseId, userId)` for rows written since ADR 0021's follow-up; random before. */
  _id: Types.ObjectId;
  courseId: Types.ObjectId;
  userId: Types.ObjectId;
  status: 'active' | 'completed';
  enrolledAt: Date;
  completedAt?: Date;
  /** Set with the completion, cleared once its JP and event are recorded: a crash between them leaves it (LearningService.finishCompletion). */
  completionPendingAt?: Date;
}

export interface ProgressDoc {
  /** `progressId(userId, activityId)` for rows written since ADR 0021's follow-up; random before. */
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  courseId: Types.ObjectId;
  activityId: Types.ObjectId;
  state: 'viewed' | 'completed';
  at: Date;
}

/**
 * An ObjectId derived from a kind and ids: the first 12 bytes of SHA-256 of `kind:id1:id2`, ids as
 * lower-case hex. A row keyed this way is found by `{_id}` alone, the one filter FerretDB 1.x on
 * SQLite does not answer by decoding the whole collection (ADR 0017, ADR 0021); on MongoDB it is
 * the `_id` index instead of a compound one. The unique compound indexes stay: they still guard
 * rows written before the keys (random `_id`).
 */
function keyedId(kind: string, ...ids: Array<string | Types.ObjectId>): Types.ObjectId {
  const text = [kind, ...ids.map((id) => new Types.ObjectId(id).toHexString())].join(':');
  return new Types.ObjectId(createHash('sha256').update(text).digest().subarray(0, 12));
}

/** The `_id` of the enrolment of `userId` in `courseId` (both valid ObjectIds, or this throws). */
export const enrolmentId = (courseId: string | Types.ObjectId, userId: string | Types.ObjectId) => keyedId('enrolment', courseId, userId);

/** The `_id` of the progress row of `userId` on `activityId`. */
export const progressId = (userId: string | Types.ObjectId, activityId: string | Types.ObjectId) => keyedId('progress', userId, activityId);

/**
 * One JP credit (jp-ledger/, ADR 0043). Rows written through `JpLedger.credit` have
 * `_id = jpEntryId(userId, learningKey)`, so one learning is counted once per person whichever
 * record (course, certificate, event) reports it first; later records of it join `alsoFrom`.
 */
export interface JpLedgerDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  /** The JP year, in the ASN's time zone at the end of the activity (jp-year.ts). */
  year: number;
  jp: number;
  source: 'course' | 'certificate' | 'mentoring' | 'event' | 'claim';
  sourceId: string;
  /** The learning this counts (`course:<id>`, `claim:<id>`…); absent on rows from before ADR 0043. */
  learningKey?: string;
  title: string;
  mode: 'klasikal' | 'nonklasikal';
  activityKind: string;
  /** IP ASN competency input (jp-kinds.ts). */
  ipAsnCategory?: string;
  provider: string;
  startDate?: Date;
  endDate?: Date;
  /** A file in the store (`file`), a page (`url`) or a record in Bina (`record`, e.g. a certificate's verify page). */
  evidence?: { kind: 'file' | 'url' | 'record'; ref: string; name?: string };
  /** Other records of the same learning that were not counted again (ADR 0043). */
  alsoFrom?: Array<{ source: string; sourceId: string; jp: number }>;
  /** `core` or the crediting plugin's id. */
  creditedBy?: string;
  status: 'approved' | 'pending' | 'rejected';
  at: Date;
}

/** The behavioural indicator of one level (1–5) of a competency. */
export interface CompetencyLevelText {
  level: number;
  indicator: string;
}

export interface CompetencyDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  group: (typeof COMPETENCY_GROUPS)[number];
  /** Short description (PermenPANRB 38/2017 for the seeded ones; the agency's for teknis). */
  description?: string;
  /** Indicators of levels 1–5, in order. */
  levels?: CompetencyLevelText[];
  updatedAt?: Date;
}

export interface QuestionDoc {
  _id: Types.ObjectId;
  /** Stable id across versions; `_id` identifies one version, which attempts point at. */
  qid: string;
  version: number;
  latest: boolean;
  hidden: boolean;
  type: string;
  name: string;
  stem: string;
  stemFormat: 'moodle' | 'html' | 'markdown' | 'plain';
  generalFeedback?: string;
  defaultMark: number;
  data: unknown;
  courseId?: Types.ObjectId;
  /** The bank and category the question lives in (issue: question bank). */
  bankId?: Types.ObjectId;
  categoryId?: Types.ObjectId;
  tags: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  /** Alignment to a competency of the catalogue, at a level 1–5 (PermenPANRB 38/2017). */
  competency?: { code: string; level: number };
  /** Where an imported question came from (format and line), for traceability. */
  source?: { format: string; line: number; importId?: string };
  createdBy: Types.ObjectId;
  createdAt: Date;
}

/** A question bank: owned by a unit or a course; categories nest by `parentId`. */
export interface BankDoc {
  _id: Types.ObjectId;
  name: string;
  owner: { type: 'unit' | 'course'; id: Types.ObjectId };
  createdBy: Types.ObjectId;
  createdAt: Date;
}

export interface CategoryDoc {
  _id: Types.ObjectId;
  bankId: Types.ObjectId;
  parentId?: Types.ObjectId;
  name: string;
  /** Slash-joined names from the root, kept for search and for GIFT/XML `$CATEGORY` paths. */
  path: string;
}

export interface LearningModels {
  Course: Model<CourseDoc>;
  Activity: Model<ActivityDoc>;
  Enrolment: Model<EnrolmentDoc>;
  Progress: Model<ProgressDoc>;
  JpLedger: Model<JpLedgerDoc>;
  Competency: Model<CompetencyDoc>;
  Question: Model<QuestionDoc>;
  Bank: Model<BankDoc>;
  Category: Model<CategoryDoc>;
}

const opts = { versionKey: false } as const;

export function defineLearningModels(conn: Connection): LearningModels {
  const course = new Schema<CourseDoc>(
    {
      title: { type: String, required: true },
      description: { type: String, default: '' },
      jp: { type: Number, required: true, min: 0 },
      competencies: { type: [{ _id: false, code: String, level: Number }], default: [] },
      trainerIds: { type: [Schema.Types.ObjectId], default: [] },
      unitId: Schema.Types.ObjectId,
      published: { type: Boolean, default: false },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    opts,
  );
  const activity = new Schema<ActivityDoc>(
    {
      courseId: { type: Schema.Types.ObjectId, required: true },
      type: { type: String, required: true },
      refId: { type: String, required: true },
      title: { type: String, required: true },
      position: { type: Number, required: true },
    },
    opts,
  );
  activity.index({ courseId: 1, position: 1 });
  activity.index({ type: 1, refId: 1 }, { unique: true });
  const enrolment = new Schema<EnrolmentDoc>(
    {
      courseId: { type: Schema.Types.ObjectId, required: true },
      userId: { type: Schema.Types.ObjectId, required: true },
      status: { type: String, enum: ['active', 'completed'], default: 'active' },
      enrolledAt: { type: Date, required: true },
      completedAt: Date,
      completionPendingAt: Date,
    },
    opts,
  );
  enrolment.index({ courseId: 1, userId: 1 }, { unique: true });
  enrolment.index({ completionPendingAt: 1 });
  enrolment.index({ userId: 1 });
  const progress = new Schema<ProgressDoc>(
    {
      userId: { type: Schema.Types.ObjectId, required: true },
      courseId: { type: Schema.Types.ObjectId, required: true },
      activityId: { type: Schema.Types.ObjectId, required: true },
      state: { type: String, enum: ['viewed', 'completed'], required: true },
      at: { type: Date, required: true },
    },
    opts,
  );
  progress.index({ userId: 1, activityId: 1 }, { unique: true });
  progress.index({ userId: 1, courseId: 1 });
  const jp = new Schema<JpLedgerDoc>(
    {
      userId: { type: Schema.Types.ObjectId, required: true },
      year: { type: Number, required: true },
      jp: { type: Number, required: true, min: 0 },
      source: { type: String, enum: ['course', 'certificate', 'mentoring', 'event', 'claim'], required: true },
      sourceId: { type: String, required: true },
      learningKey: String,
      title: { type: String, required: true },
      mode: { type: String, enum: ['klasikal', 'nonklasikal'], required: true },
      activityKind: { type: String, required: true },
      ipAsnCategory: String,
      provider: { type: String, required: true },
      startDate: Date,
      endDate: Date,
      evidence: { type: new Schema({ kind: { type: String, enum: ['file', 'url', 'record'] }, ref: String, name: String }, { _id: false }) },
      alsoFrom: { type: [{ _id: false, source: String, sourceId: String, jp: Number }], default: undefined },
      creditedBy: String,
      status: { type: String, enum: ['approved', 'pending', 'rejected'], required: true },
      at: { type: Date, required: true },
    },
    opts,
  );
  jp.index({ userId: 1, source: 1, sourceId: 1 }, { unique: true });
  jp.index({ userId: 1, year: 1 });
  jp.index({ year: 1 });
  const competency = new Schema<CompetencyDoc>(
    {
      code: { type: String, required: true, unique: true },
      name: { type: String, required: true },
      group: { type: String, enum: COMPETENCY_GROUPS, required: true },
      description: String,
      levels: { type: [{ _id: false, level: Number, indicator: String }], default: undefined },
      updatedAt: Date,
    },
    opts,
  );
  const question = new Schema<QuestionDoc>(
    {
      qid: { type: String, required: true },
      version: { type: Number, required: true },
      latest: { type: Boolean, required: true },
      hidden: { type: Boolean, default: false },
      type: { type: String, required: true },
      name: { type: String, required: true },
      stem: { type: String, required: true },
      stemFormat: { type: String, enum: ['moodle', 'html', 'markdown', 'plain'], default: 'plain' },
      generalFeedback: String,
      defaultMark: { type: Number, required: true, min: 0 },
      data: { type: Schema.Types.Mixed, required: true },
      courseId: Schema.Types.ObjectId,
      bankId: Schema.Types.ObjectId,
      categoryId: Schema.Types.ObjectId,
      tags: { type: [String], default: [] },
      difficulty: { type: String, enum: ['easy', 'medium', 'hard'] },
      competency: { type: new Schema({ code: String, level: Number }, { _id: false }) },
      source: { type: new Schema({ format: String, line: Number, importId: String }, { _id: false }) },
      createdBy: { type: Schema.Types.ObjectId, required: true },
      createdAt: { type: Date, required: true },
    },
    // An empty `data: {}` (essay, description) must be stored, not dropped.
    { ...opts, minimize: false },
  );
  question.index({ qid: 1, version: 1 }, { unique: true });
  question.index({ courseId: 1, latest: 1 });
  question.index({ bankId: 1, categoryId: 1, latest: 1 });
  const bank = new Schema<BankDoc>(
    {
      name: { type: String, required: true },
      owner: { type: new Schema({ type: { type: String, enum: ['unit', 'course'], required: true }, id: { type: Schema.Types.ObjectId, required: true } }, { _id: false }), required: true },
      createdBy: { type: Schema.Types.ObjectId, required: true },
      createdAt: { type: Date, required: true },
    },
    opts,
  );
  bank.index({ 'owner.type': 1, 'owner.id': 1 });
  const category = new Schema<CategoryDoc>(
    {
      bankId: { type: Schema.Types.ObjectId, required: true },
      parentId: Schema.Types.ObjectId,
      name: { type: String, required: true },
      path: { type: String, required: true },
    },
    opts,
  );
  category.index({ bankId: 1, path: 1 }, { unique: true });
  return {
    Course: conn.model<CourseDoc>('learning_courses', course, 'learning_courses'),
    Activity: conn.model<ActivityDoc>('learning_activities', activity, 'learning_activities'),
    Enrolment: conn.model<EnrolmentDoc>('learning_enrolments', enrolment, 'learning_enrolments'),
    Progress: conn.model<ProgressDoc>('learning_progress', progress, 'learning_progress'),
    JpLedger: conn.model<JpLedgerDoc>('learning_jp_ledger', jp, 'learning_jp_ledger'),
    Competency: conn.model<CompetencyDoc>('learning_competencies', competency, 'learning_competencies'),
    Question: conn.model<QuestionDoc>('learning_questions', question, 'learning_questions'),
    Bank: conn.model<BankDoc>('learning_banks', bank, 'learning_banks'),
    Category: conn.model<CategoryDoc>('learning_categories', category, 'learning_categories'),
  };
}

/** PermenPANRB 38/2017: the 8 managerial and 1 socio-cultural competencies (teknis are per agency). */
export const STANDARD_COMPETENCIES: Array<Pick<CompetencyDoc, 'code' | 'name' | 'group'>> = [
  { code: 'MNJ-INT', name: 'Integritas', group: 'manajerial' },
  { code: 'MNJ-KS', name: 'Kerja Sama', group: 'manajerial' },
  { code: 'MNJ-KOM', name: 'Komunikasi', group: 'manajerial' },
  { code: 'MNJ-OPH', name: 'Orientasi pada Hasil', group: 'manajerial' },
  { code: 'MNJ-PP', name: 'Pelayanan Publik', group: 'manajerial' },
  { code: 'MNJ-PDO', name: 'Pengembangan Diri dan Orang Lain', group: 'manajerial' },
  { code: 'MNJ-MP', name: 'Mengelola Perubahan', group: 'manajerial' },
  { code: 'MNJ-PK', name: 'Pengambilan Keputusan', group: 'manajerial' },
  { code: 'SK-PB', name: 'Perekat Bangsa', group: 'sosial_kultural' },
];
