/**
 * Demo: an upcoming two-day workshop by an external provider (Universitas Tadulako), organised by
 * the demo trainer as the provider's staff, with Siti Nurhaliza registered.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { EventService } from './event-service';

export function registerEventDemo(ctx: PluginContext, events: EventService): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    if (await events.Provider.exists({ name: 'Universitas Tadulako' })) return demo;
    const provider = await events.createProvider(demo.admin, { name: 'Universitas Tadulako', kind: 'external', staffIds: [demo.trainer.id] });
    const day = 86_400_000;
    const base = new Date(Math.floor(ctx.clock.now().getTime() / day) * day + 14 * day + 1 * 3600_000); // 09:00 WITA, in two weeks
    const at = (d: number, h: number) => new Date(base.getTime() + d * day + h * 3600_000).toISOString();
    const e = await events.createEvent(demo.trainer, {
      providerId: String(provider._id), title: 'Workshop Penyusunan Standar Pelayanan', kind: 'workshop', jp: 8, capacity: 30, minAttendancePct: 100,
      description: 'Dua hari praktik menyusun standar pelayanan bersama dosen administrasi publik Universitas Tadulako.',
      competencies: ['MNJ-PP'], published: true,
      sessions: [
        { startsAt: at(0, 0), endsAt: at(0, 4), place: 'Aula BKPSDM Kabupaten Mamuju', link: '' },
        { startsAt: at(1, 0), endsAt: at(1, 4), place: 'Aula BKPSDM Kabupaten Mamuju', link: 'https://meet.example.go.id/standar-pelayanan' },
      ],
    });
    const siti = demo.learners[1];
    if (siti) await events.register(siti, String(e._id));
    demo.links.push({ label: 'Workshop (Universitas Tadulako)', url: `/${ctx.id}/events/${e._id}` });
    return demo;
  }, 55);
}
