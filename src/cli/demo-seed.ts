/**
 * Demo data, seeded once: an admin, a trainer, a mentor, three learners with valid NIPs (one a
 * PPPK) and the course "Pelayanan Publik Prima"; the plugins add the rest through the hook in
 * src/learning/demo.ts (a lesson and a quiz in that course, a signed certificate, an SKD practice
 * course with a CAT exam). Re-running finds the admin and does nothing but return the links.
 */
import type { Kernel } from '../host/kernel';
import { toSessionUser } from '../identity/identity-service';
import { DEMO_SEED_HOOK, type DemoSeed } from '../learning/demo';

export const DEMO_PASSWORD = 'BinaDemo2026!';

export const DEMO_USERS = [
  { email: 'admin@bina.test', name: 'Admin Bina', roles: ['admin'] as const },
  { nip: '198111032006042001', name: 'Dra. Hasnawati, M.Si. (Widyaiswara)', roles: ['trainer'] as const },
  { nip: '197805122003121002', name: 'Ir. Andi Mappanyukki (Mentor)', roles: ['mentor'] as const },
  { nip: '199001152015031001', name: 'Muhammad Rizal', roles: ['learner'] as const },
  { nip: '199203102019032005', name: 'Siti Nurhaliza', roles: ['learner'] as const },
  { nip: '199406152022211001', name: 'Yohanes Tandi (PPPK)', roles: ['learner'] as const },
];

const LINKS_ID = 'links';

/** Where the links of a past seeding are kept, so a later `seed-demo` (every `npm start`) prints them again. */
function linksStore(kernel: Kernel) {
  return kernel.k.conn.collection<{ _id: string; links: DemoSeed['links'] }>('core_demo');
}

export interface DemoResult {
  seeded: boolean;
  courseId?: string;
  /** What the plugins' demos left (e.g. `quizId`, `examId`, `certificateUrl`). */
  refs: Record<string, string>;
  /** Absolute addresses to print, in order. */
  links: Array<{ label: string; url: string }>;
}

export async function seedDemo(kernel: Kernel): Promise<DemoResult> {
  await kernel.learning.seedCompetencies();
  const absolute = (links: DemoSeed['links']) => links.map((l) => ({ label: l.label, url: l.url.startsWith('/') ? `${kernel.k.config.PUBLIC_URL}${l.url}` : l.url }));
  const existing = await kernel.identity.models.User.findOne({ username: DEMO_USERS[0]!.email }).lean();
  if (existing) return { seeded: false, refs: {}, links: absolute((await linksStore(kernel).findOne({ _id: LINKS_ID }))?.links ?? []) };
  const unit = await kernel.identity.models.Unit.create({ code: 'BKPSDM-MAMUJU', name: 'BKPSDM Kabupaten Mamuju', region: 'Sulawesi Barat' });
  const users = [];
  for (const u of DEMO_USERS) {
    users.push(await kernel.identity.createUser({ ...u, roles: [...u.roles], password: DEMO_PASSWORD, unitId: String(unit._id), timeZone: 'Asia/Makassar' }));
  }
  const [admin, trainer, mentor, ...learners] = users.map((u) => toSessionUser(u, 'session'));
  const now = kernel.k.clock.now();
  const course = await kernel.learning.models.Course.create({
    title: 'Pelayanan Publik Prima',
    description: 'Kursus singkat tentang prinsip pelayanan publik, nilai BerAKHLAK, dan standar pelayanan.',
    jp: 2, competencies: [{ code: 'MNJ-PP', level: 2 }], trainerIds: [users[1]!._id], published: true, createdAt: now, updatedAt: now,
  });
  const courseId = String(course._id);
  // Each active plugin adds its part (src/learning/demo.ts).
  const demo = await kernel.k.hooks.run<DemoSeed>(DEMO_SEED_HOOK, { admin: admin!, trainer: trainer!, mentor: mentor!, learners, unitId: String(unit._id), courseId, refs: {}, links: [] });
  await linksStore(kernel).updateOne({ _id: LINKS_ID }, { $set: { links: demo.links } }, { upsert: true });
  return { seeded: true, courseId, refs: demo.refs, links: absolute(demo.links) };
}
