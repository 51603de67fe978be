/**
 * Demo feedback (priority 55, after survey-skm's service units): published items with the units'
 * answers, one closed, one still open, one answered late, and one waiting in the moderation queue.
 */
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { FeedbackDoc } from './feedback-items';
import { maskPersonalData } from './mask';

const DAY = 24 * 3600 * 1000;

export function registerFeedbackDemo(ctx: PluginContext, Item: Model<FeedbackDoc>): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const u1 = demo.refs.skmUnit1;
    const u2 = demo.refs.skmUnit2;
    if (!u1 || !u2) return demo;
    const now = ctx.clock.now().getTime();
    const { User } = ctx.use<IdentityService>('identity').models;
    const siti = demo.learners[1]!;
    const rina = await User.findOne({ nip: '198805202011012004' }, { name: 1 }).lean();
    const answer = (who: { id: string; name: string }, text: string, daysAgo: number) => ({ authorId: new Types.ObjectId(who.id), authorName: who.name, text, at: new Date(now - daysAgo * DAY) });
    const rinaRef = rina ? { id: String(rina._id), name: rina.name } : { id: demo.mentor.id, name: demo.mentor.name };
    const items: Array<Partial<FeedbackDoc> & { text: string; unit: string; daysAgo: number }> = [
      { unit: u1, kind: 'complaint', text: 'Pengurusan kenaikan pangkat saya tertunda dua bulan tanpa kabar. Bisa dihubungi di 0812-4455-6677.', daysAgo: 20, status: 'closed', answers: [answer(siti, 'Mohon maaf atas keterlambatannya. Berkas Bapak sudah kami proses dan SK terbit minggu ini.', 17)] },
      { unit: u1, kind: 'suggestion', text: 'Sebaiknya ada nomor antrean daring supaya kami tidak menunggu lama di kantor.', daysAgo: 12, status: 'answered', answers: [answer(siti, 'Terima kasih sarannya. Antrean daring sedang kami siapkan bersama Diskominfo.', 10)] },
      { unit: u1, kind: 'praise', text: 'Petugas loket sangat ramah dan membantu mengisi formulir cuti.', daysAgo: 6, status: 'open', answers: [] },
      { unit: u2, kind: 'complaint', text: 'Tunjangan profesi guru triwulan lalu belum cair di sekolah kami.', daysAgo: 25, status: 'answered', answers: [answer(rinaRef, 'Pencairan tertunda karena verifikasi data. Sudah kami selesaikan; dana cair akhir bulan ini.', 14)] },
      { unit: u2, kind: 'suggestion', text: 'Mohon jadwal uji kompetensi guru diumumkan lebih awal.', daysAgo: 3, status: 'open', answers: [] },
    ];
    for (const it of items) {
      const submittedAt = new Date(now - it.daysAgo * DAY);
      await Item.create({
        serviceUnitId: new Types.ObjectId(it.unit),
        kind: it.kind,
        text: it.text,
        publicText: maskPersonalData(it.text),
        privacy: 'anonim',
        moderation: 'published',
        moderatedAt: submittedAt,
        status: it.status,
        answers: it.answers,
        firstAnswerAt: it.answers?.[0]?.at,
        closedAt: it.status === 'closed' ? new Date(now - 15 * DAY) : undefined,
        submittedAt,
        deviceHash: `demo-${it.unit}-${it.daysAgo}`,
      });
    }
    await Item.create({ serviceUnitId: new Types.ObjectId(u1), kind: 'complaint', text: 'Ruang tunggu panas, kipas angin rusak. Email saya warga.mamuju@example.id', publicText: maskPersonalData('Ruang tunggu panas, kipas angin rusak. Email saya warga.mamuju@example.id'), contact: 'warga.mamuju@example.id', privacy: 'anonim', moderation: 'pending', status: 'open', answers: [], submittedAt: new Date(now - DAY), deviceHash: `demo-${u1}-pending` });
    demo.links.push({ label: 'Saran dan pengaduan BKPSDM', url: `/${ctx.id}/u/bkpsdm-layanan-kepegawaian` });
    return demo;
  }, 55);
}
