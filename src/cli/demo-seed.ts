/**
 * Demo data, seeded once: an admin, a trainer, a mentor, three learners with valid NIPs (one a
 * PPPK) and the course "Pelayanan Publik Prima"; the plugins add the rest through the hook in
 * src/learning/demo.ts (a lesson and a quiz in that course, a signed certificate, an SKD practice
 * course with a CAT exam). Re-running finds the admin and does nothing but return the links.
 */
import { seedJpDemo } from '../learning/jp-ledger/jp-demo';
import type { Kernel } from '../host/kernel';
import type { FunctionalLevel, PositionType } from '../identity/asn-lists';
import type { NewUser } from '../identity/user-fields';
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

/** The agency's unit tree: the instansi, its BKPSDM with one bidang, and a dinas. */
const DEMO_UNITS = [
  { code: 'PEMKAB-MAMUJU', name: 'Pemerintah Kabupaten Mamuju', region: 'Sulawesi Barat' },
  { code: 'BKPSDM-MAMUJU', name: 'BKPSDM Kabupaten Mamuju', region: 'Sulawesi Barat', parent: 'PEMKAB-MAMUJU' },
  { code: 'BKPSDM-BANGKOM', name: 'Bidang Pengembangan Kompetensi', region: 'Sulawesi Barat', parent: 'BKPSDM-MAMUJU' },
  { code: 'DISDIK-MAMUJU', name: 'Dinas Pendidikan dan Kebudayaan', region: 'Sulawesi Barat', parent: 'PEMKAB-MAMUJU' },
];

/** SIASN-style fields of the demo users above, by username: unit, golongan, position, supervisor, unit head. */
const DEMO_FIELDS: Record<string, { unit: string; golongan?: string; positionName?: string; positionType?: PositionType; functionalLevel?: FunctionalLevel; supervisor?: string; heads?: string }> = {
  '198111032006042001': { unit: 'BKPSDM-BANGKOM', golongan: 'IV/a', positionName: 'Widyaiswara Ahli Madya', positionType: 'fungsional', functionalLevel: 'ahli-madya', supervisor: '197805122003121002' },
  '197805122003121002': { unit: 'BKPSDM-BANGKOM', golongan: 'III/d', positionName: 'Kepala Bidang Pengembangan Kompetensi', positionType: 'administrator', supervisor: '197203151998031003', heads: 'BKPSDM-BANGKOM' },
  '199001152015031001': { unit: 'BKPSDM-BANGKOM', golongan: 'III/a', positionName: 'Analis SDM Aparatur', positionType: 'fungsional', functionalLevel: 'ahli-pertama', supervisor: '197805122003121002' },
  '199203102019032005': { unit: 'BKPSDM-MAMUJU', golongan: 'III/b', positionName: 'Pengelola Data Kepegawaian', positionType: 'pelaksana', supervisor: '197203151998031003' },
  '199406152022211001': { unit: 'DISDIK-MAMUJU', golongan: 'IX', positionName: 'Guru Ahli Pertama', positionType: 'fungsional', functionalLevel: 'ahli-pertama', supervisor: '198805202011012004' },
};

/** More demo people, with every SIASN field: the head of BKPSDM (a unit head), a teacher, a PPPK. */
export const DEMO_PEOPLE = [
  { nip: '197203151998031003', frontTitle: 'Dr.', name: 'Muhammad Yusuf', backTitle: 'S.STP., M.Si.', roles: ['learner'] as const, unit: 'BKPSDM-MAMUJU', heads: 'BKPSDM-MAMUJU', golongan: 'IV/b', positionName: 'Kepala BKPSDM', positionType: 'jpt-pratama', phone: '0426 21000' },
  { nip: '198805202011012004', name: 'Rina Kartika', backTitle: 'S.Pd.', roles: ['learner'] as const, unit: 'DISDIK-MAMUJU', golongan: 'III/c', positionName: 'Guru Ahli Muda', positionType: 'fungsional', functionalLevel: 'ahli-muda' },
  { nip: '199107182023211005', name: 'Agus Salim', roles: ['learner'] as const, unit: 'BKPSDM-BANGKOM', golongan: 'IX', positionName: 'Penata Layanan Operasional', positionType: 'pelaksana', supervisor: '197805122003121002' },
] satisfies ReadonlyArray<Omit<NewUser, 'password' | 'roles'> & { roles: readonly ['learner']; unit: string; heads?: string; supervisor?: string }>;

const LINKS_ID = 'links';

/** Where the links of a past seeding are kept, so a later `seed-demo` (every `npm start`) prints them again. */
function linksStore(kernel: Kernel) {
  return kernel.services.conn.collection<{ _id: string; links: DemoSeed['links'] }>('core_demo');
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
  const absolute = (links: DemoSeed['links']) => links.map((l) => ({ label: l.label, url: l.url.startsWith('/') ? `${kernel.services.config.PUBLIC_URL}${l.url}` : l.url }));
  const existing = await kernel.identity.models.User.findOne({ username: DEMO_USERS[0]!.email }).lean();
  if (existing) return { seeded: false, refs: {}, links: absolute((await linksStore(kernel).findOne({ _id: LINKS_ID }))?.links ?? []) };
  const { User, Unit } = kernel.identity.models;
  const unitIds = new Map<string, string>();
  for (const u of DEMO_UNITS) {
    const created = await Unit.create({ code: u.code, name: u.name, region: u.region, ...(u.parent ? { parentId: unitIds.get(u.parent) } : {}) });
    unitIds.set(u.code, String(created._id));
  }
  const unit = { _id: unitIds.get('BKPSDM-MAMUJU')! };
  const users = [];
  for (const u of DEMO_USERS) {
    const f = DEMO_FIELDS[(u as { nip?: string }).nip ?? ''];
    users.push(await kernel.identity.createUser({ ...u, roles: [...u.roles], password: DEMO_PASSWORD, unitId: unitIds.get(f?.unit ?? 'BKPSDM-MAMUJU'), timeZone: kernel.services.config.BINA_DEFAULT_TIMEZONE, ...(f ? { golongan: f.golongan, positionName: f.positionName, positionType: f.positionType, functionalLevel: f.functionalLevel } : {}) }));
  }
  for (const { unit: unitCode, heads: _h, supervisor: _s, ...p } of DEMO_PEOPLE) {
    await kernel.identity.createUser({ ...p, roles: [...p.roles], password: DEMO_PASSWORD, unitId: unitIds.get(unitCode), timeZone: kernel.services.config.BINA_DEFAULT_TIMEZONE });
  }
  // Supervisors and unit heads once everyone exists.
  const links = [...Object.entries(DEMO_FIELDS), ...DEMO_PEOPLE.map((p) => [p.nip, p] as const)] as Array<[string, { supervisor?: string; heads?: string }]>;
  for (const [username, f] of links) {
    const supervisor = f.supervisor ? await User.findOne({ username: f.supervisor }, { _id: 1 }).lean() : null;
    const $set = { ...(supervisor ? { supervisorId: supervisor._id } : {}), ...(f.heads ? { unitHeadOf: [unitIds.get(f.heads)] } : {}) };
    if (Object.keys($set).length) await User.updateOne({ username }, { $set });
  }
  const [admin, trainer, mentor, ...learners] = users.map((u) => toSessionUser(u, 'session'));
  const now = kernel.services.clock.now();
  const course = await kernel.learning.models.Course.create({
    title: 'Pelayanan Publik Prima',
    description: 'Kursus singkat tentang prinsip pelayanan publik, nilai BerAKHLAK, dan standar pelayanan.',
    jp: 2, competencies: [{ code: 'MNJ-PP', level: 2 }], trainerIds: [users[1]!._id], published: true, createdAt: now, updatedAt: now,
  });
  const courseId = String(course._id);
  // Each active plugin adds its part (src/learning/demo.ts).
  const demo = await kernel.services.hooks.run<DemoSeed>(DEMO_SEED_HOOK, { admin: admin!, trainer: trainer!, mentor: mentor!, learners, unitId: String(unit._id), courseId, refs: {}, lessons: [], links: [] });
  demo.links.push(...(await seedJpDemo(kernel.jp, async (username) => {
    const u = await User.findOne({ username }, { _id: 1 }).lean();
    return u ? kernel.identity.findSessionUser(String(u._id), 'session') : undefined;
  })));
  await linksStore(kernel).updateOne({ _id: LINKS_ID }, { $set: { links: demo.links } }, { upsert: true });
  return { seeded: true, courseId, refs: demo.refs, links: absolute(demo.links) };
}
