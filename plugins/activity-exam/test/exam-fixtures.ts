/**
 * Test fixtures for exams (used by test/integration/exam*.test.ts and the exam benches): a
 * published course with a bank of tagged questions per section — TWK/TIU-style single answers
 * (option `a` right), TKP-style weighted options (`p1`…`p5` worth 1…5 points) and essays with a
 * rubric — and an exam drawing from them, all made over the API like a trainer would.
 */
import type { TestEnv, TestUser } from '../../../test/support/harness';
import type { ExamPluginApi } from '../client-info';

export type Kind = 'mc' | 'tkp' | 'essay' | 'tf' | 'num';

export interface SectionSpec {
  key: string;
  kind: Kind;
  /** Questions in the bank for this section. */
  pool: number;
  /** Questions drawn per participant (default: all of the pool). */
  draw?: number;
  mark?: number;
  pass?: { mode: 'points' | 'percent'; value: number };
  timeLimitMinutes?: number;
}

export function examApi(env: TestEnv): ExamPluginApi {
  return env.kernel.services.providers.require('activity-exam').impl as ExamPluginApi;
}

function questionData(kind: Kind) {
  if (kind === 'mc') return { type: 'multichoice', data: { single: true, shuffle: true, options: [{ id: 'a', text: 'Benar', fraction: 1 }, { id: 'b', text: 'Salah', fraction: 0 }, { id: 'c', text: 'Keliru', fraction: 0 }] } };
  if (kind === 'tf') return { type: 'truefalse', data: { correct: true } };
  if (kind === 'tkp') return { type: 'multichoice', data: { mode: 'weighted', shuffle: true, options: [1, 2, 3, 4, 5].map((p) => ({ id: `p${p}`, text: `Sikap ${p}`, points: p })) } };
  if (kind === 'num') return { type: 'numerical', data: { answers: [{ min: 17, max: 17, fraction: 1 }] } };
  return {
    type: 'essay',
    data: { rubric: { criteria: [{ id: 'isi', description: 'Isi', levels: [{ id: 'kurang', label: 'Kurang', points: 0 }, { id: 'cukup', label: 'Cukup', points: 2 }, { id: 'baik', label: 'Baik', points: 4 }] }, { id: 'bahasa', description: 'Bahasa', levels: [{ id: 'kurang', label: 'Kurang', points: 0 }, { id: 'baik', label: 'Baik', points: 1 }] }] } },
  };
}

/** The response a test gives: `right` (full marks), `wrong` (0; TKP: 1 point) or an essay text. Numerical questions (`num`) ask for 17. */
export function responseFor(kind: Kind, how: 'right' | 'wrong'): unknown {
  if (kind === 'mc') return { selected: [how === 'right' ? 'a' : 'b'] };
  if (kind === 'tf') return { value: how === 'right' };
  if (kind === 'tkp') return { selected: [how === 'right' ? 'p5' : 'p1'] };
  if (kind === 'num') return { text: how === 'right' ? '17' : '8' };
  return { text: how === 'right' ? 'Pelayanan publik yang baik dimulai dari integritas.' : '' };
}

/** Kind of a question from its name (`twk-mc-3`). */
export const kindOf = (name: string): Kind => name.split('-')[1] as Kind;

export async function createCourse(trainer: TestUser): Promise<string> {
  const course = await trainer.api.post('/api/v1/courses', { title: 'Seleksi Kompetensi Dasar', description: 'SKD', jp: 2, competencies: [], published: true });
  if (course.status !== 201) throw new Error(`course: ${course.status} ${JSON.stringify(course.body)}`);
  return course.body.course.id;
}

/** Bank questions tagged with the section key; returns their ids by section. */
export async function createBank(env: TestEnv, trainer: TestUser, courseId: string, sections: SectionSpec[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const s of sections) {
    out[s.key] = [];
    for (let i = 0; i < s.pool; i++) {
      const q = questionData(s.kind);
      const r = await trainer.api.post('/api/v1/questions', { courseId, ...q, name: `${s.key}-${s.kind}-${i + 1}`, stem: `Soal ${s.key.toUpperCase()} nomor ${i + 1}`, defaultMark: s.mark ?? 1 });
      if (r.status !== 201) throw new Error(`question: ${r.status} ${JSON.stringify(r.body)}`);
      out[s.key]!.push(r.body.question.id);
    }
    // The question API has no tags yet (question bank issue): set them as the bank would.
    await env.kernel.learning.models.Question.updateMany({ _id: { $in: out[s.key] } }, { $set: { tags: [s.key] } });
  }
  return out;
}

export async function createExam(trainer: TestUser, courseId: string, sections: SectionSpec[], settings: Record<string, unknown> = {}) {
  const r = await trainer.api.post('/api/v1/activity-exam/exams', {
    courseId, title: 'SKD CAT', intro: 'Kerjakan dengan jujur.',
    sections: sections.map((s) => ({ key: s.key, title: s.key.toUpperCase(), draw: { count: s.draw ?? s.pool, tags: [s.key], ...(s.mark !== undefined ? { mark: s.mark } : {}) }, ...(s.pass ? { pass: s.pass } : {}), ...(s.timeLimitMinutes ? { timeLimitMinutes: s.timeLimitMinutes } : {}) })),
    ...settings,
  });
  if (r.status !== 201) throw new Error(`exam: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { exam: { id: string }; pools: Array<{ section: string; available: number; enough: boolean }> };
}

export async function enrol(learner: TestUser, courseId: string): Promise<void> {
  const r = await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
  if (r.status !== 201 && r.status !== 200) throw new Error(`enrol: ${r.status}`);
}

/** Starts an attempt for `learner` at a single-answer (`mc`) exam and saves the right answer to every question; the attempt stays open. */
export async function startAnsweredRight(learner: TestUser, examId: string): Promise<string> {
  const start = await learner.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`, {});
  if (start.status !== 201) throw new Error(`start: ${start.status} ${JSON.stringify(start.body)}`);
  const attemptId = start.body.attempt.id as string;
  for (const q of start.body.questions as Array<{ slot: string }>) {
    const r = await learner.api.put(`/api/v1/activity-exam/attempts/${attemptId}/answers/${q.slot}`, { seq: 1, response: responseFor('mc', 'right') });
    if (r.body.saved !== true) throw new Error(`save: ${JSON.stringify(r.body)}`);
  }
  return attemptId;
}
