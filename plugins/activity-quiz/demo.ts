/**
 * The demo quiz (five questions, pass at 60 %) in the core's demo course, and a pre-test of the
 * same questions; the three demo learners took both (the course's evaluation shows their gain,
 * evaluation-training). Leaves `refs.quizId` (the post-test) and `refs.preTestQuizId`.
 *
 * In two steps, as it happens in real use: the quizzes and the pre-test first (20); the post-test
 * once the certificate demo (30) has set up the achievement that passing it earns (35), so each
 * learner's pass earns their certificate through the earn rule, not by hand.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { AttemptService } from './attempt-service';
import type { LearningService } from '../../src/learning/learning-service';
import type { QuestionBank } from '../../src/learning/question-bank';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';
import type { QuizInput } from './quiz-input';

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

/** Right answers per question (by position in QUESTIONS) and a wrong one. */
const ANSWER: Array<{ right: unknown; wrong: unknown }> = QUESTIONS.map(([type, , , data]) =>
  type === 'truefalse' ? { right: { value: (data as { correct: boolean }).correct }, wrong: { value: !(data as { correct: boolean }).correct } } : { right: { selected: ['k7'] }, wrong: { selected: ['m2'] } });

/** Pre-test and post-test: how many of the five each demo learner answered right. */
const DEMO_RESULTS = [[2, 5], [3, 4], [1, 3]] as const;

export function registerQuizDemo(ctx: PluginContext, createQuiz: (user: SessionUser, input: QuizInput) => Promise<{ _id: unknown }>, attempts: () => AttemptService): void {
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
    });
    const preTest = await createQuiz(demo.trainer, {
      courseId: demo.courseId, title: 'Pre-test: Pelayanan Publik Prima', intro: 'Kerjakan sebelum mempelajari materi. Nilainya tidak menentukan kelulusan.', attemptsAllowed: 1, shuffleQuestions: true, passPercent: 0,
      review: { marks: 'immediately', correctness: 'after_close', feedback: 'after_close', rightAnswer: 'after_close' },
      questions: questions.map((q) => ({ questionId: String(q._id) })),
    });
    // The pre-test is taken before the course's material: it goes first in the course, as a trainer
    // would move it (it is added after the lesson and the quiz).
    const preTestActivity = await learning.models.Activity.findOne({ courseId: demo.courseId, refId: String(preTest._id) }, { _id: 1 }).lean();
    if (preTestActivity) while (await learning.moveActivity(demo.courseId, String(preTestActivity._id), 'up'));
    questionOrder = new Map(questions.map((q, i) => [String(q._id), i]));
    for (const [i, who] of demo.learners.entries()) {
      await learning.enrol(who.id, demo.courseId);
      await take(who, String(preTest._id), DEMO_RESULTS[i]?.[0] ?? 0);
    }
    return { ...demo, refs: { ...demo.refs, quizId: String(quiz._id), preTestQuizId: String(preTest._id) } };
  }, 20);

  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    if (!demo.refs.quizId) return demo;
    for (const [i, who] of demo.learners.entries()) await take(who, demo.refs.quizId, DEMO_RESULTS[i]?.[1] ?? 0);
    return demo;
  }, 35);

  /** The demo questions' positions in QUESTIONS, by id (set by the first step). */
  let questionOrder = new Map<string, number>();
  /** `who` answers the first `right` questions right and the rest wrong, submits, and is graded. */
  async function take(who: SessionUser, quizId: string, right: number): Promise<void> {
    const svc = attempts();
    const a = await svc.start(who, quizId);
    for (const s of a.slots) {
      const i = questionOrder.get(String(s.questionId))!;
      await svc.saveTo(a, s.slot, i < right ? ANSWER[i]!.right : ANSWER[i]!.wrong, 1);
    }
    await svc.submitAttempt(a._id, 'learner');
    await svc.grade(String(a._id));
  }
}
