/**
 * Demo of a course's four-level evaluation on "Pelayanan Publik Prima" (after the quiz demo, which
 * left a pre-test and a post-test taken by the three demo learners):
 * - level 2: the two quizzes paired, so the gains show;
 * - level 1: the survey offered to the three learners (as a completion would), Siti and Yohanes answered;
 * - level 3: Rizal's supervisor Andi rated him; Siti's rating waits for Dr. Yusuf;
 * - level 4: SKP ratings of last year and this year for the learners and their units' others.
 * The learners do not complete the course here, so the JP, certificate and competency demos keep
 * their own figures; the offers stand in for completions (skp-service.ts counts them as such).
 */
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { Evaluation } from './index';
import { ofCourse } from './reaction-service';

const SKP: Array<[nip: string, before: string, after: string]> = [
  // The course's learners: results and behaviour, last year → this year.
  ['199001152015031001', 'meets,meets', 'above,above'],
  ['199203102019032005', 'meets,meets', 'above,meets'],
  ['199406152022211001', 'below,meets', 'meets,meets'],
  // Others of the same units who did not take it.
  ['197805122003121002', 'above,meets', 'above,meets'],
  ['199107182023211005', 'meets,meets', 'meets,meets'],
  ['198111032006042001', 'meets,above', 'meets,meets'],
  ['197203151998031003', 'above,above', 'above,above'],
];

export function registerEvaluationDemo(ctx: PluginContext, ev: Evaluation): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const learning = ctx.use<LearningService>('learning');
    const course = await learning.getCourse(demo.courseId);
    const acts = await learning.activities(demo.courseId);
    const pre = acts.find((a) => a.refId === demo.refs.preTestQuizId);
    const post = acts.find((a) => a.refId === demo.refs.quizId);
    if (pre && post) await ev.gain.configure(demo.courseId, { preActivityId: String(pre._id), postActivityId: String(post._id), anonymous: true });

    const [rizal, siti, yohanes] = demo.learners;
    for (const l of demo.learners) await ev.reaction.offer(ofCourse(demo.courseId), l.id, course.title);
    const level = (n: number) => Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`q_s${i + 1}`, String(n - (i % 2))]));
    // Siti and Yohanes answered; Rizal finds the survey on the course page and in his inbox.
    if (siti) await ev.reaction.submit(siti, ofCourse(demo.courseId), level(5), 'Contoh kasus pelayanan di Mamuju sangat membantu.', 'id');
    if (yohanes) await ev.reaction.submit(yohanes, ofCourse(demo.courseId), level(4), 'Mohon tambah latihan menyusun standar pelayanan.', 'id');

    if (rizal) {
      await ev.behaviour.createTask(demo.courseId, rizal.id);
      await ev.behaviour.rate(demo.mentor, `${demo.courseId}-${rizal.id}`, { 'MNJ-PP': 3 }, 'Rizal kini menjawab pertanyaan warga lebih cepat dan ramah.').catch((e: Error) => ctx.log.warn({ err: e.message }, 'demo behaviour rating not recorded'));
    }
    if (siti) await ev.behaviour.createTask(demo.courseId, siti.id);

    const year = Number(new Date(ctx.clock.now()).getUTCFullYear());
    const rows = SKP.flatMap(([nip, before, after]) => [`${nip},${year - 1},${before}`, `${nip},${year},${after}`]);
    await ev.skp.import(`nip,period,results,behaviour\n${rows.join('\n')}\n`, 'id', demo.admin.id);

    demo.links.push({ label: 'Evaluasi pelatihan empat level (Pelayanan Publik Prima)', url: `/${ctx.id}/courses/${demo.courseId}` });
    return demo;
  }, 60);
}
