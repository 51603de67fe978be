/**
 * The demo exam: a course "Persiapan Seleksi Kompetensi Dasar" with a CAT-style exam drawn from a
 * bank the demo trainer owns ("Bank Soal SKD", a category per subtest: TWK, TIU, TKP with weighted
 * options, one essay with a rubric), its public score board
 * on, the demo learners enrolled, and one attempt (Siti Nurhaliza's) submitted with its essay
 * waiting for the trainer, so the grading queue and the trainer's notice have something to show
 * once the worker has graded the rest. Its page and public board are links `seed-demo` prints.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import type { QuestionBank } from '../../src/learning/question-bank';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { ExamPluginApi } from './client-info';
import { examInput } from './exam-input';

const mc = (right: string, ...wrong: string[]) => ({
  single: true, shuffle: true,
  options: [{ id: 'k7', text: right, fraction: 1 }, ...wrong.map((text, i) => ({ id: ['m2', 'x9', 'p4', 'r5'][i]!, text, fraction: 0 }))],
});
const tkp = (...answers: string[]) => ({
  mode: 'weighted', shuffle: true,
  options: answers.map((text, i) => ({ id: ['sa', 'sb', 'sc', 'sd', 'se'][i]!, text, points: 5 - i })),
});

const BANK: Array<{ tag: string; type: string; name: string; stem: string; data: unknown }> = [
  { tag: 'twk', type: 'multichoice', name: 'TWK Pancasila', stem: 'Sila keempat Pancasila menekankan…', data: mc('Musyawarah untuk mufakat', 'Persatuan bangsa', 'Keadilan sosial', 'Ketuhanan') },
  { tag: 'twk', type: 'multichoice', name: 'TWK UUD', stem: 'Hak warga negara atas pekerjaan diatur dalam UUD 1945 Pasal…', data: mc('27 ayat (2)', '28A', '31 ayat (1)', '33 ayat (3)') },
  { tag: 'twk', type: 'truefalse', name: 'TWK Bhinneka', stem: 'Semboyan Bhinneka Tunggal Ika berasal dari kitab Sutasoma.', data: { correct: true } },
  { tag: 'tiu', type: 'numerical', name: 'TIU Deret', stem: 'Lanjutkan deret: 2, 6, 18, 54, …', data: { answers: [{ min: 162, max: 162, fraction: 1 }] } },
  { tag: 'tiu', type: 'multichoice', name: 'TIU Analogi', stem: 'Dokter : Rumah sakit = Guru : …', data: mc('Sekolah', 'Buku', 'Murid', 'Kapur') },
  { tag: 'tkp', type: 'multichoice', name: 'TKP Pelayanan', stem: 'Seorang warga marah karena antrean panjang di loket Anda. Sikap Anda…', data: tkp('Menjelaskan dengan sopan dan mencari cara mempercepat layanan', 'Meminta maaf dan melanjutkan pekerjaan', 'Meminta warga menunggu', 'Memanggil atasan', 'Mengabaikannya') },
  { tag: 'tkp', type: 'multichoice', name: 'TKP Integritas', stem: 'Rekan kerja menawarkan bagian dari uang pelicin. Sikap Anda…', data: tkp('Menolak dan melaporkannya sesuai aturan', 'Menolak dengan tegas', 'Diam saja', 'Menerima lalu mengembalikan', 'Menerima') },
  { tag: 'esai', type: 'essay', name: 'Esai BerAKHLAK', stem: 'Jelaskan bagaimana nilai "Berorientasi Pelayanan" Anda terapkan di unit kerja Anda.', data: {
    minWords: 20, maxWords: 300,
    rubric: { criteria: [
      { id: 'isi', description: 'Isi dan contoh nyata', levels: [{ id: 'kurang', label: 'Kurang', points: 0 }, { id: 'cukup', label: 'Cukup', points: 3 }, { id: 'baik', label: 'Baik', points: 6 }] },
      { id: 'bahasa', description: 'Bahasa dan susunan', levels: [{ id: 'kurang', label: 'Kurang', points: 0 }, { id: 'baik', label: 'Baik', points: 4 }] },
    ] },
  } },
];

const DEMO_CLIENT = { ip: '127.0.0.1', userAgent: 'bina seed-demo', examSessions: {} };

/** Returns the exam's page and its public score board (paths), or undefined when exams are off. */
export function registerExamDemo(ctx: PluginContext, exams: ExamPluginApi): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const learning = ctx.use<LearningService>('learning');
    const { trainer, learners } = demo;
    const now = ctx.clock.now();
    const course = await learning.models.Course.create({
      title: 'Persiapan Seleksi Kompetensi Dasar (SKD)',
      description: 'Latihan soal TWK, TIU, dan TKP dengan sistem CAT, ditambah satu esai tentang nilai BerAKHLAK.',
      jp: 4, competencies: [{ code: 'MNJ-PP', level: 2 }], trainerIds: [trainer.id], published: true, createdAt: now, updatedAt: now,
    });
    const courseId = String(course._id);
    // The questions live in the course's bank, which its trainer sees under "Bank soal", one
    // category per subtest; the sections draw from those categories.
    const questionBank = ctx.use<QuestionBank>('question-bank');
    const bank = await questionBank.createBank(trainer, { name: 'Bank Soal SKD', owner: { type: 'course', id: courseId } });
    const categories = new Map<string, string>();
    for (const tag of new Set(BANK.map((q) => q.tag))) categories.set(tag, String((await questionBank.ensureCategoryPath(bank._id, `SKD/${tag.toUpperCase()}`))._id));
    const names = new Map<string, string>();
    for (const q of BANK) {
      const doc = await learning.createQuestion(trainer, { type: q.type, name: q.name, stem: q.stem, data: q.data, courseId, bankId: String(bank._id), categoryId: categories.get(q.tag), tags: [q.tag] });
      names.set(String(doc._id), q.name);
    }
    const from = (tag: string) => ({ bankId: String(bank._id), categoryIds: [categories.get(tag)!] });
    const exam = await exams.authoring.create(trainer, examInput.parse({
      courseId, title: 'Simulasi CAT SKD', intro: 'Kerjakan dengan jujur. Waktu dihitung oleh server; jawaban tersimpan otomatis, juga saat koneksi terputus.',
      opensAt: new Date(now.getTime() - 60_000).toISOString(), closesAt: new Date(now.getTime() + 90 * 24 * 3600_000).toISOString(),
      timeLimitMinutes: 30, attemptsAllowed: 2, navigation: 'free',
      pass: { mode: 'percent', value: 60 },
      review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'after_close' },
      board: { identity: 'masked_nip', public: true },
      sections: [
        { key: 'twk', title: 'Tes Wawasan Kebangsaan', draw: { count: 3, mark: 5, ...from('twk') }, pass: { mode: 'points', value: 10 } },
        { key: 'tiu', title: 'Tes Intelegensia Umum', draw: { count: 2, mark: 5, ...from('tiu') } },
        { key: 'tkp', title: 'Tes Karakteristik Pribadi', draw: { count: 2, mark: 5, ...from('tkp') } },
        { key: 'esai', title: 'Esai', shuffle: false, draw: { count: 1, mark: 10, ...from('esai') } },
      ],
    }));
    for (const l of learners) await learning.enrol(l.id, courseId);

    // One submitted attempt whose essay waits for the trainer.
    const siti = learners[1]!;
    const { attempt, examSession } = await exams.service.start(siti, String(exam._id), DEMO_CLIENT);
    const attemptId = String(attempt._id);
    const device = { ...DEMO_CLIENT, examSessions: { [attemptId]: examSession } };
    let seq = 0;
    for (const s of attempt.slots) {
      const name = names.get(String(s.questionId)) ?? '';
      const response = name.startsWith('Esai')
        ? { text: 'Di loket pelayanan kami, saya menyapa setiap warga, menjelaskan persyaratan dengan jelas, dan memastikan berkas selesai tepat waktu sesuai standar pelayanan yang diumumkan.' }
        : name === 'TIU Deret' ? { text: '162' }
        : name === 'TWK Bhinneka' ? { value: true }
        : name.startsWith('TKP') ? { selected: ['sb'] }
        : { selected: ['k7'] };
      await exams.service.saveAnswer(siti, attemptId, s.slot, response, ++seq, device);
    }
    await exams.service.submit(siti, attemptId);
    return {
      ...demo,
      refs: { ...demo.refs, examId: String(exam._id) },
      links: [...demo.links, { label: 'Demo CAT exam (log in as a learner)', url: `/${ctx.id}/exams/${exam._id}` }, { label: 'Its public score board', url: `/${ctx.id}/board/${exam.board.token}` }],
    };
  }, 40);
}
