/**
 * Demo: Muhammad Rizal is mentored by his direct supervisor, Ir. Andi Mappanyukki; one session is
 * signed off (its JP credited) and one, logged by Rizal, waits for Andi's sign-off.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import { dayIn } from '../../src/learning/zone-time';
import type { MentoringService } from './mentoring-service';

export function registerMentoringDemo(ctx: PluginContext, svc: MentoringService): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const mentee = demo.learners[0];
    if (!mentee || (await svc.currentPairOf(mentee.id))) return demo;
    const now = ctx.clock.now();
    const today = dayIn(now, 'Asia/Jakarta');
    const pair = await svc.createPair(demo.admin, {
      menteeId: mentee.id, mentorId: demo.mentor.id, startsOn: today, endsOn: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
      // Komunikasi is one of Rizal's gaps in the competency demo (level 2 of the 3 his position requires).
      goals: [{ text: 'Komunikasi', competency: 'MNJ-KOM' }, { text: 'Menyusun standar pelayanan unit' }, { text: 'Memimpin rapat koordinasi mingguan' }],
    });
    const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
    const first = await svc.logSession(demo.mentor, String(pair._id), {
      heldAt: daysAgo(7), minutes: 90, topic: 'Memetakan alur layanan', notes: 'Rizal memetakan lima layanan; dua perlu disederhanakan.', clientKey: 'demo-session-1',
    });
    try {
      await svc.confirm(mentee, String(first._id), 'Saya belajar membaca alur layanan dari sisi warga.');
    } catch (e) {
      ctx.log.warn({ err: (e as Error).message }, 'demo mentoring session not signed (JP ledger unavailable)');
    }
    await svc.logSession(mentee, String(pair._id), {
      heldAt: daysAgo(1), minutes: 60, topic: 'Menyusun rancangan standar pelayanan', notes: 'Rancangan pertama selesai; minta masukan tentang waktu layanan.', clientKey: 'demo-session-2',
    });
    demo.links.push({ label: 'Mentoring (Rizal ↔ Andi)', url: `/${ctx.id}/pairs/${pair._id}` });
    return demo;
  }, 50);
}
