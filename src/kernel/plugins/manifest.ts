/**
 * The static `plugin.json` of a plugin, validated before any plugin code runs (unknown keys are
 * rejected). The id is the folder name and prefixes everything the plugin owns.
 */
import semver from 'semver';
import { z } from 'zod';

/**
 * `survey` (public surveys such as the SKM), `feedback` (the public's complaints and suggestions)
 * and `evaluation` (training evaluation) were added for issue 15 (ADR 0049): each is a feature
 * family of its own, not a course activity or a report.
 */
export const PLUGIN_KINDS = ['question', 'activity', 'import', 'certificate', 'report', 'auth', 'access', 'notify', 'survey', 'feedback', 'evaluation'] as const;
export const ROLES = ['admin', 'trainer', 'mentor', 'learner'] as const;
export type Role = (typeof ROLES)[number];

const ID_RE = new RegExp(`^(${PLUGIN_KINDS.join('|')})-[a-z0-9]+(-[a-z0-9]+)*$`);
const semverString = z.string().refine((v) => semver.valid(v) !== null, 'must be a semver version like 1.2.3');
const semverRange = z.string().refine((v) => semver.validRange(v) !== null, 'must be a semver range like ^1.0.0');

export const capabilitySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'must look like <plugin-id>:<verb>'),
  type: z.enum(['read', 'write']),
  /** Roles that hold it by default; admins hold every capability. */
  roles: z.array(z.enum(ROLES)).default([]),
  risks: z.array(z.enum(['personal', 'config', 'xss', 'spam', 'grades', 'certificates'])).default([]),
  description: z.string().min(1),
});
export type CapabilityDecl = z.infer<typeof capabilitySchema>;

/**
 * One collection of the plugin that holds a person's rows: found by `person` (the field with their
 * user id), exported whole, and on a lawful erasure request deleted, anonymised (the person field
 * pointed at a fresh id, so counts and item statistics stay right) or kept (certificates), with
 * `redact` applied in every case but delete.
 */
export const personStoreSchema = z.strictObject({
  /** The model name given to `ctx.models.define` (the collection is `<plugin-id>_<model>`). */
  model: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** The field holding the person's user id (an ObjectId or its hex string). */
  person: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/),
  erase: z.enum(['delete', 'anonymise', 'keep']),
  redact: z
    .array(
      z.strictObject({
        field: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/),
        /** The value left in place (null removes it). */
        value: z.union([z.string(), z.null()]).default(null),
        /** Only when the request asks for the name to go too (certificates keep it by default). */
        onlyWhen: z.enum(['removeName']).optional(),
      }),
    )
    .default([]),
});
export type PersonStore = z.infer<typeof personStoreSchema>;

export const manifestSchema = z
  .strictObject({
    id: z.string().regex(ID_RE, `must be <kind>-<name> with kind one of ${PLUGIN_KINDS.join(', ')}`),
    version: semverString,
    schemaVersion: z.number().int().min(1),
    description: z.string().min(1),
    /** A required plugin that fails aborts the boot; an optional one is disabled and reported. */
    optional: z.boolean().default(true),
    requires: z
      .strictObject({
        core: semverRange,
        plugins: z.record(z.string(), semverRange).default({}),
      }),
    capabilities: z.array(capabilitySchema).default([]),
    jobs: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must look like <plugin-id>.<job>'),
          attempts: z.number().int().min(1).max(100).default(5),
          backoffMs: z.number().int().min(10).max(3_600_000).default(1000),
          concurrency: z.number().int().min(1).max(64).default(1),
          /** `atStart`: also run once whenever a worker process starts (recovery sweeps). */
          schedule: z.strictObject({ every: z.number().int().min(1000).optional(), pattern: z.string().optional(), atStart: z.boolean().optional() }).optional(),
        }),
      )
      .default([]),
    /** JSON Schema of the plugin's settings (validated with ajv; defaults applied). */
    settings: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    privacy: z.strictObject({
      personalData: z.array(z.strictObject({ field: z.string(), purpose: z.string() })).default([]),
      export: z.string().default('none'),
      erase: z.string().default('none'),
      /**
       * Where the plugin keeps a person's rows, so the core can export and erase them (docs/plugins.md,
       * ADR 0036). A plugin with `personalData` must list its stores, or say `"keyedByPerson": false`
       * (test/integration/personal-data.test.ts fails for one that does neither; the boot does not).
       */
      stores: z.array(personStoreSchema).default([]),
      /**
       * False when no row is kept under a Bina user's id: the data only passes through (a signing
       * service's passphrase) or belongs to the institution (officials typed into a template).
       */
      keyedByPerson: z.boolean().default(true),
    }),
  })
  .superRefine((m, ctx) => {
    for (const c of m.capabilities) {
      if (!c.name.startsWith(`${m.id}:`)) ctx.addIssue({ code: 'custom', path: ['capabilities'], message: `capability ${c.name} must start with ${m.id}:` });
    }
    for (const j of m.jobs) {
      if (!j.name.startsWith(`${m.id}.`)) ctx.addIssue({ code: 'custom', path: ['jobs'], message: `job ${j.name} must start with ${m.id}.` });
    }
  });

export type PluginManifest = z.infer<typeof manifestSchema>;
