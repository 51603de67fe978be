/**
 * Demo service units (priority 50): the BKPSDM's staffing service, moderated by its head, and the
 * education office's teacher service, with the demo mentor as a listed moderator, each with two
 * periods of survey answers (an IKM and a trend). Their ids go to `refs` for the feedback's demo.
 */
import type { Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { SkmResponses } from './skm-responses';
import type { ServiceUnitDoc } from './service-units';

export const DEMO_UNITS = [
  { slug: 'bkpsdm-layanan-kepegawaian', name: 'Layanan Kepegawaian BKPSDM Kabupaten Mamuju', code: 'BKPSDM-MAMUJU' },
  { slug: 'disdik-layanan-ptk', name: 'Layanan Pendidik dan Tenaga Kependidikan Dinas Pendidikan', code: 'DISDIK-MAMUJU' },
] as const;


const DAY = 24 * 3600 * 1000;

/**
 * Answers of one demo respondent: each element's score around `level` (a per-element mean, 1–4),
 * from a small deterministic generator so the demo's IKM is the same on every seed.
 */
function demoScores(levels: readonly number[], seed: number): number[] {
  let x = seed * 2654435761 % 4294967296;
  return levels.map((level) => {
    x = (x * 1664525 + 1013904223) % 4294967296;
    const r = x / 4294967296;
    return Math.max(1, Math.min(4, Math.round(level + (r - 0.5) * 1.6)));
  });
}

/** Per unit: the element means of the earlier and the current period, and how many answered. */
const DEMO_ANSWERS = [
  { earlier: { n: 30, levels: [3.1, 2.8, 2.6, 3.6, 3.0, 3.1, 3.2, 2.9, 2.7] }, current: { n: 42, levels: [3.3, 3.1, 3.0, 3.7, 3.2, 3.3, 3.4, 3.0, 3.1] } },
  { earlier: { n: 24, levels: [3.0, 2.9, 2.7, 3.5, 3.0, 2.6, 2.5, 2.8, 2.8] }, current: { n: 28, levels: [3.1, 3.0, 2.9, 3.6, 3.0, 2.5, 2.6, 2.9, 3.0] } },
];
const PROFILES = [
  { ageBand: '20-29', sex: 'f', education: 's1', occupation: 'asn' },
  { ageBand: '30-39', sex: 'm', education: 'sma', occupation: 'wirausaha' },
  { ageBand: '40-49', sex: 'f', education: 'diploma', occupation: 'swasta' },
  {},
  { ageBand: '50-59', sex: 'm', education: 's2', occupation: 'asn' },
];

export function registerSkmDemo(ctx: PluginContext, Unit: Model<ServiceUnitDoc>, responses: SkmResponses, periodAt: (at: Date) => string): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const { Unit: CoreUnit } = ctx.use<IdentityService>('identity').models;
    const created: ServiceUnitDoc[] = [];
    for (const [i, u] of DEMO_UNITS.entries()) {
      const core = await CoreUnit.findOne({ code: u.code }, { _id: 1 }).lean();
      const doc = await Unit.create({ slug: u.slug, name: u.name, coreUnitId: core?._id, serviceStandardDays: 5, moderatorIds: i === 1 ? [demo.mentor.id] : [], createdAt: ctx.clock.now() });
      created.push(doc.toObject());
      demo.refs[`skmUnit${i + 1}`] = String(doc._id);
    }
    // Two periods of answers per unit: the one before and the current one.
    const now = ctx.clock.now().getTime();
    for (const [i, unit] of created.entries()) {
      for (const [which, back] of [['earlier', 183], ['current', 0]] as const) {
        const spec = DEMO_ANSWERS[i]![which];
        const at = new Date(now - back * DAY);
        for (let k = 0; k < spec.n; k++) {
          const scores = demoScores(spec.levels, (i + 1) * 1000 + (back ? 500 : 0) + k);
          await responses.record({ serviceUnitId: String(unit._id), period: periodAt(at), scores, profile: PROFILES[k % PROFILES.length]!, at: new Date(at.getTime() - k * 3600 * 1000), deviceHash: `demo-${i}-${which}-${k}` });
        }
      }
    }
    demo.links.push({ label: 'Layanan publik (SKM, saran dan pengaduan)', url: `/${ctx.id}/` });
    return demo;
  }, 50);
}
