/** A behaviour task as its rater reads it: the learner, the course and the competencies with their targets. */
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { LearningService } from '../../src/learning/learning-service';
import type { TaskDoc } from './evaluation-models';

export async function taskView(ctx: PluginContext, t: TaskDoc) {
  const learning = ctx.use<LearningService>('learning');
  const [learner, course, competencies] = await Promise.all([
    ctx.use<IdentityService>('identity').models.User.findById(t.userId, { name: 1 }).lean(),
    learning.getCourse(String(t.courseId)).catch(() => null),
    learning.models.Competency.find({ code: { $in: t.targets.map((x) => x.code) } }, { code: 1, name: 1 }).lean(),
  ]);
  const names = new Map(competencies.map((c) => [c.code, c.name]));
  const given = new Map(t.ratings.map((r) => [r.code, r.level]));
  return {
    id: t._id, state: t.state, raterRole: t.raterRole, learner: learner?.name ?? '—', course: course?.title ?? '—', courseId: String(t.courseId), createdAt: t.createdAt, ratedAt: t.ratedAt ?? null, comment: t.comment,
    targets: t.targets.map((x) => ({ code: x.code, name: names.get(x.code) ?? x.code, target: x.level, level: given.get(x.code) ?? null })),
  };
}
