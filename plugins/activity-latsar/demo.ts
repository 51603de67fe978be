/**
 * Demo: Yohanes Tandi (PPPK) in Latsar with the demo mentor as mentor, the demo trainer as coach
 * and the admin as penguji; his actualisation plan is uploaded and under the coach's review.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { LatsarService } from './latsar-service';

const PLAN = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

export function registerLatsarDemo(ctx: PluginContext, svc: LatsarService): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const who = demo.learners[2];
    if (!who || (await svc.Participant.exists({ userId: who.id }))) return demo;
    const p = await svc.enrol(demo.admin, { userId: who.id, cohort: 'Latsar CPNS/PPPK 2026 Angkatan I', mentorId: demo.mentor.id, coachId: demo.trainer.id, pengujiId: demo.admin.id });
    async function* body() { yield PLAN; }
    await svc.upload(who, String(p._id), 'plan', 'Rancangan Aktualisasi - Yohanes Tandi.pdf', body(), PLAN.length);
    await svc.comment(demo.trainer, String(p._id), 'Isu yang diangkat sudah tepat; perjelas kegiatan 3 dan keterkaitannya dengan nilai Akuntabel.');
    demo.links.push({ label: 'Latsar (Yohanes Tandi)', url: `/${ctx.id}/participants/${p._id}` });
    return demo;
  }, 60);
}
