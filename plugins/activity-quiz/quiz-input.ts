/**
 * What the quiz's API and forms accept (zod): settings, a new quiz, slots, random rules, saves.
 * Shared by the API routes, the pages and the authoring functions, so both paths refuse alike.
 */
import { z } from 'zod';
import { patchSchema } from '../../src/http/validate';
import { objectId } from '../../src/kernel/object-id';
import { REVIEW_WHEN } from './quiz-models';

export const slotName = z.string().regex(/^s\d{1,4}$/, 'must be a slot name like s1');
const when = z.enum(REVIEW_WHEN);
export const settingsInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  intro: z.string().max(20_000).default(''),
  timeLimitMinutes: z.number().int().min(1).max(600).optional(),
  closesAt: z.iso.datetime({ offset: true }).optional(),
  attemptsAllowed: z.number().int().min(1).max(20).default(1),
  shuffleQuestions: z.boolean().default(true),
  passPercent: z.number().min(0).max(100).default(0),
  review: z.strictObject({ marks: when, correctness: when, feedback: when, rightAnswer: when }).default({ marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'after_close' }),
});
export const settingsPatch = patchSchema(settingsInput).extend({
  timeLimitMinutes: z.number().int().min(1).max(600).nullable().optional(),
  closesAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatch>;
export const quizInput = settingsInput.extend({
  courseId: objectId,
  questions: z.array(z.strictObject({ questionId: objectId, mark: z.number().min(0).max(1000).optional() })).max(300).default([]),
});
export type QuizInput = z.infer<typeof quizInput>;
export const quizParams = z.object({ quizId: objectId });
export const attemptParams = z.object({ attemptId: objectId });
const tag = z.string().trim().min(1).max(50).regex(/^[^.$,]+$/, 'no . , or $');
export const randomInput = z.strictObject({
  bankId: objectId,
  categoryId: objectId.optional(),
  recursive: z.boolean().default(true),
  tags: z.array(tag).max(10).default([]),
  count: z.number().int().min(1).max(100),
  mark: z.number().min(0).max(1000).default(1),
});
export const poolQuery = z.object({ bankId: objectId, categoryId: objectId.optional(), recursive: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'), tags: z.string().max(600).optional() });
/** Raw form fields of one question or of the room's form post (the autosave script sends these; the type maps them). */
export const formFields = z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(1000)).max(100)]));
export const saveInput = z
  .strictObject({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    response: z.unknown().optional(),
    fields: formFields.optional(),
  })
  .refine((v) => !(v.response !== undefined && v.fields !== undefined), 'send either response or fields, not both');
/** The new-quiz form as posted (text fields; numbers are read in quiz-pages.ts). */
export const newQuizForm = z.object({ courseId: objectId, title: z.string(), intro: z.string().default(''), timeLimitMinutes: z.string().default(''), attemptsAllowed: z.string().default('1'), passPercent: z.string().default('0'), _csrf: z.string().optional() });
