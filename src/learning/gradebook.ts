/**
 * A course's grades and participants' progress in one table: each enrolled learner (name, NIP,
 * enrolment state, activities completed) with their marks per graded activity and per question,
 * as each activity type reports them (`ActivityType.grades`), so the core knows no plugin's data.
 * The same table is shown as a page and exported as CSV and XLSX (ADR 0032).
 */
import { Types } from 'mongoose';
import type { KernelServices } from '../host/kernel-services';
import type { ActivityGrades } from './activity-type';
import type { LearningService } from './learning-service';

export interface GradebookActivity {
  id: string;
  title: string;
  type: string;
  grades: ActivityGrades | null;
}

export interface GradebookLearner {
  userId: string;
  name: string;
  nip: string;
  unitId: string | null;
  status: 'active' | 'completed';
  enrolledAt: Date;
  completed: number;
}

export interface Gradebook {
  activities: GradebookActivity[];
  learners: GradebookLearner[];
  /** activityId → userId → the learner's grade there. */
  cells: Map<string, Map<string, ActivityGrades['learners'][number]>>;
}

export async function buildGradebook(services: KernelServices, learning: LearningService, courseId: string, opts: { grades?: boolean } = {}): Promise<Gradebook> {
  const [enrolments, activities, progress] = await Promise.all([
    learning.models.Enrolment.find({ courseId }).lean(),
    learning.activities(courseId),
    learning.models.Progress.find({ courseId, state: 'completed' }, { userId: 1 }).lean(),
  ]);
  const done = new Map<string, number>();
  for (const p of progress) done.set(String(p.userId), (done.get(String(p.userId)) ?? 0) + 1);
  const users = await services.conn.collection('identity_users')
    .find({ _id: { $in: enrolments.map((e) => new Types.ObjectId(e.userId)) } }, { projection: { name: 1, nip: 1, username: 1, unitId: 1 } })
    .toArray();
  const byId = new Map(users.map((u) => [String(u._id), u]));
  const learners: GradebookLearner[] = enrolments.map((e) => {
    const u = byId.get(String(e.userId));
    return {
      userId: String(e.userId), name: String(u?.name ?? '?'), nip: String(u?.nip ?? u?.username ?? ''), unitId: u?.unitId ? String(u.unitId) : null,
      status: e.status, enrolledAt: e.enrolledAt, completed: done.get(String(e.userId)) ?? 0,
    };
  }).sort((a, b) => a.name.localeCompare(b.name, 'id'));
  const out: GradebookActivity[] = [];
  const cells: Gradebook['cells'] = new Map();
  for (const a of activities) {
    const type = services.registries.activityTypes.get(a.type);
    const grades = opts.grades !== false && type?.grades ? await type.grades(a.refId) : null;
    out.push({ id: String(a._id), title: a.title, type: a.type, grades });
    if (grades) cells.set(String(a._id), new Map(grades.learners.map((g) => [g.userId, g])));
  }
  return { activities: out, learners, cells };
}

/** The grades as rows of cells: a header row, then one row per learner (what CSV and XLSX write). */
export function gradeRows(book: Gradebook, t: (key: string, args?: Record<string, unknown>) => string): Array<Array<string | number | null>> {
  const graded = book.activities.filter((a) => a.grades);
  const header: Array<string | number | null> = [t('grades.nip'), t('grades.name'), t('grades.status'), t('grades.completed')];
  for (const a of graded) header.push(`${a.title} (${t('grades.max', { max: a.grades!.maxScore })})`);
  for (const a of graded) for (const q of a.grades!.questions) header.push(`${a.title} · ${q.label} (${t('grades.max', { max: q.maxScore })})`);
  const rows = [header];
  for (const l of book.learners) {
    const row: Array<string | number | null> = [l.nip, l.name, t(`grades.state.${l.status}`), `${l.completed}/${book.activities.length}`];
    for (const a of graded) {
      const c = book.cells.get(a.id)?.get(l.userId);
      row.push(c ? c.score : null);
    }
    for (const a of graded) {
      const c = book.cells.get(a.id)?.get(l.userId);
      for (const q of a.grades!.questions) row.push(c ? c.questions[q.key] ?? null : null);
    }
    rows.push(row);
  }
  return rows;
}
