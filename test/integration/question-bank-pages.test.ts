/**
 * The trainer's question-bank pages over real HTTP, as a browser without JavaScript uses them
 * (session cookie, form posts with `_csrf`): every page renders for the bank's owner and is a 404
 * for a trainer of another course; the authoring form creates and edits (new version) every
 * question type from its form fields; a bad form is a 400 that shows the errors and stores
 * nothing; preview grades a tried answer; move/copy/hide/delete (with the friendly "in use"
 * message); and the no-JavaScript import: preview table with lines and reasons, confirm, report.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createCourseWithQuiz, createUser, startTestEnv, TEST_PASSWORD, type TestEnv, type TestUser } from '../support/harness';

/** Same data shapes as the API test's SAMPLES, one per type (two extra multichoice modes). */
const SAMPLES: Array<{ type: string; data: unknown }> = [
  { type: 'multichoice', data: { single: true, shuffle: true, options: [{ id: 'ka', text: 'UU 25/2009', fraction: 1, feedback: 'Tepat' }, { id: 'kb', text: 'UU 5/2014', fraction: 0 }, { id: 'kc', text: 'UU 23/2014', fraction: -0.5 }] } },
  { type: 'multichoice', data: { single: false, shuffle: false, options: [{ id: 'ma', text: 'Jujur', fraction: 0.5 }, { id: 'mb', text: 'Cermat', fraction: 0.5 }, { id: 'mc', text: 'Lalai', fraction: -1 }] } },
  { type: 'multichoice', data: { mode: 'weighted', shuffle: true, options: [{ id: 'w1', text: 'Abaikan', points: 1 }, { id: 'w5', text: 'Layani segera', points: 5 }, { id: 'w3', text: 'Tunda', points: 3 }] } },
  { type: 'truefalse', data: { correct: true, feedbackTrue: 'Benar', feedbackFalse: 'Salah' } },
  { type: 'shortanswer', data: { caseSensitive: false, answers: [{ text: 'Makassar', fraction: 1 }, { text: 'Ujung*', fraction: 0.5 }] } },
  { type: 'numerical', data: { answers: [{ min: 3.13, max: 3.15, fraction: 1 }, { min: 3, max: 3, fraction: 0.5, feedback: 'Hampir' }, { any: true, fraction: 0, feedback: 'Coba lagi' }], units: [{ unit: 'm', multiplier: 1 }, { unit: 'cm', multiplier: 100 }] } },
  { type: 'matching', data: { shuffle: true, pairs: [{ id: 'pk1', question: 'Sulawesi Barat', answer: 'Mamuju', answerId: 'x7q' }, { id: 'pk2', question: 'Sulawesi Selatan', answer: 'Makassar', answerId: 'z2m' }, { id: 'pk3', question: '', answer: 'Kendari', answerId: 'b9t' }] } },
  { type: 'ordering', data: { grading: 'partial', items: [{ id: 'ox', text: 'Rencana' }, { id: 'oa', text: 'Pelaksanaan' }, { id: 'om', text: 'Evaluasi' }] } },
  { type: 'essay', data: { minWords: 10, maxWords: 200, responseTemplate: 'Jawaban saya:', rubric: { criteria: [{ id: 'c1', description: 'Isi', levels: [{ id: 'l1', label: 'Kurang', points: 1 }, { id: 'l2', label: 'Baik', points: 3 }] }] } } },
  { type: 'description', data: {} },
];

type Fields = Record<string, string | string[]>;

/** A browser without JavaScript: a session cookie, and the CSRF token the pages carry. */
class PageClient {
  private cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async login(username: string): Promise<this> {
    const r = await fetch(`${this.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    expect(r.status).to.equal(200);
    this.cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    this.csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
    return this;
  }

  async get(path: string): Promise<{ status: number; html: string; location: string | null }> {
    const r = await fetch(this.base + path, { headers: { cookie: this.cookie, accept: 'text/html' }, redirect: 'manual' });
    const html = await r.text();
    const token = /<meta name="csrf-token" content="([^"]*)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: r.status, html, location: r.headers.get('location') };
  }

  async post(path: string, fields: Fields): Promise<{ status: number; html: string; location: string | null }> {
    const form = new URLSearchParams();
    form.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
    const r = await fetch(this.base + path, { method: 'POST', headers: { cookie: this.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
    return { status: r.status, html: await r.text(), location: r.headers.get('location') };
  }
}

/** Text of a page without tags, entities decoded the way the tests need them. */
const text = (html: string) =>
  html.replace(/<[^>]*>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('question bank pages', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let trainer: TestUser;
  let other: TestUser;
  let owner: PageClient;
  let stranger: PageClient;
  let courseId: string;
  let bankId: string;
  let rootCat: string;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer', 'Widyaiswara Bank');
    other = await createUser(env, 'trainer', 'Pengajar Lain');
    courseId = (await trainer.api.post('/api/v1/courses', { title: 'Kursus Bank Soal', jp: 2, published: true })).body.course.id;
    owner = await new PageClient(env.url).login(trainer.username);
    stranger = await new PageClient(env.url).login(other.username);
  });
  after(() => env?.stop());

  const typeOf = (id: string) => env.kernel.services.registries.questionTypes.require(id);
  const Question = () => env.kernel.learning.models.Question;

  describe('banks', () => {
    it('creates a bank from the form and lists it', async () => {
      const list = await owner.get('/banks');
      expect(list.status).to.equal(200);
      expect(list.html).to.include('Buat bank soal').and.include('Kursus Bank Soal');
      const r = await owner.post('/banks', { name: 'Bank Latsar', owner: `course:${courseId}` });
      expect(r.status).to.equal(303);
      bankId = /^\/banks\/([a-f0-9]{24})$/.exec(r.location ?? '')![1]!;
      rootCat = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories[0].id;
      const again = await owner.get('/banks');
      expect(again.html).to.include(`href="/banks/${bankId}"`).and.include('Bank Latsar');
    });
    it('creates a bank for my unit, named after the unit', async () => {
      const unit = await env.kernel.identity.models.Unit.create({ code: 'BKPSDM-MAMUJU', name: 'BKPSDM Kabupaten Mamuju' });
      await env.kernel.identity.models.User.updateOne({ _id: other.id }, { $set: { unitId: unit._id } });
      const form = await stranger.get('/banks');
      expect(form.html).to.include(`value="unit:${String(unit._id)}"`).and.include('Unit: BKPSDM Kabupaten Mamuju');
      const r = await stranger.post('/banks', { name: 'Bank Unit', owner: `unit:${String(unit._id)}` });
      expect(r.status).to.equal(303);
      const list = text((await stranger.get('/banks')).html);
      expect(list).to.include('Bank Unit').and.include('BKPSDM Kabupaten Mamuju');
      // Another unit's id is refused (403), not stored.
      expect((await owner.post('/banks', { name: 'Bank Curian', owner: `unit:${String(unit._id)}` })).status).to.equal(403);
    });
    it('refuses a bank without a name (400, message shown)', async () => {
      const r = await owner.post('/banks', { name: '  ', owner: `course:${courseId}` });
      expect(r.status).to.equal(400);
      expect(text(r.html)).to.include('Nama bank wajib diisi');
    });
    it('does not show another trainer the bank', async () => {
      const theirs = (await stranger.get('/banks')).html;
      expect(theirs).to.include('Bank Unit');
      expect(theirs).not.to.include('Bank Latsar');
      expect((await stranger.get(`/banks/${bankId}`)).status).to.equal(404);
      expect((await stranger.get(`/banks/${bankId}/import`)).status).to.equal(404);
      expect((await stranger.get(`/banks/${bankId}/questions/new?type=truefalse`)).status).to.equal(404);
      expect((await stranger.post(`/banks/${bankId}/categories`, { name: 'Curian' })).status).to.equal(404);
    });
    it('creates nested categories and shows them indented with counts', async () => {
      const a = await owner.post(`/banks/${bankId}/categories`, { name: 'TWK', parentId: rootCat, back: `/banks/${bankId}` });
      expect(a.status).to.equal(303);
      expect(a.location).to.equal(`/banks/${bankId}?msg=catcreated`);
      const twk = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories.find((c: { path: string }) => c.path === 'Default/TWK').id;
      await owner.post(`/banks/${bankId}/categories`, { name: 'Pancasila', parentId: twk });
      const dup = await owner.post(`/banks/${bankId}/categories`, { name: 'Pancasila', parentId: twk });
      expect(dup.location).to.include('msg=catexists');
      const page = await owner.get(`/banks/${bankId}`);
      expect(page.status).to.equal(200);
      expect(page.html).to.match(/<li data-depth="2">[^]*?Pancasila/);
    });
  });

  describe('the authoring form, every type', () => {
    const qids: string[] = [];
    it('shows the type chooser and an empty form for every type', async () => {
      const chooser = await owner.get(`/banks/${bankId}/questions/new`);
      expect(chooser.status).to.equal(200);
      for (const s of SAMPLES) {
        expect(chooser.html).to.include(`?type=${s.type}`);
        const form = await owner.get(`/banks/${bankId}/questions/new?type=${s.type}`);
        expect(form.status, s.type).to.equal(200);
        expect(form.html).to.include('name="stem"').and.include(`name="type" value="${s.type}"`);
      }
      expect((await owner.get(`/banks/${bankId}/questions/new?type=nope`)).status).to.equal(404);
    });

    it('creates every type from its form fields and stores exactly the authored data', async () => {
      for (const [i, s] of SAMPLES.entries()) {
        const type = typeOf(s.type);
        const expected = type.dataSchema.parse(s.data);
        const fields = type.editForm!.toFields(expected);
        const r = await owner.post(`/banks/${bankId}/questions`, {
          type: s.type, name: `Form ${s.type} ${i}`, stem: `Soal formulir ${s.type}`, stemFormat: 'plain', generalFeedback: 'Umpan umum', defaultMark: s.type === 'description' ? '0' : '2',
          categoryId: rootCat, tags: 'formulir, uji', difficulty: 'hard', competency: 'MNJ-PP', level: '3', ...fields,
        });
        expect(r.status, `${s.type}: ${text(r.html).slice(0, 600)}`).to.equal(303);
        expect(r.location).to.match(new RegExp(`^/banks/${bankId}\\?msg=created&qid=`));
        const qid = new URL(r.location!, env.url).searchParams.get('qid')!;
        qids.push(qid);
        const q = await Question().findOne({ qid, latest: true }).lean();
        expect(q, s.type).to.not.equal(null);
        expect(q!.data, s.type).to.deep.equal(expected);
        expect([q!.name, q!.stem, q!.generalFeedback, q!.defaultMark, q!.tags, q!.difficulty, q!.competency]).to.deep.equal([`Form ${s.type} ${i}`, `Soal formulir ${s.type}`, 'Umpan umum', s.type === 'description' ? 0 : 2, ['formulir', 'uji'], 'hard', { code: 'MNJ-PP', level: 3 }]);
      }
      const list = await owner.get(`/banks/${bankId}?msg=created&qid=${qids[0]}`);
      expect(text(list.html)).to.include('Soal disimpan.').and.include('Form multichoice 0');
    });

    it('writes new rows into valid data: generated ids that reveal nothing, blank rows dropped, decimal commas read', async () => {
      const post = (type: string, fields: Fields) => owner.post(`/banks/${bankId}/questions`, { type, name: `Baru ${type}`, stem: `Soal baru ${type}`, categoryId: rootCat, ...fields });
      const mc = await post('multichoice', { mc_mode: 'single', mc_shuffle: ['false', 'true'], opt_id: ['', '', '', ''], opt_text: ['Mamuju', 'Majene', 'Polewali', ''], opt_value: ['100', '0', '-33,5', ''], opt_feedback: ['Tepat', '', '', ''], opt_format: ['', '', '', ''] });
      expect(mc.status, text(mc.html).slice(0, 400)).to.equal(303);
      const m = (await Question().findOne({ name: 'Baru multichoice' }).lean())!.data as { options: Array<{ id: string; fraction: number }>; shuffle: boolean };
      expect(m.options.map((o) => o.fraction)).to.deep.equal([1, 0, -0.335]);
      expect(m.shuffle).to.equal(true);
      expect(new Set(m.options.map((o) => o.id)).size).to.equal(3);
      const match = await post('matching', { match_shuffle: 'false', pair_id: ['', '', ''], pair_aid: ['', '', ''], pair_qformat: ['', '', ''], pair_question: ['Sulbar', 'Sulsel', ''], pair_answer: ['Mamuju', 'Makassar', 'Kendari'] });
      expect(match.status, text(match.html).slice(0, 400)).to.equal(303);
      const ord = await post('ordering', { ord_grading: 'all_or_nothing', item_id: ['', '', '', ''], item_format: ['', '', '', ''], item_pos: ['2', '1', '3', ''], item_text: ['Pelaksanaan', 'Rencana', 'Evaluasi', ''] });
      expect(ord.status, text(ord.html).slice(0, 400)).to.equal(303);
      const o = (await Question().findOne({ name: 'Baru ordering' }).lean())!.data as { items: Array<{ text: string }> };
      expect(o.items.map((x) => x.text)).to.deep.equal(['Rencana', 'Pelaksanaan', 'Evaluasi']);
      const num = await post('numerical', { nans_value: ['3,14', ''], nans_tol: ['0,01', ''], nans_min: ['', ''], nans_max: ['', ''], nans_grade: ['100', ''], nans_feedback: ['', ''], unit_name: [''], unit_mult: [''], num_unit_required: 'false' });
      expect(num.status, text(num.html).slice(0, 400)).to.equal(303);
      expect((await Question().findOne({ name: 'Baru numerical' }).lean())!.data).to.deep.equal({ answers: [{ min: 3.13, max: 3.15, fraction: 1 }], unitRequired: false });
    });

    it('edits every type into a new version, keeping the old one readable', async () => {
      for (const [i, qid] of qids.entries()) {
        const s = SAMPLES[i]!;
        const page = await owner.get(`/bank-questions/${qid}/edit`);
        expect(page.status, s.type).to.equal(200);
        expect(page.html).to.include(`Form ${s.type} ${i}`).and.include('v2');
        const v1 = (await Question().findOne({ qid, version: 1 }).lean())!;
        const fields = typeOf(s.type).editForm!.toFields(v1.data);
        const r = await owner.post(`/bank-questions/${qid}/edit`, { type: s.type, name: `Diubah ${s.type} ${i}`, stem: 'Teks baru', defaultMark: '1', categoryId: rootCat, tags: '', difficulty: '', competency: '', level: '', ...fields });
        expect(r.status, `${s.type}: ${text(r.html).slice(0, 400)}`).to.equal(303);
        const versions = await Question().find({ qid }).sort({ version: 1 }).lean();
        expect(versions.map((v) => [v.version, v.latest, v.name])).to.deep.equal([[1, false, `Form ${s.type} ${i}`], [2, true, `Diubah ${s.type} ${i}`]]);
        expect(versions[1]!.data, s.type).to.deep.equal(v1.data);
        // Clearing difficulty, competency and tags in the form clears them on the new version.
        expect([versions[1]!.difficulty, versions[1]!.competency, versions[1]!.tags]).to.deep.equal([undefined, undefined, []]);
      }
      const preview = await owner.get(`/bank-questions/${qids[3]}/preview?version=1`);
      expect(preview.status).to.equal(200);
      expect(text(preview.html)).to.include('Form truefalse 3').and.include('versi lama (v1)');
      expect((await stranger.get(`/bank-questions/${qids[3]}/edit`)).status).to.equal(404);
      expect((await stranger.post(`/bank-questions/${qids[3]}/edit`, { type: 'truefalse', stem: 'x', tf_correct: 'true' })).status).to.equal(404);
    });

    it('answers a bad form with 400, shows the errors next to the fields, and stores nothing', async () => {
      const before = await Question().countDocuments();
      const bad = await owner.post(`/banks/${bankId}/questions`, {
        type: 'multichoice', name: 'Tanpa kunci', stem: 'Pilih satu', categoryId: rootCat, competency: 'MNJ-PP', level: '',
        mc_mode: 'single', mc_shuffle: 'true', opt_id: ['', ''], opt_text: ['A', 'B'], opt_value: ['50', '0'], opt_feedback: ['', ''], opt_format: ['', ''],
      });
      expect(bad.status).to.equal(400);
      const t = text(bad.html);
      expect(t).to.include('Soal satu jawaban benar memerlukan satu opsi bernilai 100 %.');
      expect(t).to.include('Pilih level kompetensi');
      // The typed rows come back so nothing has to be typed again.
      expect(bad.html).to.include('value="50"').and.include('>\nA</textarea>');
      const empty = await owner.post(`/banks/${bankId}/questions`, { type: 'truefalse', name: '', stem: '   ', categoryId: rootCat, tf_feedback_true: '' });
      expect(empty.status).to.equal(400);
      expect(text(empty.html)).to.include('Teks soal : Wajib diisi').and.include('Pilih salah satu');
      expect(empty.html).to.include('id="stem" name="stem" rows="5" required aria-required="true" aria-invalid="true"');
      const wrongCat = await owner.post(`/banks/${bankId}/questions`, { type: 'essay', stem: 'x', categoryId: '0123456789abcdef01234567', es_min: 'sepuluh' });
      expect(wrongCat.status).to.equal(400);
      expect(text(wrongCat.html)).to.include('Pilih kategori dari bank ini').and.include('Isi dengan angka');
      expect(wrongCat.html).to.include('name="es_min" value="sepuluh"');
      const edit = await owner.post(`/bank-questions/${qids[4]}/edit`, { type: 'shortanswer', stem: 'x', categoryId: rootCat, ans_text: ['Makassar'], ans_value: ['40'], ans_feedback: [''] });
      expect(edit.status).to.equal(400);
      expect(text(edit.html)).to.include('Satu jawaban yang diterima harus bernilai 100 %.');
      expect(await Question().countDocuments()).to.equal(before);
    });

    it("shows the types' own rules in Indonesian, and in English when asked", async () => {
      const before = await Question().countDocuments();
      const common = { categoryId: rootCat, stem: 'Soal' };
      // One option worth 50 % only, and an id no form would write: a type's rule and the kit's id rule.
      const mc = { ...common, type: 'multichoice', mc_mode: 'single', mc_shuffle: 'true', opt_id: ['k a', ''], opt_text: ['A', 'B'], opt_value: ['50', '0'], opt_feedback: ['', ''], opt_format: ['', ''] };
      // Ids that count up in the right order (posted as if the hidden fields had been edited).
      const ord = { ...common, type: 'ordering', ord_grading: 'partial', item_id: ['i1', 'i2', 'i3'], item_text: ['Rencana', 'Pelaksanaan', 'Evaluasi'], item_pos: ['1', '2', '3'], item_format: ['', '', ''] };
      const match = { ...common, type: 'matching', match_shuffle: 'true', pair_id: ['p1', 'p2', 'p3'], pair_aid: ['a1', 'a2', 'a3'], pair_qformat: ['', '', ''], pair_question: ['Sulbar', 'Sulsel', 'Sultra'], pair_answer: ['Mamuju', 'Makassar', 'Kendari'] };
      const [mcId, ordId, matchId] = await Promise.all([mc, ord, match].map(async (f) => {
        const r = await owner.post(`/banks/${bankId}/questions`, f);
        expect(r.status, f.type).to.equal(400);
        return text(r.html);
      }));
      expect(mcId).to.include('Soal satu jawaban benar memerlukan satu opsi bernilai 100 %.').and.include('Opsi › 1 › Kode : Kode hanya boleh berisi 1–40 huruf, angka, _ atau -.');
      expect(ordId).to.include('Butir : Kode butir berurutan sesuai urutan yang benar sehingga membocorkan jawabannya; gunakan kode acak.');
      expect(matchId).to.include('Pasangan : Kode jawaban membocorkan pasangan yang benar');
      for (const t of [mcId, ordId, matchId]) expect(t).not.to.match(/single-answer|count up|newMatchingAnswerId|answerIds|ids are 1/);
      const mcEn = text((await owner.post(`/banks/${bankId}/questions?lang=en`, mc)).html);
      expect(mcEn).to.include('A question with one right answer needs one option worth 100 %.').and.include('Options › 1 › Id : An id is 1–40 letters, digits, _ or -.');
      const ordEn = text((await owner.post(`/banks/${bankId}/questions?lang=en`, ord)).html);
      expect(ordEn).to.include('Items : The item ids count up in the right order and would give the answer away; use random ids.');
      expect(await Question().countDocuments()).to.equal(before);
    });

    it('adds blank rows on request without saving', async () => {
      const before = await Question().countDocuments();
      const r = await owner.post(`/banks/${bankId}/questions`, { type: 'ordering', stem: 'Urutkan', categoryId: rootCat, action: 'more', rows_extra: '2', item_id: [''], item_text: ['Satu'], item_pos: ['1'], item_format: [''] });
      expect(r.status).to.equal(200);
      expect(r.html.match(/name="item_text"/g)?.length).to.equal(5);
      expect(await Question().countDocuments()).to.equal(before);
    });

    it('previews every type as a learner and as a trainer, and grades a tried answer', async () => {
      for (const [i, qid] of qids.entries()) {
        const s = SAMPLES[i]!;
        const p = await owner.get(`/bank-questions/${qid}/preview?seed=3`);
        expect(p.status, s.type).to.equal(200);
        expect(p.html).to.include('Seperti dilihat peserta').and.include('Untuk pengajar').and.include('Teks baru');
        expect(p.html).to.include(`preview?seed=4`);
        if (!['essay', 'description'].includes(s.type)) expect(text(p.html), s.type).to.match(/Nilai jawaban ini: \d/);
      }
      // A weighted TKP item: "Tunda" is 3 of 5 points.
      const weighted = (await Question().findOne({ qid: qids[2], latest: true }).lean())!;
      const tunda = (weighted.data as { options: Array<{ id: string; text: string }> }).options.find((o) => o.text === 'Tunda')!.id;
      const tried = await owner.post(`/bank-questions/${qids[2]}/preview`, { seed: '3', q_p: tunda });
      expect(tried.status).to.equal(200);
      expect(text(tried.html)).to.include('Nilai: 0,6 / 1');
      const tf = await owner.post(`/bank-questions/${qids[3]}/preview`, { seed: '1', q_p: 'false' });
      expect(text(tf.html)).to.include('Nilai: 0 / 1').and.include('Umpan balik: Salah');
      // An answer the type cannot read is explained in the page's language.
      const notNumber = await owner.post(`/bank-questions/${qids[5]}/preview`, { seed: '1', q_p: 'tiga' });
      expect(text(notNumber.html)).to.include('Jawaban tidak dapat dinilai: Jawaban bukan angka.');
      const notNumberEn = await owner.post(`/bank-questions/${qids[5]}/preview?lang=en`, { seed: '1', q_p: 'three' });
      expect(text(notNumberEn.html)).to.include('This answer cannot be graded: The answer is not a number.');
    });
  });

  describe('actions on the list', () => {
    it('filters, moves, copies, hides, shows and deletes through forms', async () => {
      const cats = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories;
      const pancasila = cats.find((c: { path: string }) => c.path === 'Default/TWK/Pancasila').id;
      const twk = cats.find((c: { path: string }) => c.path === 'Default/TWK').id;
      const tf = (await Question().findOne({ bankId, type: 'truefalse', latest: true }).lean())!;
      const back = `/banks/${bankId}?type=truefalse`;
      const moved = await owner.post(`/bank-questions/${tf.qid}/move`, { categoryId: pancasila, back });
      expect(moved.location).to.equal(`/banks/${bankId}?type=truefalse&msg=moved`);
      // The parent category lists its subcategories' questions unless told not to.
      expect(text((await owner.get(`/banks/${bankId}?categoryId=${twk}`)).html)).to.include('Diubah truefalse 3');
      expect(text((await owner.get(`/banks/${bankId}?categoryId=${twk}&sub=false&sub=false`)).html)).not.to.include('Diubah truefalse 3');
      expect(text((await owner.get(`/banks/${bankId}?type=essay&q=Diubah`)).html)).to.include('1 soal ditemukan');
      await trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId: twk, type: 'essay', name: 'Kompetensi uji', stem: 'Uraikan', data: {}, competency: { code: 'MNJ-PP', level: 3 }, difficulty: 'easy' });
      const byCompetency = text((await owner.get(`/banks/${bankId}?competency=MNJ-PP&level=3&difficulty=easy`)).html);
      expect(byCompetency).to.include('1 soal ditemukan').and.include('Kompetensi uji');
      expect(text((await owner.get(`/banks/${bankId}?competency=MNJ-PP&level=2`)).html)).to.include('0 soal ditemukan');
      expect((await owner.post(`/bank-questions/${tf.qid}/copy`, { categoryId: rootCat, back })).location).to.include('msg=copied');
      expect(await Question().countDocuments({ bankId, name: tf.name, latest: true })).to.equal(2);
      expect((await owner.post(`/bank-questions/${tf.qid}/hidden`, { hidden: 'true', back })).location).to.include('msg=hidden');
      expect(text((await owner.get(`/banks/${bankId}?type=truefalse`)).html)).to.include('1 soal ditemukan');
      expect(text((await owner.get(`/banks/${bankId}?type=truefalse&hidden=true`)).html)).to.include('2 soal ditemukan').and.include('Tersembunyi');
      expect((await owner.post(`/bank-questions/${tf.qid}/hidden`, { hidden: 'false', back })).location).to.include('msg=shown');
      expect((await owner.post(`/bank-questions/${tf.qid}/delete`, { back })).location).to.include('msg=confirmdelete');
      expect(await Question().countDocuments({ qid: tf.qid })).to.equal(2);
      expect((await owner.post(`/bank-questions/${tf.qid}/delete`, { back, confirm: 'yes' })).location).to.include('msg=deleted');
      expect(await Question().countDocuments({ qid: tf.qid })).to.equal(0);
      // A foreign back link is ignored (no open redirect).
      const evil = await owner.post(`/bank-questions/${(await Question().findOne({ bankId, latest: true }).lean())!.qid}/hidden`, { hidden: 'false', back: 'https://evil.example/banks' });
      expect(evil.location).to.equal(`/banks/${bankId}?msg=shown`);
    });

    it('explains a question in use cannot be deleted and offers to hide it', async () => {
      const c = await createCourseWithQuiz(trainer);
      const used = (await Question().findById(c.questionIds[0]).lean())!;
      await Question().updateMany({ qid: used.qid }, { $set: { bankId, categoryId: rootCat } });
      const r = await owner.post(`/bank-questions/${used.qid}/delete`, { back: `/banks/${bankId}`, confirm: 'yes' });
      expect(r.status).to.equal(303);
      expect(r.location).to.equal(`/banks/${bankId}?msg=inuse&qid=${used.qid}`);
      const page = await owner.get(r.location!);
      expect(page.status).to.equal(200);
      expect(text(page.html)).to.include('tidak dapat dihapus').and.include('Sembunyikan soal ini');
      expect(await Question().countDocuments({ qid: used.qid })).to.equal(1);
    });

    it('paginates and links to the exports', async () => {
      for (let i = 0; i < 21; i++) await trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId: rootCat, type: 'truefalse', name: `Halaman ${i}`, stem: `Pernyataan ${i}`, data: { correct: true }, tags: ['halaman'] });
      const p1 = await owner.get(`/banks/${bankId}?tag=halaman`);
      expect(text(p1.html)).to.include('21 soal ditemukan').and.include('Halaman 1 dari 2');
      // Handlebars escapes = and & in attributes; the browser reads them back.
      expect(p1.html).to.include(`href="/banks/${bankId}?tag&#x3D;halaman&amp;page&#x3D;2"`);
      expect(p1.html.match(/<tr data-qid=/g)?.length).to.equal(20);
      const p2 = await owner.get(`/banks/${bankId}?tag=halaman&page=2`);
      expect(p2.html.match(/<tr data-qid=/g)?.length).to.equal(1);
      expect(p1.html).to.include(`/api/v1/banks/${bankId}/export?format&#x3D;gift`).and.include(`/api/v1/banks/${bankId}/export?format&#x3D;moodlexml`);
      // The export links work with the page's session.
      const gift = await owner.get(`/api/v1/banks/${bankId}/export?format=gift`);
      expect(gift.status).to.equal(200);
      expect(gift.html).to.include('::Halaman 20::');
    });
  });

  describe('import without JavaScript', () => {
    const GIFT = '$CATEGORY: $course$/top/Impor\n\n::Ibu kota:: Ibu kota Sulawesi Barat adalah {=Mamuju ~Makassar ~Kendari}\n\n::TF:: Bumi bulat. {T}\n\n::Bad:: Pilih {=a ~b\n\n::Ok2:: Berapa 2+2? {#4}\n';
    it('previews every question with its line and reason, stores nothing, then stores on confirm and reports', async () => {
      const page = await owner.get(`/banks/${bankId}/import`);
      expect(page.status).to.equal(200);
      expect(page.html).to.include('GIFT (Moodle)').and.include('Aiken').and.include('Moodle XML');
      const before = await Question().countDocuments();
      const p = await owner.post(`/banks/${bankId}/import`, { format: 'gift', categoryId: rootCat, text: GIFT, action: 'preview' });
      expect(p.status).to.equal(200);
      const t = text(p.html);
      expect(t).to.include('3 soal terbaca: 3 valid, 0 ditolak');
      expect(t).to.match(/Baris 7 : /);
      expect(p.html.match(/data-status="ok"/g)?.length).to.equal(3);
      expect(await Question().countDocuments()).to.equal(before);
      const importId = /name="importId" value="([^"]+)"/.exec(p.html)![1]!;
      const hiddenText = /name="text" value="([^"]*)"/.exec(p.html)![1]!;
      expect(hiddenText.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`')).to.equal(GIFT);
      const store = await owner.post(`/banks/${bankId}/import`, { format: 'gift', categoryId: rootCat, text: GIFT, action: 'store', importId });
      expect(store.status).to.equal(303);
      expect(store.location).to.equal(`/banks/${bankId}/imports/${importId}`);
      // A second confirm (double click, retry) stores nothing more.
      expect((await owner.post(`/banks/${bankId}/import`, { format: 'gift', categoryId: rootCat, text: GIFT, action: 'store', importId })).location).to.equal(store.location);
      expect(await Question().countDocuments()).to.equal(before + 3);
      const report = await owner.get(store.location!);
      expect(report.status).to.equal(200);
      expect(report.html).to.include('<strong data-testid="stored-count">3</strong>');
      expect(text(report.html)).to.include('Baris 7');
      // The file's own problem (the reader refused a question) in the reader's language, on the preview and in the report.
      const unclosedId = "Soal tidak diimpor: '{' belum ditutup sebelum baris kosong berikutnya (untuk menulis kurung kurawal sebagai teks biasa, tulis \\{).";
      const unclosedEn = "question not imported: '{' is not closed before the next blank line (write a literal brace as \\{)";
      expect(t).to.include(unclosedId).and.not.include(unclosedEn);
      expect(text(report.html)).to.include(unclosedId);
      expect(text((await owner.get(`${store.location!}?lang=en`)).html)).to.include(unclosedEn);
      expect((await stranger.get(store.location!)).status).to.equal(404);
    });
    it('lists a question its type rejects with the line and reason, in the reader\'s language', async () => {
      const file = '::One:: Pilih satu {=a ~b}\n\n::None:: Pilih satu {~a ~b}\n';
      const p = await owner.post(`/banks/${bankId}/import`, { format: 'gift', text: file, action: 'preview' });
      expect(p.status).to.equal(200);
      expect(text(p.html)).to.include('2 soal terbaca: 1 valid, 1 ditolak');
      expect(p.html).to.match(/data-status="rejected"><td>3<\/td>/);
      const reasonId = 'Opsi: Pada soal beberapa jawaban benar, nilai opsi yang positif harus berjumlah 100 %.';
      const reasonEn = 'Options: In a question with several right answers, the positive grades must add up to 100 %.';
      // The GIFT reader's own warning about the same question, in the reader's language too.
      const warningId = "Bobot yang positif berjumlah 0 %, bukan 100 % (blok tanpa '=' dibaca sebagai soal beberapa jawaban benar).";
      const warningEn = "the positive weights add up to 0 %, not 100 % (a block without '=' is multiple response)";
      expect(text(p.html)).to.include(reasonId).and.include(warningId).and.not.include('positive fractions').and.not.include(warningEn);
      expect(p.html).to.include('Simpan 1 soal yang valid');
      expect(text((await owner.post(`/banks/${bankId}/import?lang=en`, { format: 'gift', text: file, action: 'preview' })).html)).to.include(reasonEn).and.include(warningEn);
      // The API keeps its English reasons and adds the details a page translates.
      const api = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: 'gift', text: file, dry_run: true });
      // (The GIFT reader's own warning comes first.)
      const rejected = api.body.entries[1] as { reasons: string[]; details: unknown[] };
      expect(rejected.reasons).to.have.lengthOf(rejected.details.length).and.include('options: the positive fractions of a multiple-answer question must add up to 100 %');
      expect(rejected.reasons[0]).to.equal(warningEn);
      expect(rejected.details[0]).to.deep.equal({ path: [], message: warningEn, i18n: 'import-gift:problems.positiveTotal', args: { total: 0 } });
      expect(rejected.details).to.deep.include({ path: ['options'], message: 'the positive fractions of a multiple-answer question must add up to 100 %', i18n: 'question-multichoice:errors.multipleTotal' });
      // …and the same reasons in the caller's language, for the import page's script.
      expect((api.body.entries[1] as { localizedReasons: string[] }).localizedReasons).to.include(reasonId).and.include(warningId);
      const apiEn = await trainer.api.request('POST', `/api/v1/banks/${bankId}/imports`, { format: 'gift', text: file, dry_run: true }, { cookie: 'bina_lang=en' });
      expect(apiEn.body.entries[1].localizedReasons).to.include(reasonEn).and.include(warningEn);
      // The stored report is shown in the reader's language too; one stored before reasons had details shows them as stored.
      const store = await owner.post(`/banks/${bankId}/import`, { format: 'gift', categoryId: rootCat, text: file, action: 'store', importId: randomUUID() });
      expect(store.status).to.equal(303);
      expect(text((await owner.get(store.location!)).html)).to.include(reasonId).and.include(warningId);
      expect(text((await owner.get(`${store.location!}?lang=en`)).html)).to.include(reasonEn).and.include(warningEn);
      const importId = store.location!.split('/').pop()!;
      await env.kernel.services.conn.model('learning_imports').updateOne({ _id: importId }, { $unset: { 'rejected.0.details': 1 } });
      expect(text((await owner.get(store.location!)).html)).to.include('options: the positive fractions of a multiple-answer question must add up to 100 %');
    });
    it("shows the Aiken and Moodle XML readers' own problems in the reader's language: preview, API and report", async () => {
      const cases = [
        {
          format: 'aiken', line: 1, text: 'Ibu kota Sulawesi Barat?\nA. Mamuju\nB. Makassar\n\nSiapa proklamator?\nA. Soekarno\nB. Hatta\nANSWER: A\n',
          en: "question not imported: no 'ANSWER:' line after its options (a new question starts on line 5)",
          id: "Soal tidak diimpor: tidak ada baris 'ANSWER:' setelah opsi-opsinya (soal berikutnya sudah dimulai di baris 5).",
        },
        {
          format: 'moodlexml', line: 2, text: '<quiz>\n<question type="multianswer"><name><text>Cloze</text></name><questiontext><text>{1:SA:=x}</text></questiontext></question>\n<question type="essay"><name><text>E</text></name><questiontext><text>Tulis</text></questiontext></question>\n</quiz>\n',
          en: 'question not imported: question type "multianswer" (embedded answers (Cloze)) is not supported',
          id: 'Soal tidak diimpor: jenis soal "multianswer" (jawaban tersisip (Cloze)) tidak didukung.',
        },
      ];
      for (const c of cases) {
        const p = await owner.post(`/banks/${bankId}/import`, { format: c.format, categoryId: rootCat, text: c.text, action: 'preview' });
        expect(p.status).to.equal(200);
        expect(text(p.html), c.format).to.include(`Baris ${c.line} : ${c.id}`).and.not.include(c.en);
        expect(text((await owner.post(`/banks/${bankId}/import?lang=en`, { format: c.format, text: c.text, action: 'preview' })).html), c.format).to.include(c.en);
        // The API keeps the English message and adds the key and the caller's language.
        const api = await trainer.api.post(`/api/v1/banks/${bankId}/imports`, { format: c.format, text: c.text, dry_run: true });
        expect(api.body.problems[0], c.format).to.include({ message: c.en, i18n: 'bank.import.notImported', localizedMessage: c.id });
        const apiEn = await trainer.api.request('POST', `/api/v1/banks/${bankId}/imports`, { format: c.format, text: c.text, dry_run: true }, { cookie: 'bina_lang=en' });
        expect(apiEn.body.problems[0].localizedMessage, c.format).to.equal(c.en);
        // The report keeps the key, so it shows the reader's language whenever it is read.
        const store = await owner.post(`/banks/${bankId}/import`, { format: c.format, categoryId: rootCat, text: c.text, action: 'store', importId: randomUUID() });
        expect(store.status).to.equal(303);
        expect(text((await owner.get(store.location!)).html), c.format).to.include(c.id);
        expect(text((await owner.get(`${store.location!}?lang=en`)).html), c.format).to.include(c.en);
        const report = await trainer.api.get(`/api/v1/imports/${store.location!.split('/').pop()}`);
        expect(report.body.import.problems[0], c.format).to.include({ message: c.en, localizedMessage: c.id });
      }
    });
    it('answers an unknown format or an empty text with 400 and the form again', async () => {
      const r = await owner.post(`/banks/${bankId}/import`, { format: 'docx', text: 'x' });
      expect(r.status).to.equal(400);
      expect(text(r.html)).to.include('Format tidak dikenal');
      const e = await owner.post(`/banks/${bankId}/import`, { format: 'gift', text: '  ' });
      expect(e.status).to.equal(400);
      expect(text(e.html)).to.include('Pilih berkas atau tempel teks soal');
    });

    it('speaks English when asked', async () => {
      const r = await owner.get(`/banks/${bankId}/import?lang=en`);
      expect(r.html).to.include('Import questions').and.include('Target category');
    });
  });
});
