/**
 * Demo data, seeded once: an admin, a trainer, a mentor, three learners with valid NIPs (one a
 * PPPK), a short Indonesian course "Pelayanan Publik Prima" with a lesson and a 5-question quiz,
 * and an SKD practice course with a CAT exam (src/cli/demo-exam.ts). Re-running finds the admin
 * and does nothing.
 */
import type { Kernel } from '../kernel/kernel';
import { toSessionUser } from '../identity/identity-service';
import type { CertificateOpenBadgesService } from '../../plugins/certificate-openbadges/certificate-services';
import { seedDemoExam } from './demo-exam';

export const DEMO_PASSWORD = 'BinaDemo2026!';

export const DEMO_USERS = [
  { email: 'admin@bina.test', name: 'Admin Bina', roles: ['admin'] as const },
  { nip: '198111032006042001', name: 'Dra. Hasnawati, M.Si. (Widyaiswara)', roles: ['trainer'] as const },
  { nip: '197805122003121002', name: 'Ir. Andi Mappanyukki (Mentor)', roles: ['mentor'] as const },
  { nip: '199001152015031001', name: 'Muhammad Rizal', roles: ['learner'] as const },
  { nip: '199203102019032005', name: 'Siti Nurhaliza', roles: ['learner'] as const },
  { nip: '199406152022211001', name: 'Yohanes Tandi (PPPK)', roles: ['learner'] as const },
];

const LESSON = `# Pelayanan Publik Prima

Pelayanan publik adalah kegiatan dalam rangka pemenuhan kebutuhan pelayanan sesuai peraturan
perundang-undangan bagi setiap warga negara dan penduduk (UU 25/2009).

## Nilai dasar BerAKHLAK
- **Berorientasi Pelayanan** — memahami dan memenuhi kebutuhan masyarakat.
- **Akuntabel** — jujur, bertanggung jawab, cermat, disiplin.
- **Kompeten** — terus belajar dan mengembangkan kapabilitas.
- **Harmonis**, **Loyal**, **Adaptif**, **Kolaboratif**.

## Standar pelayanan
Setiap unit pelayanan wajib menetapkan standar pelayanan: persyaratan, prosedur, waktu, biaya,
produk, sarana, kompetensi pelaksana, dan penanganan pengaduan. Kepuasan masyarakat diukur
sekurang-kurangnya sekali setahun melalui Survei Kepuasan Masyarakat (SKM).
`;

export async function seedDemo(kernel: Kernel): Promise<{ seeded: boolean; courseId?: string; certificateUrl?: string; examUrl?: string; boardUrl?: string }> {
  await kernel.learning.seedCompetencies();
  const existing = await kernel.identity.models.User.findOne({ username: DEMO_USERS[0]!.email }).lean();
  if (existing) return { seeded: false };
  const unit = await kernel.identity.models.Unit.create({ code: 'BKPSDM-MAMUJU', name: 'BKPSDM Kabupaten Mamuju', region: 'Sulawesi Barat' });
  const users = [];
  for (const u of DEMO_USERS) {
    users.push(await kernel.identity.createUser({ ...u, roles: [...u.roles], password: DEMO_PASSWORD, unitId: String(unit._id), timeZone: 'Asia/Makassar' }));
  }
  const trainer = toSessionUser(users[1]!, 'session');
  const now = kernel.k.clock.now();
  const course = await kernel.learning.models.Course.create({
    title: 'Pelayanan Publik Prima',
    description: 'Kursus singkat tentang prinsip pelayanan publik, nilai BerAKHLAK, dan standar pelayanan.',
    jp: 2, competencies: [{ code: 'MNJ-PP', level: 2 }], trainerIds: [users[1]!._id], published: true, createdAt: now, updatedAt: now,
  });
  const courseId = String(course._id);
  const lessons = kernel.k.services.require('activity-lesson').impl as { createLesson(i: { courseId: string; title: string; markdown: string }): Promise<unknown> };
  await lessons.createLesson({ courseId, title: 'Materi: Prinsip Pelayanan Publik', markdown: LESSON });

  const q = (type: string, name: string, stem: string, data: unknown) => kernel.learning.createQuestion(trainer, { type, name, stem, data, courseId });
  const mc = (a: string, b: string, c: string, d: string) => ({ single: true, shuffle: true, options: [
    { id: 'k7', text: a, fraction: 1 }, { id: 'm2', text: b, fraction: 0 }, { id: 'x9', text: c, fraction: 0 }, { id: 'p4', text: d, fraction: 0 },
  ] });
  const questions = [
    await q('multichoice', 'Dasar hukum', 'Undang-undang yang mengatur pelayanan publik adalah…', mc('UU 25/2009', 'UU 5/2014', 'UU 23/2014', 'UU 30/2014')),
    await q('multichoice', 'BerAKHLAK', 'Huruf "B" dalam BerAKHLAK berarti…', mc('Berorientasi Pelayanan', 'Bertanggung jawab', 'Berintegritas', 'Bersih')),
    await q('truefalse', 'SKM', 'Survei Kepuasan Masyarakat dilakukan sekurang-kurangnya sekali setahun.', { correct: true }),
    await q('truefalse', 'Biaya', 'Unit pelayanan tidak perlu mencantumkan biaya dalam standar pelayanan.', { correct: false }),
    await q('multichoice', 'Kompeten', 'Perilaku yang sesuai nilai "Kompeten" adalah…', mc('Terus belajar dan mengembangkan kapabilitas', 'Menunda pekerjaan', 'Menolak perubahan', 'Bekerja sendiri')),
  ];
  const quizzes = kernel.k.services.require('activity-quiz').impl as { createQuiz(u: unknown, i: unknown): Promise<unknown> };
  const quiz = (await quizzes.createQuiz(trainer, {
    courseId, title: 'Kuis: Pelayanan Publik Prima', intro: 'Lima soal singkat. Nilai lulus 60%.', attemptsAllowed: 3, shuffleQuestions: true, passPercent: 60,
    review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'after_close' },
    questions: questions.map((x) => ({ questionId: String(x._id) })),
  })) as { _id: unknown };
  const exam = await seedDemoExam(kernel, trainer, users.slice(3).map((u) => toSessionUser(u, 'session')));
  const site = kernel.k.config.PUBLIC_URL;
  return {
    seeded: true, courseId,
    certificateUrl: await seedDemoCertificate(kernel, String(quiz._id), String(users[0]!._id), String(users[3]!._id)),
    ...(exam ? { examUrl: `${site}${exam.examPath}`, boardUrl: `${site}${exam.boardPath}` } : {}),
  };
}

/**
 * Certificates (issue 5): the achievement "Pelayanan Publik Prima" (earned by passing the quiz)
 * and one certificate for the first demo learner, Muhammad Rizal, signed now in this process.
 * Returns its public verification URL; nothing happens when certificate-openbadges is off.
 */
async function seedDemoCertificate(kernel: Kernel, quizId: string, adminId: string, learnerId: string): Promise<string | undefined> {
  const certificates = kernel.k.services.get('certificate-openbadges')?.impl as CertificateOpenBadgesService | undefined;
  if (!certificates) return undefined;
  const achievement = await certificates.createAchievement({
    name: 'Pelayanan Publik Prima',
    description: 'Memahami prinsip pelayanan publik, nilai dasar BerAKHLAK, dan standar pelayanan.',
    criteria: 'Lulus Kuis: Pelayanan Publik Prima dengan nilai minimal 60%.',
    competency: { code: 'MNJ-PP', level: 2 }, jp: 2, validityMonths: 36,
    requirements: [{ type: 'quiz', refId: quizId }],
  }, adminId);
  const issued = await certificates.issueNow({ achievementId: String(achievement._id), userId: learnerId, actorId: adminId, reason: 'Data demo' });
  return issued.verifyUrl ?? undefined;
}
