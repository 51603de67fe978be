/**
 * The competency part of the demo (through the demo hook, src/learning/demo.ts): two teknis
 * competencies, the demo people's positions with standards, courses tagged with the competencies
 * they lack, evidence from supervisors, an assessor, certificates and self-assessments, and plans
 * (Muhammad Rizal's waiting for his supervisor, Siti Nurhaliza's approved), so every competency page
 * has content for a new user. Agus Salim has gaps and no plan yet: the one to draft a plan with.
 * The courses' titles sort after the two main demo courses, so lists (and the page sweep, which
 * opens the first course links it meets) come to those first; each has a short lesson.
 */
import { Types } from 'mongoose';
import type { IdentityModels } from '../../identity/identity-models';
import type { LearningModels } from '../learning-models';
import type { DemoSeed } from '../demo';
import type { Clock } from '../../kernel/clock';
import { positionKey } from './competency-models';
import type { CompetencyService } from './competency-service';
import { yearIn } from '../jp-ledger/jp-year';

const TEKNIS = [
  { code: 'TEK-MSDM', name: 'Manajemen SDM Aparatur', description: 'Merencanakan, mengembangkan dan mengevaluasi sumber daya manusia aparatur sesuai peraturan kepegawaian.', levels: ['Memahami peraturan dasar kepegawaian.', 'Menerapkan prosedur kepegawaian rutin.', 'Menganalisis kebutuhan dan kesenjangan SDM unit kerja.', 'Merancang program pengembangan SDM instansi.', 'Menetapkan kebijakan manajemen SDM instansi.'] },
  { code: 'TEK-SIASN', name: 'Pengelolaan Data Kepegawaian (SIASN)', description: 'Mengelola data kepegawaian di SIASN secara akurat dan tepat waktu.', levels: ['Memasukkan data sesuai petunjuk.', 'Memvalidasi data riwayat pegawai.', 'Menyelesaikan ketidaksesuaian data antarunit.', 'Menyusun laporan dan analisis data kepegawaian.', 'Merancang tata kelola data kepegawaian instansi.'] },
];

const S = (pairs: Record<string, number>) => Object.entries(pairs).map(([competency, required]) => ({ competency, required }));

/** Positions of the demo people (by the names demo-seed gives them). */
const POSITIONS = [
  { code: 'ANALIS-SDM-AP', name: 'Analis SDM Aparatur', standard: S({ 'MNJ-INT': 3, 'MNJ-KS': 3, 'MNJ-KOM': 3, 'MNJ-OPH': 3, 'MNJ-PP': 3, 'MNJ-PDO': 2, 'MNJ-MP': 2, 'MNJ-PK': 2, 'SK-PB': 3, 'TEK-MSDM': 3 }) },
  { code: 'PENGELOLA-DATA', name: 'Pengelola Data Kepegawaian', standard: S({ 'MNJ-INT': 2, 'MNJ-KS': 2, 'MNJ-KOM': 2, 'MNJ-OPH': 2, 'MNJ-PP': 2, 'MNJ-PDO': 1, 'MNJ-MP': 1, 'MNJ-PK': 1, 'SK-PB': 2, 'TEK-SIASN': 3 }) },
  { code: 'GURU-AP', name: 'Guru Ahli Pertama', standard: S({ 'MNJ-INT': 2, 'MNJ-KS': 2, 'MNJ-KOM': 2, 'MNJ-OPH': 2, 'MNJ-PP': 2, 'MNJ-PDO': 2, 'MNJ-MP': 1, 'MNJ-PK': 1, 'SK-PB': 2 }) },
  { code: 'PENATA-LAYANAN', name: 'Penata Layanan Operasional', standard: S({ 'MNJ-INT': 2, 'MNJ-KS': 2, 'MNJ-KOM': 2, 'MNJ-OPH': 2, 'MNJ-PP': 2, 'MNJ-PDO': 1, 'MNJ-MP': 1, 'MNJ-PK': 1, 'SK-PB': 2 }) },
  { code: 'KABID-BANGKOM', name: 'Kepala Bidang Pengembangan Kompetensi', standard: S({ 'MNJ-INT': 4, 'MNJ-KS': 4, 'MNJ-KOM': 4, 'MNJ-OPH': 4, 'MNJ-PP': 4, 'MNJ-PDO': 4, 'MNJ-MP': 3, 'MNJ-PK': 3, 'SK-PB': 3, 'TEK-MSDM': 4 }) },
];

/** The courses recommended for the demo people's gaps, each with a short lesson (written by the lesson plugin). */
const COURSES = [
  {
    title: 'Teknik Komunikasi Efektif di Tempat Kerja', description: 'Menyampaikan gagasan dengan jelas, mendengarkan aktif, dan menulis nota dinas yang ringkas.', jp: 6, competencies: [{ code: 'MNJ-KOM', level: 3 }],
    lesson: ['Materi: Komunikasi yang Jelas dan Santun', '# Komunikasi efektif\n\n## Mendengarkan aktif\n- Beri perhatian penuh; jangan memotong pembicaraan.\n- Ulangi pokok pesan dengan kata-kata sendiri untuk memastikan paham.\n\n## Menulis nota dinas\n- Satu nota, satu pokok persoalan.\n- Kalimat pertama menyebut maksud; rincian menyusul.\n- Tutup dengan tindak lanjut yang diminta dan tenggatnya.\n'],
  },
  {
    title: 'Telaah Kebutuhan Pengembangan Kompetensi', description: 'Memetakan kesenjangan kompetensi pegawai dan menyusun rencana pengembangan.', jp: 12, competencies: [{ code: 'TEK-MSDM', level: 3 }],
    lesson: ['Materi: Memetakan Kesenjangan Kompetensi', '# Analisis kebutuhan pengembangan kompetensi\n\n1. Bandingkan standar kompetensi jabatan dengan profil kompetensi pegawai.\n2. Kesenjangan = level standar − level saat ini.\n3. Urutkan prioritas: kesenjangan terbesar pada kompetensi yang paling menentukan kinerja.\n4. Pilih bentuk pengembangan: pelatihan klasikal, e-learning, coaching, mentoring, atau magang.\n\nHasilnya dituangkan dalam rencana pengembangan kompetensi tahunan dan dicatat dalam JP.\n'],
  },
  {
    title: 'Tata Nilai Integritas dan Budaya Anti Korupsi', description: 'Nilai, norma dan etika ASN dalam praktik sehari-hari.', jp: 4, competencies: [{ code: 'MNJ-INT', level: 2 }],
    lesson: ['Materi: Integritas dalam Tugas Sehari-hari', '# Integritas ASN\n\n- **Jujur**: laporkan apa adanya, termasuk kesalahan sendiri.\n- **Menolak gratifikasi**: hadiah terkait jabatan wajib ditolak atau dilaporkan ke KPK dalam 30 hari kerja.\n- **Menghindari konflik kepentingan**: nyatakan bila ada hubungan keluarga atau usaha dengan pihak yang dilayani.\n- **Akuntabel**: setiap keputusan dapat dijelaskan dasar dan prosesnya.\n'],
  },
  {
    title: 'Validasi Data SIASN', description: 'Memeriksa dan memperbaiki data riwayat pegawai di SIASN.', jp: 8, competencies: [{ code: 'TEK-SIASN', level: 3 }],
    lesson: ['Materi: Langkah Validasi Data Riwayat', '# Validasi data riwayat pegawai di SIASN\n\n1. Unduh daftar pegawai unit dan periksa NIP, nama, dan tanggal lahir terhadap SK.\n2. Cocokkan riwayat golongan dan jabatan dengan dokumen SK yang diunggah.\n3. Tandai ketidaksesuaian dan minta dokumen pendukung kepada pegawai.\n4. Ajukan perbaikan melalui layanan peremajaan data; simpan bukti pengajuannya.\n'],
  },
];

/**
 * The recommended courses, made before the plugins' demos (priority 5) so the lesson plugin
 * (priority 10) writes their lessons from `seed.lessons`; the rest of the competency demo runs last.
 */
export async function seedCompetencyDemoCourses(seed: DemoSeed, d: { learning: LearningModels; clock: Clock }): Promise<void> {
  const now = d.clock.now();
  for (const { lesson, ...c } of COURSES) {
    const created = await d.learning.Course.create({ ...c, trainerIds: [new Types.ObjectId(seed.trainer.id)], published: true, createdAt: now, updatedAt: now });
    seed.refs[`competencyCourse:${c.competencies[0]!.code}`] = String(created._id);
    seed.lessons.push({ courseId: String(created._id), title: lesson[0]!, markdown: lesson[1]! });
  }
}

export async function seedCompetencyDemo(seed: DemoSeed, d: { svc: CompetencyService; learning: LearningModels; identity: IdentityModels; clock: Clock }): Promise<void> {
  const now = d.clock.now();
  for (const t of TEKNIS) {
    await d.learning.Competency.updateOne({ code: t.code }, { $setOnInsert: { code: t.code, name: t.name, group: 'teknis', description: t.description, levels: t.levels.map((indicator, i) => ({ level: i + 1, indicator })), updatedAt: now } }, { upsert: true });
  }
  for (const p of POSITIONS) await d.svc.models.Position.updateOne({ code: p.code }, { $set: { name: p.name, nameKey: positionKey(p.name), standard: p.standard, updatedAt: now } }, { upsert: true });
  const courseIds = new Map(COURSES.map((c) => {
    const code = c.competencies[0]!.code;
    return [code, seed.refs[`competencyCourse:${code}`] ? new Types.ObjectId(seed.refs[`competencyCourse:${code}`]) : undefined] as const;
  }));
  const byNip = async (nip: string) => (await d.identity.User.findOne({ username: nip }).lean())!;
  const rizal = await byNip('199001152015031001');
  const siti = await byNip('199203102019032005');
  const yohanes = await byNip('199406152022211001');
  const agus = await byNip('199107182023211005');
  const andi = await byNip('197805122003121002');
  const yusuf = await byNip('197203151998031003');
  const add = (userId: Types.ObjectId, competency: string, level: number, source: 'supervisor' | 'assessor' | 'self' | 'certificate', by?: Types.ObjectId, extra: Record<string, string | number> = {}) =>
    d.svc.recordEvidence({
      userId: String(userId), competency, level, source, by: by ? String(by) : undefined, key: `demo:${String(userId)}:${competency}:${source}`,
      message: { key: `competency.evidence.msg.${source}`, args: { level, ...extra } },
    });
  // Rizal: rated by his supervisor Andi; a certificate for public service; a self-assessment on change.
  for (const [c, l] of Object.entries({ 'MNJ-INT': 3, 'MNJ-KS': 3, 'MNJ-KOM': 2, 'MNJ-OPH': 3, 'MNJ-PDO': 2, 'MNJ-PK': 2, 'SK-PB': 3, 'TEK-MSDM': 2 })) await add(rizal._id, c, l, 'supervisor', andi._id);
  await add(rizal._id, 'MNJ-PP', 3, 'certificate', undefined, { achievement: 'Pelayanan Publik Prima' });
  await add(rizal._id, 'MNJ-MP', 2, 'self', rizal._id);
  // Siti: an assessor's mapping; Yohanes: self-assessments only; Agus: rated by Andi, with gaps.
  for (const [c, l] of Object.entries({ 'MNJ-INT': 2, 'MNJ-KS': 2, 'MNJ-KOM': 2, 'MNJ-OPH': 2, 'MNJ-PP': 2, 'MNJ-PDO': 1, 'MNJ-MP': 1, 'MNJ-PK': 1, 'SK-PB': 2, 'TEK-SIASN': 2 })) await add(siti._id, c, l, 'assessor', new Types.ObjectId(seed.admin.id));
  for (const [c, l] of Object.entries({ 'MNJ-INT': 2, 'MNJ-KS': 2, 'MNJ-KOM': 1, 'MNJ-PP': 2, 'SK-PB': 2 })) await add(yohanes._id, c, l, 'self', yohanes._id);
  for (const [c, l] of Object.entries({ 'MNJ-INT': 1, 'MNJ-KS': 2, 'MNJ-KOM': 1, 'MNJ-OPH': 2, 'MNJ-PP': 2, 'MNJ-PDO': 1, 'MNJ-MP': 1, 'MNJ-PK': 1, 'SK-PB': 2 })) await add(agus._id, c, l, 'supervisor', andi._id);
  for (const [c, l] of Object.entries({ 'MNJ-INT': 4, 'MNJ-KS': 4, 'MNJ-KOM': 4, 'MNJ-OPH': 3, 'MNJ-PP': 4, 'MNJ-PDO': 4, 'MNJ-MP': 3, 'MNJ-PK': 3, 'SK-PB': 3, 'TEK-MSDM': 4 })) await add(andi._id, c, l, 'supervisor', yusuf._id);
  // Plans: Rizal's waits for Andi; Siti's was approved by Yusuf.
  const rizalYear = yearIn(now, rizal.timeZone);
  await d.svc.saveDraft(rizal, rizalYear, [
    { competency: 'MNJ-KOM', from: 2, to: 3, courseId: courseIds.get('MNJ-KOM'), courseTitle: COURSES[0]!.title },
    { competency: 'TEK-MSDM', from: 2, to: 3, courseId: courseIds.get('TEK-MSDM'), courseTitle: COURSES[1]!.title, note: 'Magang di BKN Regional IV' },
  ]);
  await d.svc.submit(rizal, rizalYear);
  const sitiYear = yearIn(now, siti.timeZone);
  await d.svc.saveDraft(siti, sitiYear, [{ competency: 'TEK-SIASN', from: 2, to: 3, courseId: courseIds.get('TEK-SIASN'), courseTitle: COURSES[3]!.title }]);
  const sent = await d.svc.submit(siti, sitiYear);
  await d.svc.decide(String(sent._id), String(yusuf._id), { approve: true });
}
