/**
 * Matching (`matching`): the learner pairs each sub-question with one answer from a shared pool.
 *
 * Invariant: nothing in the learner view links a sub-question to its answer. Sub-questions carry
 * their pair id, choices carry an `answerId`, and both lists are shuffled with independent
 * sub-seeds (one seed for both would move them in lockstep and line every pair up again).
 *
 * Why choice ids are authored rather than drawn per attempt: `grade` receives no seed, so an id the
 * learner sends back must mean the same answer forever. Each distinct answer text gets one random
 * `answerId` at authoring or import time (`newMatchingAnswerId`); pairs sharing an answer text share
 * its id, so identical choices appear once. The schema refuses ids that would leak the pairing: an
 * answerId equal to a pair id, answerIds counting up in pair order (`a1, a2, a3`), or answerIds
 * carrying the same trailing number as their pair (`p3` → `a3`).
 *
 * A pair with an empty question is a distractor: its answer joins the pool and matches nothing.
 * Score = correctly matched sub-questions / sub-questions × maxScore; unanswered ones count as
 * wrong. The response is a list of `{questionId, choiceId}` rather than a map keyed by question
 * id, because stored documents never use client-supplied strings as keys.
 */
import { z } from 'zod';
import type { GradeResult, LearnerView, Question, QuestionType } from '../../src/learning/question-type';
import {
  allDistinct, blankResult, i18nIssue, idsCountUp, itemIdSchema, learnerView, randomLetterId, reportDuplicateIds, roundScore, textFormatSchema,
} from '../../src/learning/question-type-kit';
import { deriveSeed, seededShuffle } from '../../src/learning/seeded-shuffle';

const MAX_PAIRS = 50;

/**
 * A fresh, unguessable answer id for authoring and import, never one the schema would refuse.
 * The schema's message names this function, so it keeps its name.
 */
export const newMatchingAnswerId: () => string = randomLetterId;

const pairSchema = z.strictObject({
  id: itemIdSchema,
  /** Empty for a distractor. */
  question: z.string().trim().max(10_000),
  questionFormat: textFormatSchema.optional(),
  answer: z.string().trim().min(1).max(1_000),
  answerId: itemIdSchema,
});

function trailingNumber(id: string): string | undefined {
  return /(\d+)$/u.exec(id)?.[1];
}

export const matchingDataSchema = z
  .strictObject({
    /** Shuffle the sub-questions too; the choices are always shuffled, or their order would pair them. */
    shuffle: z.boolean().default(true),
    pairs: z.array(pairSchema).min(2).max(MAX_PAIRS),
  })
  .superRefine((data, ctx) => {
    reportDuplicateIds(ctx, 'pairs', data.pairs, 'pair');
    const pairIds = new Set(data.pairs.map((p) => p.id));
    const idByAnswer = new Map<string, string>();
    const answerById = new Map<string, string>();
    data.pairs.forEach((p, i) => {
      if (pairIds.has(p.answerId)) {
        ctx.addIssue({ code: 'custom', path: ['pairs', i, 'answerId'], ...i18nIssue('an answerId must not equal a pair id', 'question-matching:errors.answerIdIsPairId') });
      }
      const knownId = idByAnswer.get(p.answer);
      const knownAnswer = answerById.get(p.answerId);
      if ((knownId !== undefined && knownId !== p.answerId) || (knownAnswer !== undefined && knownAnswer !== p.answer)) {
        ctx.addIssue({ code: 'custom', path: ['pairs', i, 'answerId'], ...i18nIssue('each distinct answer text has exactly one answerId', 'question-matching:errors.oneIdPerAnswer') });
      }
      idByAnswer.set(p.answer, p.answerId);
      answerById.set(p.answerId, p.answer);
    });
    const real = data.pairs.filter((p) => p.question !== '');
    if (real.length < 2) ctx.addIssue({ code: 'custom', path: ['pairs'], ...i18nIssue('at least two sub-questions', 'question-matching:errors.twoQuestions') });
    const distinctAnswerIds = [...new Set(real.map((p) => p.answerId))];
    const sameNumbers = real.every((p) => {
      const n = trailingNumber(p.id);
      return n !== undefined && n === trailingNumber(p.answerId);
    });
    if (idsCountUp(distinctAnswerIds) || (real.length > 1 && sameNumbers)) {
      ctx.addIssue({ code: 'custom', path: ['pairs'], ...i18nIssue('answerIds must be random (see newMatchingAnswerId): these reveal the pairing', 'question-matching:errors.idsRevealPairs') });
    }
  });
export type MatchingData = z.output<typeof matchingDataSchema>;

export const matchingResponseSchema = z.strictObject({
  matches: z
    .array(z.strictObject({ questionId: itemIdSchema, choiceId: itemIdSchema }))
    .max(MAX_PAIRS)
    .refine((m) => allDistinct(m.map((x) => x.questionId)), i18nIssue('a sub-question is matched twice', 'question-matching:errors.matchedTwice')),
});
export type MatchingResponse = z.output<typeof matchingResponseSchema>;

function subQuestions(data: MatchingData): MatchingData['pairs'] {
  return data.pairs.filter((p) => p.question !== '');
}

function grade(question: Question<MatchingData>, response: MatchingResponse | undefined, maxScore: number): GradeResult {
  if (response === undefined || response.matches.length === 0) return blankResult(maxScore);
  const chosen = new Map(response.matches.map((m) => [m.questionId, m.choiceId]));
  const pairs = subQuestions(question.data);
  const parts = pairs.map((p) => {
    const choice = chosen.get(p.id);
    return { id: p.id, correct: choice === undefined ? null : choice === p.answerId };
  });
  const right = parts.filter((p) => p.correct === true).length;
  return {
    score: roundScore((right / pairs.length) * maxScore),
    maxScore,
    state: 'graded',
    feedback: [],
    parts,
  };
}

function toLearnerView(question: Question<MatchingData>, seed: number): LearnerView {
  const data = question.data;
  const pairs = subQuestions(data);
  const questions = data.shuffle ? seededShuffle(pairs, deriveSeed(seed, 'questions')) : pairs;
  const choices = new Map<string, string>();
  for (const p of data.pairs) choices.set(p.answerId, p.answer);
  return learnerView('matching', question, {
    questions: questions.map((p) =>
      p.questionFormat ? { id: p.id, text: p.question, format: p.questionFormat } : { id: p.id, text: p.question },
    ),
    choices: seededShuffle([...choices], deriveSeed(seed, 'choices')).map(([id, text]) => ({ id, text })),
  });
}

export const matchingType: QuestionType<MatchingData, MatchingResponse> = {
  id: 'matching',
  dataSchema: matchingDataSchema,
  responseSchema: matchingResponseSchema,
  autoGraded: true,
  grade,
  toLearnerView,
  // Moodle's qtype_match: one choice in the pool at random per sub-question (distractors included).
  randomGuessScore: (question) => 1 / new Set(question.data.pairs.map((p) => p.answerId)).size,
  correctResponse: (question) => ({
    matches: subQuestions(question.data).map((p) => ({ questionId: p.id, choiceId: p.answerId })),
  }),
};
