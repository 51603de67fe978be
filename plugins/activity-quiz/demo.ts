/** The demo quiz (five questions, pass at 60 %) in the core's demo course; leaves `refs.quizId`. */
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import type { QuestionBank } from '../../src/learning/question-bank';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';

const mc = (a: string, b: string, c: string, d: string) => ({
  single: true, shuffle: true,
  options: [{ id: 'k7', text: a, fraction: 1 }, { id: 'm2', text: b, fraction: 0 }, { id: 'x9', text: c, fraction: 0 }, { id: 'p4', text: d, fraction: 0 }],
});

const QUESTIONS: Array<[type: string, name: string, stem: string, data: unknown]> = [
  ['multichoice', 'Dasar hukum', 'Undang-undang yang mengatur pelayanan publik adalah…', mc('UU 25/2009', 'UU 5/2014', 'UU 23/2014', 'UU 30/2014')],
  ['multichoice', 'BerAKHLAK', 'Huruf "B" dalam BerAKHLAK berarti…', mc('Berorientasi Pelayanan', 'Bertanggung jawab', 'Berintegritas', 'Bersih')],
  ['truefalse', 'SKM', 'Survei Kepuasan Masyarakat dilakukan sekurang-kurangnya sekali setahun.', { correct: true }],
  ['truefalse', 'Biaya', 'Unit pelayanan tidak perlu mencantumkan biaya dalam standar pelayanan.', { correct: false }],
  ['multichoice', 'Kompeten', 'Perilaku yang sesuai nilai "Kompeten" adalah…', mc('Terus belajar dan mengembangkan kapabilitas', 'Menunda pekerjaan', 'Menolak perubahan', 'Bekerja sendiri')],
];

export function registerQuizDemo(ctx: PluginContext, createQuiz: (user: SessionUser, input: never) => Promise<{ _id: unknown }>): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    const learning = ctx.use<LearningService>('learning');
    // In the course's bank, so the trainer finds them under "Bank soal" and can reuse them.
    const bank = await ctx.use<QuestionBank>('question-bank').createBank(demo.trainer, { name: 'Bank Soal Pelayanan Publik', owner: { type: 'course', id: demo.courseId } });
    const category = await learning.models.Category.findOne({ bankId: bank._id }).lean();
    const questions = [];
    for (const [type, name, stem, data] of QUESTIONS) {
      questions.push(await learning.createQuestion(demo.trainer, { type, name, stem, data, courseId: demo.courseId, bankId: String(bank._id), categoryId: String(category!._id), tags: ['pelayanan-publik'] }));
    }
    const quiz = await createQuiz(demo.trainer, {
      courseId: demo.courseId, title: 'Kuis: Pelayanan Publik Prima', intro: 'Lima soal singkat. Nilai lulus 60%.', attemptsAllowed: 3, shuffleQuestions: true, passPercent: 60,
      review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'after_close' },
      questions: questions.map((q) => ({ questionId: String(q._id) })),
    } as never);
    return { ...demo, refs: { ...demo.refs, quizId: String(quiz._id) } };
  }, 20);
}
