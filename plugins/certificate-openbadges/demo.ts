/**
 * The demo certificates: the achievement "Pelayanan Publik Prima", earned by passing the demo quiz
 * (when the quiz plugin left `refs.quizId`). It exists before the demo learners take that quiz
 * (priority 30; the quiz demo's post-test runs at 35), so each pass earns a certificate through the
 * earn rule as in real use. Their issue jobs are run here, with the worker's own processor, so
 * they are signed by the time `seed-demo` prints the first learner's (Muhammad Rizal's) public
 * verification address; the queued jobs then find them issued. Without the quiz plugin, Rizal gets
 * one by hand. The certificate settings get a demo agency and a signatory marked DEMO.
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
    const achievementId = String(achievement._id);
    if (demo.refs.quizId) return { ...demo, refs: { ...demo.refs, achievementId } };
    const issued = await certificates.issueNow({ achievementId, userId: demo.learners[0]!.id, actorId: demo.admin.id, reason: 'Data demo' });
    return withLink(demo, issued.verifyUrl);
  }, 30);

  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    if (!demo.refs.quizId || !demo.refs.achievementId) return demo;
    const { issuing } = service().services;
    for (const learner of demo.learners) await issuing.processIssue({ achievementId: demo.refs.achievementId, userId: learner.id, mode: 'rule' });
    const rizal = await issuing.current(demo.refs.achievementId, demo.learners[0]!.id);
    return withLink(demo, rizal?.state === 'issued' ? issuing.verifyUrl(rizal.code) : null);
  }, 36);
}

function withLink(demo: DemoSeed, verifyUrl: string | null): DemoSeed {
  if (!verifyUrl) return demo;
  return { ...demo, refs: { ...demo.refs, certificateUrl: verifyUrl }, links: [...demo.links, { label: 'Demo certificate (verify without an account)', url: verifyUrl }] };
}
