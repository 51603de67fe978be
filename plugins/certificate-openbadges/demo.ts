/**
 * The demo certificate: the achievement "Pelayanan Publik Prima" (earned by passing the demo quiz,
 * when the quiz plugin left `refs.quizId`) and one certificate for the first demo learner, Muhammad
 * Rizal, signed now; its public verification address is one of the links `seed-demo` prints. The
 * certificate settings get a demo agency and a signatory marked DEMO.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { CertificateOpenBadgesService } from './certificate-services';

export function registerCertificateDemo(ctx: PluginContext, service: () => CertificateOpenBadgesService): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const certificates = service();
    // The demo agency prints a register number and a signatory that say they are a demo: a fresh
    // install without the demo has no signatory at all (agency-settings.ts).
    const configured = await certificates.services.agency.get();
    await certificates.services.agency.save({
      // An issuer name set in the plugin's settings stays; the default one becomes the demo agency.
      issuerName: configured.issuerName !== 'Bina' ? configured.issuerName : 'BKPSDM Kabupaten Mamuju (Demo)',
      place: configured.place || 'Mamuju',
      registerPattern: '800/{seq}/BKPSDM/{yyyy}',
      signatory: { name: 'Dr. Muhammad Yusuf, S.STP., M.Si. (DEMO)', nip: '197203151998031003', position: 'Kepala BKPSDM Kabupaten Mamuju (contoh data demo)' },
      demo: true,
    }, new Date());
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
