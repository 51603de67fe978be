/**
 * An issued certificate credits its JP to the holder's ledger through `ctx.jp.credit`, counted
 * once per learning (ADR 0043): a certificate earned through a course (the course itself, or a
 * quiz or exam in it) names the course's learning, so it adds nothing to a course already credited
 * and the course adds nothing after it; a certificate of an achievement that attests a learning
 * another plugin credits (an event's attendance) names that learning; a certificate given by hand
 * names its achievement, so a re-issue or a replacement is not counted again.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { courseLearningKey } from '../../src/learning/jp-ledger/jp-ledger';
import type { LearningService } from '../../src/learning/learning-service';
import type { CertificateDoc, EarningDoc } from './certificate-models';

export async function creditCertificateJp(ctx: PluginContext, learning: LearningService, c: CertificateDoc, earned: EarningDoc | undefined, attests: string | undefined): Promise<void> {
  if (!(c.achievement.jp > 0)) return;
  let courseId: string | undefined;
  if (earned?.type === 'course') courseId = earned.refId;
  else if (earned?.type === 'activity') {
    const activity = await learning.models.Activity.findOne({ refId: earned.refId }, { courseId: 1 }).lean();
    courseId = activity ? String(activity.courseId) : undefined;
  }
  await ctx.jp.credit({
    userId: String(c.userId), source: 'certificate', sourceId: String(c._id),
    learningKey: attests ?? (courseId ? courseLearningKey(courseId) : `achievement:${String(c.achievementId)}`),
    title: c.achievement.name, kind: courseId ? 'e-learning' : 'pelatihan', provider: c.render.issuerName,
    startDate: c.issuedAt, endDate: c.issuedAt, jp: c.achievement.jp, evidence: { kind: 'record', ref: `/verify/${c.code}` },
  });
}
