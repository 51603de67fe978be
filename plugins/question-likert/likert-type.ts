/**
 * Likert item (`likert`): a statement answered on an ordered scale with no right answer (the SKM's
 * 1–4, a training reaction's 1–5). It carries no mark (`scored: false`): `grade` only says whether
 * it was answered, and reports count the answers per level (`classifyResponse`). The scale's ids
 * are the levels in order, so a report can average them (the SKM's `1`…`4`).
 *
 * Registered by index.ts for questionnaire layouts of the attempt engine (ADR 0037): the SKM
 * survey stores its answers as Likert responses. No authoring form: questionnaires define their
 * items in code (the regulation's wording), so the question bank lists it as not authorable.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import { formValues } from '../../src/learning/attempts/answer-log';
import { itemIdSchema, learnerView } from '../../src/learning/question-type-kit';

export const likertDataSchema = z
  .strictObject({ scale: z.array(z.strictObject({ id: itemIdSchema, label: z.string().min(1).max(200) })).min(2).max(11) })
  .refine((d) => new Set(d.scale.map((l) => l.id)).size === d.scale.length, { message: 'scale levels must have distinct ids', path: ['scale'] });
export type LikertData = z.output<typeof likertDataSchema>;

export const likertResponseSchema = z.strictObject({ level: itemIdSchema });
export type LikertResponse = z.output<typeof likertResponseSchema>;

function grade(question: Question<LikertData>, response: LikertResponse | undefined): GradeResult {
  const known = response !== undefined && question.data.scale.some((l) => l.id === response.level);
  return { score: 0, maxScore: 0, state: known ? 'graded' : 'blank', feedback: [] };
}

function toLearnerView(question: Question<LikertData>): LearnerView {
  return learnerView('likert', question, { scale: question.data.scale.map((l) => ({ id: l.id, label: l.label })) });
}

export const likertType: QuestionType<LikertData, LikertResponse> = {
  id: 'likert',
  dataSchema: likertDataSchema,
  responseSchema: likertResponseSchema,
  autoGraded: true,
  scored: false,
  grade,
  toLearnerView,
  fromForm: (fields, prefix) => {
    const { first } = formValues(fields, prefix);
    return first ? { level: first } : undefined;
  },
  toFormView: (response) => ({ level: response?.level ?? null }),
  classifyResponse: (response) => response.level,
};
