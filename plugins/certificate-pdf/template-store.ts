/**
 * Certificate templates: the built-in ones (registered in `ctx.certificateTemplates`, so another
 * plugin can ship its own house style) and the ones admins write, stored as immutable versions.
 *
 * Invariant: a template version never changes once written. A certificate records the
 * `{ id, version }` it was rendered with, so it can be re-rendered byte-identically years later
 * even after an admin has edited the template: an edit is a new version, never an update.
 */
import { Schema, Types, type Model } from 'mongoose';
import { Errors } from '../../src/kernel/errors';
import type { RegistryView } from '../../src/host/plugins/context';
import {
  certificateTemplateSchema,
  defaultTemplate,
  defaultTemplateEn,
  type CertificateTemplateInput,
} from './certificate-template';
import type { CertificateLocale } from './indonesian-date';
import { builtInTemplateV1 } from './legacy-templates';

/** Points at one immutable template version. A built-in template's versions are in code (`earlier`). */
export interface TemplateRef {
  id: string;
  version: number;
}

export interface ResolvedTemplate {
  ref: TemplateRef;
  name: string;
  builtIn: boolean;
  template: CertificateTemplateInput;
}

/** A template another plugin (or this one) ships in code. */
export interface BuiltInTemplate {
  id: string;
  name: string;
  locale: CertificateLocale;
  template: CertificateTemplateInput;
  /** The current version's number (1 when absent). */
  version?: number;
  /** Earlier versions, by number, kept so that certificates rendered with them re-render identically. */
  earlier?: Record<number, CertificateTemplateInput>;
  [key: string]: unknown;
}

export interface TemplateVersionDoc {
  _id: Types.ObjectId;
  /** The template's stable id (the `_id` of its first version). */
  templateId: Types.ObjectId;
  version: number;
  name: string;
  /** The validated template as JSON text: stored as text so no key or order is ever rewritten. */
  body: string;
  createdBy?: Types.ObjectId;
  createdAt: Date;
}

export const templateVersionSchema = new Schema<TemplateVersionDoc>(
  {
    templateId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true, min: 1 },
    name: { type: String, required: true },
    body: { type: String, required: true },
    createdBy: Schema.Types.ObjectId,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
templateVersionSchema.index({ templateId: 1, version: 1 }, { unique: true });

export const BUILT_IN_TEMPLATES: BuiltInTemplate[] = [
  // `labelKey`: the name pages show, in the reader's language (the English template's own name is
  // English, which an Indonesian page must not show).
  // Version 2 prints the agency's signatory, the holder's NIP and unit and the register number.
  { id: 'default', name: 'Sertifikat Kompetensi (bawaan)', labelKey: 'certificate-pdf:builtIn.default', locale: 'id', template: defaultTemplate, version: 2, earlier: { 1: builtInTemplateV1('id') } },
  { id: 'default-en', name: 'Certificate of Competency (default)', labelKey: 'certificate-pdf:builtIn.default-en', locale: 'en', template: defaultTemplateEn, version: 2, earlier: { 1: builtInTemplateV1('en') } },
];

/** The built-in template id for a locale. */
export function defaultTemplateId(locale: CertificateLocale): string {
  return locale === 'en' ? 'default-en' : 'default';
}

export class TemplateStore {
  /** Immutable versions, so caching them forever per process is safe. */
  private cache = new Map<string, ResolvedTemplate>();

  constructor(
    readonly Version: Model<TemplateVersionDoc>,
    private builtIns: RegistryView<{ id: string } & Record<string, unknown>>,
  ) {}

  private builtIn(id: string): BuiltInTemplate | undefined {
    const item = this.builtIns.get(id) as BuiltInTemplate | undefined;
    return item && typeof item.template === 'object' ? item : undefined;
  }

  /** The i18n key of a built-in template's name, if it has one. */
  labelKey(id: string): string | undefined {
    const key = this.builtIn(id)?.labelKey;
    return typeof key === 'string' ? key : undefined;
  }

  /** A built-in template's language (stored ones do not record one). */
  async localeOf(id: string): Promise<CertificateLocale | undefined> {
    return this.builtIn(id)?.locale;
  }

  /** Whether `id` names an existing template (built-in or stored). */
  async exists(id: string): Promise<boolean> {
    if (this.builtIn(id)) return true;
    return Types.ObjectId.isValid(id) && id.length === 24 && Boolean(await this.Version.exists({ templateId: id }));
  }

  /** One version; the latest when `version` is omitted. Throws 404 for an unknown template. */
  async resolve(id: string, version?: number): Promise<ResolvedTemplate> {
    const b = this.builtIn(id);
    if (b) {
      const latest = b.version ?? 1;
      if (version === undefined || version === latest) return { ref: { id, version: latest }, name: b.name, builtIn: true, template: b.template };
      const earlier = b.earlier?.[version];
      if (!earlier) throw Errors.notFound(`Template ${id} has no version ${version}`);
      return { ref: { id, version }, name: b.name, builtIn: true, template: earlier };
    }
    if (!Types.ObjectId.isValid(id) || id.length !== 24) throw Errors.notFound(`No certificate template ${id}`);
    const key = version === undefined ? undefined : `${id}@${version}`;
    const hit = key ? this.cache.get(key) : undefined;
    if (hit) return hit;
    const doc = version === undefined
      ? await this.Version.findOne({ templateId: id }).sort({ version: -1 }).lean()
      : await this.Version.findOne({ templateId: id, version }).lean();
    if (!doc) throw Errors.notFound(`No certificate template ${id}${version ? ` version ${version}` : ''}`);
    const resolved: ResolvedTemplate = {
      ref: { id, version: doc.version },
      name: doc.name,
      builtIn: false,
      template: JSON.parse(doc.body) as CertificateTemplateInput,
    };
    this.cache.set(`${id}@${doc.version}`, resolved);
    return resolved;
  }

  /** Latest version of every template, built-in first. */
  async list(): Promise<Array<{ id: string; version: number; name: string; builtIn: boolean; labelKey?: string; createdAt?: Date }>> {
    const rows = await this.Version.find().sort({ templateId: 1, version: -1 }).limit(2000).lean();
    const latest = new Map<string, TemplateVersionDoc>();
    for (const r of rows) if (!latest.has(String(r.templateId))) latest.set(String(r.templateId), r);
    return [
      ...this.builtIns.list().filter((b) => typeof (b as BuiltInTemplate).template === 'object').map((b) => ({ id: b.id, version: Number((b as BuiltInTemplate).version ?? 1), name: String(b.name), builtIn: true, ...(typeof b.labelKey === 'string' ? { labelKey: b.labelKey } : {}) })),
      ...[...latest.values()].map((r) => ({ id: String(r.templateId), version: r.version, name: r.name, builtIn: false, createdAt: r.createdAt })),
    ];
  }

  /**
   * Writes a new version (the first one when `templateId` is omitted). Two concurrent edits of the
   * same version cannot both win: the unique (templateId, version) index refuses the second.
   */
  async save(input: { templateId?: string; name: string; template: unknown; actorId?: string; now: Date }): Promise<ResolvedTemplate> {
    const parsed = certificateTemplateSchema.safeParse(input.template);
    if (!parsed.success) {
      throw Errors.validation('Invalid certificate template', {
        details: parsed.error.issues.map((i) => ({ in: 'body', path: ['template', ...i.path].join('.'), message: i.message })),
      });
    }
    let templateId: Types.ObjectId;
    let version = 1;
    if (input.templateId) {
      if (this.builtIn(input.templateId)) throw Errors.conflict('Built-in templates cannot be edited; create a new template from them');
      const current = await this.resolve(input.templateId);
      templateId = new Types.ObjectId(input.templateId);
      version = current.ref.version + 1;
    } else {
      templateId = new Types.ObjectId();
    }
    try {
      await this.Version.create({
        _id: version === 1 ? templateId : new Types.ObjectId(),
        templateId,
        version,
        name: input.name,
        // Defaults applied and frozen now: a later change of a schema default must not alter how
        // an existing version renders.
        body: JSON.stringify(parsed.data),
        createdBy: input.actorId,
        createdAt: input.now,
      });
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw Errors.conflict('Someone else saved this template meanwhile; reload and try again');
      throw e;
    }
    return this.resolve(String(templateId), version);
  }
}
