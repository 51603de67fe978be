/**
 * The demo certificate: the achievement "Pelayanan Publik Prima" (earned by passing the demo quiz,
 * when the quiz plugin left `refs.quizId`) and one certificate for the first demo learner, Muhammad
 * Rizal, signed now; its public verification address is one of the links `seed-demo` prints.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { CertificateOpenBadgesService } from './certificate-services';

export function registerCertificateDemo(ctx: PluginContext, service: () => CertificateOpenBadgesService): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const certificates = service();
    const achievement = await certificates.createAchievement({
      name: 'Pelayanan Publik Prima',
      description: 'Memahami prinsip pelayanan publik, nilai dasar BerAKHLAK, dan standar pelayanan.',
      criteria: 'Lulus Kuis: Pelayanan Publik Prima dengan nilai minimal 60%.',
      competency: { code: 'MNJ-PP', level: 2 }, jp: 2, validityMonths: 36,
      requirements: demo.refs.quizId ? [{ type: 'activity', refId: demo.refs.quizId }] : [],
    }, demo.admin.id);
    const learner = demo.learners[0]!;
    const issued = await certificates.issueNow({ achievementId: String(achievement._id), userId: learner.id, actorId: demo.admin.id, reason: 'Data demo' });
    if (!issued.verifyUrl) return demo;
    return { ...demo, refs: { ...demo.refs, certificateUrl: issued.verifyUrl }, links: [...demo.links, { label: 'Demo certificate (verify without an account)', url: issued.verifyUrl }] };
  }, 30);
}
