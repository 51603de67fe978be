/**
 * The exam room (BKN's CAT as the model), shared by every activity built on attempts (quiz, exam):
 * what the learner sees of an open attempt, as a view model. One question per screen with previous,
 * next and a number grid per section (answered, unanswered, *ragu-ragu*), or every question at once
 * for a short quiz; the summary before submitting (unanswered, flagged, answers outside a word
 * limit). Pure: the pages load the attempt, this decides what is shown. The templates are the core
 * partials `core/attempt-room-*` and the live behaviour is `/assets/core/attempt-room.js`; without
 * JavaScript every move is a form post (the answer on screen is saved) and a redirect to `?q=N`.
 */

import { z } from 'zod';

/** The room's address: `?q=N` opens question N, `?all=1` every question of a short quiz. */
export const roomQuery = z.object({ q: z.string().max(12).optional(), all: z.string().max(3).optional() });
/** Where the room opens (a `q` that is no question number is ignored, not refused). */
export const roomPlace = (query: { q?: string; all?: string }) => ({ q: query.q && /^\d{1,4}$/.test(query.q) ? Number(query.q) : undefined, all: query.all === '1' });
/** A repeated form field (`shown`, `flagShown`) as a set; one value arrives as a string; absent: null. */
export const postedList = (v: string | string[] | undefined): Set<string> | null => (v === undefined ? null : new Set(Array.isArray(v) ? v : [v]));

/**
 * The slots a posted room form carries answers for: those it lists as `shown` (a question on
 * screen whose fields are all empty is a cleared answer), else those with a field in the post.
 * A post without either (the summary's submit button) carries no answer, so it clears none.
 */
export function postedSlots(body: Record<string, string | string[] | undefined>): Set<string> {
  const shown = postedList(body.shown);
  if (shown) return shown;
  const slots = new Set<string>();
  for (const key of Object.keys(body)) {
    const m = /^q_(s\d{1,4})(?:_|$)/.exec(key);
    if (m) slots.add(m[1]!);
  }
  return slots;
}

/** Quizzes this short may show every question on one page. */
export const SHOW_ALL_MAX = 20;

/** One question of an open attempt as the activity's learner view gives it. */
export interface RoomQuestionInput {
  slot: string;
  /** 1-based display number. */
  number: number;
  section?: string;
  response: unknown;
  flagged?: boolean;
  locked?: boolean;
  view?: unknown;
}

export type CellState = 'answered' | 'unanswered' | 'flagged';

/** How many words a text answer has and whether it is inside the limits its question declares. */
export interface WordLimit {
  min: number | null;
  max: number | null;
  count: number;
  outside: boolean;
}

export interface RoomOptions {
  /** The sections in order; an activity without sections passes none (one unnamed group). */
  sections?: Array<{ key: string; title: string }>;
  /** The 1-based number asked for (`?q=`); out of range or absent: `fallback`. */
  requested?: number;
  /** Where to start when nothing (or nonsense) is asked: the current timed section's first question, say. */
  fallback?: number;
  showAll?: boolean;
}

/** Words as the essay type counts them: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/u).filter((w) => w !== '').length;
}

/**
 * The word limits of a question whose learner view declares `minWords`/`maxWords` (essays), with
 * the saved text counted; null for a question without limits. A blank answer is never "outside":
 * it is unanswered, which the summary lists on its own.
 */
export function wordLimit(view: unknown, response: unknown): WordLimit | null {
  const v = (view ?? {}) as { minWords?: unknown; maxWords?: unknown };
  const min = typeof v.minWords === 'number' ? v.minWords : null;
  const max = typeof v.maxWords === 'number' ? v.maxWords : null;
  if (min === null && max === null) return null;
  const text = (response as { text?: unknown } | null)?.text;
  const count = typeof text === 'string' ? countWords(text) : 0;
  const outside = count > 0 && ((min !== null && count < min) || (max !== null && count > max));
  return { min, max, count, outside };
}

/** Whether a saved response holds an answer: not null, and not only empty strings or lists. */
export function isAnswered(response: unknown): boolean {
  if (response === null || response === undefined) return false;
  if (typeof response === 'string') return response.trim() !== '';
  if (Array.isArray(response)) return response.some(isAnswered);
  if (typeof response === 'object') return Object.values(response as Record<string, unknown>).some(isAnswered);
  return true;
}

export function cellState(q: Pick<RoomQuestionInput, 'response' | 'flagged'>): CellState {
  if (q.flagged) return 'flagged';
  return isAnswered(q.response) ? 'answered' : 'unanswered';
}

/**
 * The room for one screen: every question marked shown or hidden (the page renders them all, so
 * the script can move between them offline; without JavaScript only the shown one is posted), the
 * grid per section, the tabs, previous and next.
 */
export function buildRoom<Q extends RoomQuestionInput>(questions: Q[], opts: RoomOptions = {}) {
  const total = questions.length;
  const inRange = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 1 && n <= total ? n : undefined);
  const current = inRange(opts.requested) ?? inRange(opts.fallback) ?? (total ? 1 : 0);
  const showAll = Boolean(opts.showAll && total <= SHOW_ALL_MAX);
  const sections = opts.sections?.length ? opts.sections : [{ key: '', title: '' }];
  const sectionOf = (q: Q) => (opts.sections?.length ? (q.section ?? '') : '');
  const currentQ = questions[current - 1];
  const currentSection = currentQ ? sectionOf(currentQ) : sections[0]!.key;
  const rows = questions.map((q) => {
    const state = cellState(q);
    const limit = wordLimit(q.view, q.response);
    return {
      ...q,
      flagged: Boolean(q.flagged),
      state,
      answered: isAnswered(q.response),
      wordLimit: limit,
      current: q.number === current,
      hidden: !showAll && q.number !== current,
    };
  });
  const grid = sections
    .map((s) => {
      const cells = rows.filter((q) => sectionOf(q) === s.key).map((q) => ({ number: q.number, slot: q.slot, state: q.state, answered: q.answered, flagged: q.flagged, current: q.current, outside: Boolean(q.wordLimit?.outside) }));
      return {
        key: s.key, title: s.title, current: s.key === currentSection, first: cells[0]?.number ?? null, cells,
        answered: cells.filter((c) => c.answered).length, count: cells.length,
      };
    })
    .filter((s) => s.count > 0);
  return {
    questions: rows,
    grid,
    tabs: grid.length > 1 ? grid.map((s) => ({ key: s.key, title: s.title, current: s.current, first: s.first })) : [],
    current,
    total,
    prev: current > 1 ? current - 1 : null,
    next: current < total ? current + 1 : null,
    showAll,
    canShowAll: total > 1 && total <= SHOW_ALL_MAX,
    flaggedCount: rows.filter((q) => q.flagged).length,
    answeredCount: rows.filter((q) => q.answered).length,
  };
}

/**
 * The summary before submitting, per section: what is unanswered, flagged (*ragu-ragu*) or
 * outside its word limit, each by number so the page can link back to it.
 */
export function buildSummary<Q extends RoomQuestionInput>(questions: Q[], sections?: Array<{ key: string; title: string }>) {
  const room = buildRoom(questions, { sections });
  const bySection = room.grid.map((s) => {
    const qs = room.questions.filter((q) => s.cells.some((c) => c.number === q.number));
    return {
      key: s.key, title: s.title, count: s.count, answered: s.answered,
      unanswered: qs.filter((q) => !q.answered).map((q) => q.number),
      flagged: qs.filter((q) => q.flagged).map((q) => q.number),
      outside: qs.filter((q) => q.wordLimit?.outside).map((q) => ({ number: q.number, ...q.wordLimit! })),
    };
  });
  const unanswered = bySection.reduce((n, s) => n + s.unanswered.length, 0);
  const flagged = bySection.reduce((n, s) => n + s.flagged.length, 0);
  const outside = bySection.reduce((n, s) => n + s.outside.length, 0);
  return { sections: bySection, total: room.total, answered: room.answeredCount, unanswered, flagged, outside, allClear: unanswered + flagged + outside === 0 };
}
