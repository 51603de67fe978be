/**
 * The question bank over HTTP: banks and nested categories, every question type authored and
 * previewed, versions, move/copy/hide, deletion vetoed when in use, and import/export: preview
 * first with line-numbered problems, nothing stored until confirmed, the same questions back
 * after export → import, and a 5,000-question GIFT file through the job with progress.
 */
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';

const SAMPLES: Array<{ type: string; data: unknown }> = [
  { type: 'multichoice', data: { single: true, shuffle: true, options: [{ id: 'ka', text: 'UU 25/2009', fraction: 1, feedback: 'Tepat' }, { id: 'kb', text: 'UU 5/2014', fraction: 0 }, { id: 'kc', text: 'UU 23/2014', fraction: -0.5 }] } },
  { type: 'multichoice', data: { single: false, shuffle: true, options: [{ id: 'ma', text: 'Jujur', fraction: 0.5 }, { id: 'mb', text: 'Cermat', fraction: 0.5 }, { id: 'mc', text: 'Lalai', fraction: -1 }] } },
  { type: 'multichoice', data: { mode: 'weighted', shuffle: true, options: [{ id: 'w1', text: 'Abaikan', points: 1 }, { id: 'w5', text: 'Layani segera', points: 5 }, { id: 'w3', text: 'Tunda', points: 3 }] } },
  { type: 'truefalse', data: { correct: true, feedbackTrue: 'Benar', feedbackFalse: 'Salah' } },
  { type: 'shortanswer', data: { caseSensitive: false, answers: [{ text: 'Makassar', fraction: 1 }, { text: 'Ujung*', fraction: 0.5 }] } },
  { type: 'numerical', data: { answers: [{ min: 3.13, max: 3.15, fraction: 1 }, { any: true, fraction: 0, feedback: 'Coba lagi' }] } },
  { type: 'matching', data: { shuffle: true, pairs: [{ id: 'pk1', question: 'Sulawesi Barat', answer: 'Mamuju', answerId: 'x7q' }, { id: 'pk2', question: 'Sulawesi Selatan', answer: 'Makassar', answerId: 'z2m' }, { id: 'pk3', question: '', answer: 'Kendari', answerId: 'b9t' }] } },
  { type: 'ordering', data: { grading: 'all_or_nothing', items: [{ id: 'ox', text: 'Rencana' }, { id: 'oa', text: 'Pelaksanaan' }, { id: 'om', text: 'Evaluasi' }] } },
  { type: 'essay', data: { minWords: 10, maxWords: 200 } },
  { type: 'description', data: {} },
];

describe('question bank', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let trainer: TestUser;
  let other: TestUser;
  let bankId: string;
  let rootCat: string;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    other = await createUser(env, 'trainer');
    const course = await trainer.api.post('/api/v1/courses', { title: 'Bank course', jp: 1, published: true });
    const bank = await trainer.api.post('/api/v1/banks', { name: 'Bank Uji', owner: { type: 'course', id: course.body.course.id } });
    expect(bank.status).to.equal(201);
    bankId = bank.body.bank.id;
    rootCat = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories[0].id;
  });
  after(() => env?.stop());

  describe('banks and categories', () => {
    it('nests categories and lists them as a tree in path order', async () => {
      const a = await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'TWK', parentId: rootCat });
      const b = await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'Pancasila', parentId: a.body.category.id });
      expect(b.body.category.path).to.equal('Default/TWK/Pancasila');
      const list = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories.map((c: { path: string; depth: number }) => `${c.depth}:${c.path}`);
      expect(list).to.deep.equal(['0:Default', '1:Default/TWK', '2:Default/TWK/Pancasila']);
    });
    it('hides a bank from a trainer who does not own it', async () => {
      expect((await other.api.get(`/api/v1/banks/${bankId}/questions`)).status).to.equal(404);
      expect((await other.api.get('/api/v1/banks')).body.banks).to.deep.equal([]);
    });
  });

  describe('every question type', () => {
    const qids: Record<string, string> = {};
    it('authors each type and previews it as a learner without keys and as a trainer with them', async () => {
      for (const [i, s] of SAMPLES.entries()) {
        const r = await trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId: rootCat, type: s.type, name: `${s.type} ${i}`, stem: `Soal ${s.type}`, data: s.data, tags: ['uji'], difficulty: 'medium', competency: { code: 'MNJ-PP', level: 2 } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        qids[`${s.type}${i}`] = r.body.question.qid;
        const p = await trainer.api.get(`/api/v1/bank-questions/${r.body.question.qid}/preview?seed=7`);
        expect(p.status).to.equal(200);
        const learner = JSON.stringify(p.body.learner);
        for (const secret of ['fraction', 'points', 'feedback', 'Ujung', 'answerId', '3.13', 'correct']) expect(learner, `${s.type} learner view leaks ${secret}`).not.to.contain(secret);
        expect(p.body.trainer.data).to.deep.equal(r.body.question.data);
        if (s.type !== 'essay' && s.type !== 'description') expect(p.body.trainer.gradeOfRightResponse.score).to.be.greaterThan(0);
      }
    });
    it('filters by type, tag, difficulty, competency and text', async () => {
      const base = `/api/v1/banks/${bankId}/questions`;
      expect((await trainer.api.get(`${base}?type=multichoice`)).body.total).to.equal(3);
      expect((await trainer.api.get(`${base}?tag=uji&difficulty=medium&competency=MNJ-PP&level=2`)).body.total).to.equal(SAMPLES.length);
      expect((await trainer.api.get(`${base}?q=Soal%20numerical`)).body.total).to.equal(1);
      expect((await trainer.api.get(`${base}?difficulty=hard`)).body.total).to.equal(0);
    });
    it('keeps old versions readable when a question is edited', async () => {
      const qid = qids.truefalse3!;
      const v2 = await trainer.api.post(`/api/v1/bank-questions/${qid}/versions`, { type: 'truefalse', name: 'tf v2', stem: 'Soal yang diperbaiki', data: { correct: false } });
      expect(v2.status).to.equal(201);
      expect(v2.body.question.version).to.equal(2);
      const versions = (await trainer.api.get(`/api/v1/bank-questions/${qid}/versions`)).body.versions;
      expect(versions.map((v: { version: number; latest: boolean; data: unknown }) => [v.version, v.latest, v.data])).to.deep.equal([[1, false, { correct: true, feedbackTrue: 'Benar', feedbackFalse: 'Salah' }], [2, true, { correct: false }]]);
    });
    it('moves and copies between categories', async () => {
      const cats = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories;
      const twk = cats.find((c: { path: string }) => c.path === 'Default/TWK').id;
      expect((await trainer.api.post(`/api/v1/bank-questions/${qids.essay8}/move`, { categoryId: twk })).status).to.equal(200);
      expect((await trainer.api.get(`/api/v1/banks/${bankId}/questions?categoryId=${twk}&recursive=false`)).body.questions.map((q: { qid: string }) => q.qid)).to.deep.equal([qids.essay8]);
      const copy = await trainer.api.post(`/api/v1/bank-questions/${qids.essay8}/copy`, { bankId, categoryId: rootCat });
      expect(copy.status).to.equal(201);
      expect(copy.body.question.qid).not.to.equal(qids.essay8);
    });
    it('refuses to delete a question a quiz uses, allows hiding it, and deletes an unused one', async () => {
      const c = await createCourseWithQuiz(trainer);
      const used = await env.kernel.learning.models.Question.findById(c.questionIds[0]).lean();
      // Put the quiz's question into the bank so the bank API can address it.
      await env.kernel.learning.models.Question.updateMany({ qid: used!.qid }, { $set: { bankId, categoryId: rootCat } });
      const del = await trainer.api.delete(`/api/v1/bank-questions/${used!.qid}`);
      expect(del.status).to.equal(409);
      expect((await trainer.api.put(`/api/v1/bank-questions/${used!.qid}/hidden`, { hidden: true })).status).to.equal(200);
      expect((await trainer.api.get(`/api/v1/banks/${bankId}/questions?q=${encodeURIComponent(used!.stem)}`)).body.total).to.equal(0);
      expect((await trainer.api.delete(`/api/v1/bank-questions/${qids.description9}`)).status).to.equal(200);
      expect(await env.kernel.learning.models.Question.countDocuments({ qid: qids.description9 })).to.equal(0);
    });
  });

  describe('import', () => {
    const GOOD = '$CATEGORY: $course$/top/Impor/Dasar\n\n::Ibu kota:: Ibu kota Sulawesi Barat adalah {=Mamuju ~Makassar ~Kendari}\n\n::TF:: Bumi bulat. {T}\n\n::Bad:: Pilih {=a ~b\n\n::Ok2:: Berapa 2+2? {#4}\n';
    it('previews every question with its line and problem and stores nothing', async () => {
      const before = await env.kernel.learning.models.Question.countDocuments();
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'gift', text: GOOD, dry_run: true });
      expect(r.status).to.equal(200);
      expect(r.body.entries.map((e: { line: number; type: string; status: string }) => [e.line, e.type, e.status])).to.deep.equal([[3, 'multichoice', 'ok'], [5, 'truefalse', 'ok'], [9, 'numerical', 'ok']]);
      expect(r.body.problems.map((p: { line: number }) => p.line)).to.deep.equal([7]);
      expect(await env.kernel.learning.models.Question.countDocuments()).to.equal(before);
    });
    it('stores all valid questions on confirm, into the file\'s categories, once per import id', async () => {
      const importId = '3f2a7c1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'gift', text: GOOD, importId });
      expect(r.status).to.equal(201);
      expect(r.body.import).to.deep.include({ state: 'done', stored: 3 });
      const again = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'gift', text: GOOD, importId });
      expect(again.body.import.stored).to.equal(3);
      expect(await env.kernel.learning.models.Question.countDocuments({ 'source.importId': importId })).to.equal(3);
      const cats = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories.map((c: { path: string }) => c.path);
      expect(cats).to.include('Impor/Dasar');
    });
    it('reports a question its type rejects, with the line and the reason', async () => {
      const text = '::One:: Pilih satu {=a =b ~c}\n\n::Weird:: Urutkan {}\n';
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'gift', text, dry_run: true });
      expect(r.body.questionCount).to.equal(2);
      const rejected = r.body.entries.filter((e: { status: string }) => e.status === 'rejected');
      for (const e of rejected) expect(e.reasons.join(' ')).to.have.length.greaterThan(0);
      expect(r.body.valid + r.body.rejected).to.equal(2);
    });
    it('answers an unreadable Moodle XML file with a line number and stores nothing', async () => {
      const before = await env.kernel.learning.models.Question.countDocuments();
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'moodlexml', text: '<quiz>\n<question type="truefalse">\n<name><text>x</text></name>\n</quiz>' });
      expect(r.status).to.equal(201);
      expect(r.body.import.stored).to.equal(0);
      expect(r.body.import.problems[0].line).to.be.a('number');
      expect(await env.kernel.learning.models.Question.countDocuments()).to.equal(before);
    });
    it('rejects an unknown format with 400', async () => {
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'docx', text: 'x', dry_run: true });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('BINA_ERR_HTTP_VALIDATION');
    });
    it('imports Aiken', async () => {
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'aiken', text: 'Ibu kota Indonesia?\nA. Jakarta\nB. Bandung\nANSWER: A\n', dry_run: true });
      expect(r.body.entries.map((e: { type: string; status: string }) => [e.type, e.status])).to.deep.equal([['multichoice', 'ok']]);
    });
  });

  describe('export', () => {
    for (const format of ['gift', 'moodlexml']) {
      it(`gives back the same questions after export and import (${format}), for every type`, async () => {
        const course = await trainer.api.post('/api/v1/courses', { title: `Round trip ${format}`, jp: 1 });
        const src = (await trainer.api.post('/api/v1/banks', { name: 'src', owner: { type: 'course', id: course.body.course.id } })).body.bank.id;
        const srcCat = (await trainer.api.get(`/api/v1/banks/${src}/categories`)).body.categories[0].id;
        for (const [i, s] of SAMPLES.entries()) {
          const r = await trainer.api.post(`/api/v1/banks/${src}/questions`, { categoryId: srcCat, type: s.type, name: `Q${i}`, stem: `Soal {${i}} ~ #: = \\ ${s.type}`, data: s.data, generalFeedback: `Umpan ${i}` });
          expect(r.status, JSON.stringify(r.body)).to.equal(201);
        }
        const exported = await fetch(`${env.url}/api/v1/banks/${src}/export?format=${format}`, { headers: { authorization: `Bearer ${trainer.token}` } });
        expect(exported.status).to.equal(200);
        const text = await exported.text();
        const dst = (await trainer.api.post('/api/v1/banks', { name: 'dst', owner: { type: 'course', id: course.body.course.id } })).body.bank.id;
        const imp = await trainer.api.post(`/api/v1/banks/${dst}/imports`, { format, text });
        expect(imp.body.import.rejected, JSON.stringify(imp.body.import.rejected)).to.deep.equal([]);
        expect(imp.body.import.stored).to.equal(SAMPLES.length);
        // Essay word limits are Bina settings that neither GIFT nor Moodle XML's neutral form carries.
        const norm = (qs: Array<{ type: string; name: string; stem: string; generalFeedback?: string; data: unknown }>) =>
          qs.map((q) => ({ type: q.type, name: q.name, stem: q.stem, generalFeedback: q.type === 'description' ? undefined : q.generalFeedback, data: q.type === 'essay' ? {} : stripIds(q.data) })).sort((a, b) => a.name.localeCompare(b.name));
        const a = norm((await trainer.api.get(`/api/v1/banks/${src}/questions?limit=500`)).body.questions);
        const b = norm((await trainer.api.get(`/api/v1/banks/${dst}/questions?limit=500`)).body.questions);
        expect(b).to.deep.equal(a);
      });
    }
  });

  describe('a 5,000-question GIFT file', () => {
    it('imports through a job with progress', async () => {
      const blocks: string[] = [];
      for (let i = 0; i < 5000; i++) blocks.push(i % 2 ? `::Q${i}:: Pertanyaan ${i}? {=Benar${i} ~Salah${i} ~Keliru${i}}` : `::Q${i}:: Pernyataan ${i}. {T}`);
      const started = Date.now();
      const r = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'gift', text: blocks.join('\n\n') });
      expect(r.status).to.equal(202);
      const seen = new Set<number>();
      const done = await waitFor(async () => {
        const s = await trainer.api.get(`/api/v1/imports/${r.body.import.importId}`);
        seen.add(s.body.import.progress);
        return s.body.import.state === 'done' ? s.body.import : null;
      }, 'the import job', 90_000, 20);
      expect(done.stored).to.equal(5000);
      expect(done.progress).to.equal(100);
      expect(seen.size).to.be.greaterThan(1);
      // Not a timing assertion: the figure is for the closing note and the bench.
      console.log(`      5,000-question GIFT import took ${Date.now() - started} ms`);
    });
  });
});

/** Option/pair/item ids are generated on import, so compare everything else. */
function stripIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripIds);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'id' && k !== 'answerId').map(([k, x]) => [k, stripIds(x)]));
  return v;
}
