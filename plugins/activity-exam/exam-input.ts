/**
 * Input schemas of the exam API (and the form pages, which build the same objects). Keys of
 * sections become result keys, so they are short lower-case words; every id is a 24-hex id.
 */
import { z } from 'zod';
import { patchSchema } from '../../src/http/validate';
import { DIFFICULTIES, GRADING_METHODS, REVIEW_WHEN } from './exam-models';
import { objectId } from '../../src/kernel/object-id';

/** Re-exported for this module's importers: the schema itself is src/kernel/object-id.ts. */
export { objectId };
export const slotName = z.string().regex(/^s\d{1,4}$/, 'must be a slot name like s1');
/** Path parameters of the routes and pages. */
export const examParams = z.object({ examId: objectId });
export const attemptParams = z.object({ attemptId: objectId });
const when = z.enum(REVIEW_WHEN);
const isoDate = z.iso.datetime({ offset: true });

export const passRuleInput = z.strictObject({ mode: z.enum(['points', 'percent']), value: z.number().min(0).max(100_000) });

export const sectionInput = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9_-]{0,19}$/, 'a short lower-case key like twk'),
    title: z.string().trim().min(1).max(200),
    timeLimitMinutes: z.number().int().min(1).max(600).optional(),
    shuffle: z.boolean().default(true),
    draw: z
      .strictObject({
        count: z.number().int().min(1).max(500),
        mark: z.number().min(0).max(1000).optional(),
        bankId: objectId.optional(),
        categoryIds: z.array(objectId).max(50).default([]),
        tags: z.array(z.string().trim().min(1).max(60)).max(20).default([]),
        competency: z.strictObject({ code: z.string().trim().min(1).max(40), level: z.number().int().min(1).max(5).optional() }).optional(),
        difficulty: z.enum(DIFFICULTIES).optional(),
      })
      .optional(),
    fixed: z.array(z.strictObject({ questionId: objectId, mark: z.number().min(0).max(1000).optional() })).max(500).default([]),
    pass: passRuleInput.optional(),
  })
  .refine((s) => s.draw !== undefined || s.fixed.length > 0, 'a section needs fixed questions or a draw');

export const settingsInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  intro: z.string().max(20_000).default(''),
  opensAt: isoDate.optional(),
  closesAt: isoDate.optional(),
  timeLimitMinutes: z.number().int().min(1).max(600).optional(),
  attemptsAllowed: z.number().int().min(1).max(20).default(1),
  grading: z.enum(GRADING_METHODS).default('highest'),
  navigation: z.enum(['free', 'sequential']).default('free'),
  pass: passRuleInput.optional(),
  review: z
    .strictObject({ marks: when, correctness: when, feedback: when, rightAnswer: when })
    .default({ marks: 'immediately', correctness: 'after_close', feedback: 'after_close', rightAnswer: 'never' }),
  board: z.strictObject({ identity: z.enum(['names', 'masked_nip']).default('masked_nip'), public: z.boolean().default(false) }).default({ identity: 'masked_nip', public: false }),
  access: z.array(z.strictObject({ rule: z.string().regex(/^access-[a-z0-9-]+$/), settings: z.unknown() })).max(10).default([]),
});

const ordered = (v: { opensAt?: string; closesAt?: string }) => !v.opensAt || !v.closesAt || new Date(v.opensAt) < new Date(v.closesAt);

export const examInput = settingsInput
  .extend({ courseId: objectId, sections: z.array(sectionInput).min(1).max(20) })
  .refine((v) => new Set(v.sections.map((s) => s.key)).size === v.sections.length, { message: 'section keys must be unique', path: ['sections'] })
  .refine(ordered, { message: 'opensAt must be before closesAt', path: ['closesAt'] });

// patchSchema, not .partial(): zod 4 fills defaults into omitted optional fields, so a PATCH of
// the title alone would reset the review options, the board and the access rules.
export const examPatch = patchSchema(settingsInput)
  .extend({ sections: z.array(sectionInput).min(1).max(20).optional() })
  .refine((v) => !v.sections || new Set(v.sections.map((s) => s.key)).size === v.sections.length, { message: 'section keys must be unique', path: ['sections'] })
  .refine(ordered, { message: 'opensAt must be before closesAt', path: ['closesAt'] });

export const accommodationInput = z
  .strictObject({
    extraMinutes: z.number().int().min(0).max(600).default(0),
    opensAt: isoDate.optional(),
    closesAt: isoDate.optional(),
    extraAttempts: z.number().int().min(0).max(10).default(0),
    reason: z.string().trim().max(1000).default(''),
  })
  .refine(ordered, { message: 'opensAt must be before closesAt', path: ['closesAt'] });

export const saveInput = z
  .strictObject({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    response: z.unknown().optional(),
    /** Raw form fields of the question (the page script sends these; the type maps them). */
    fields: z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(1000)).max(100)])).optional(),
  })
  .refine((v) => !(v.response !== undefined && v.fields !== undefined), 'send either response or fields, not both');

/** The codes a learner types to start or resume: each access rule reads its own field. */
export const codesInput = z.strictObject({ code: z.string().max(100).optional(), takeoverCode: z.string().max(100).optional() });

export const integrityInput = z.strictObject({
  kind: z.enum(['focus_lost', 'fullscreen_exit', 'visibility_hidden']),
  at: isoDate.optional(),
  durationMs: z.number().int().min(0).max(86_400_000).optional(),
});

export const regradeInput = z
  .strictObject({ questionIds: z.array(objectId).max(500).optional(), qids: z.array(z.string().min(1).max(64)).max(500).optional(), toLatest: z.boolean().default(true) });
