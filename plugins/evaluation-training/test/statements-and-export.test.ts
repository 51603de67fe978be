/**
 * Against real services: a trainer sets a course's reaction statements (validated, the form kept
 * as typed on a refusal, answers already given keep the statements they answered, ADR 0066), and
 * the course's evaluation goes out as CSV and XLSX without anything that would break level 1's
 * anonymity (no response rows, no names, nothing below the threshold).
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { createCourseWithQuiz, createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../../../test/support/harness';
import type { Evaluation } from '../index';

const PLUGINS = ['evaluation-training', 'question-likert', 'activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse', 'notify-inbox'];
const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const DEFAULT_ID = ['Materi pelatihan relevan dengan pekerjaan saya.', 'Materi disajikan dengan jelas dan runtut.', 'Pengajar atau narasumber menguasai materi.', 'Metode pembelajaran membuat saya terlibat aktif.', 'Sarana dan platform pembelajaran mendukung.', 'Saya yakin dapat menerapkan yang saya pelajari di tempat kerja.'];
const NEW_TEXT = 'Contoh kasus sesuai dengan tugas saya sehari-hari.';

/** A url-encoded body with repeated fields. */
function body(fields: Array<[string, string]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of fields) p.append(k, v);
  return p.toString();
}

describe('evaluation-training: reaction statements and the export', function () {
  this.timeout(180_000);
  let env: TestEnv;
  let trainer: TestUser;
  let ev: Evaluation;
  let courseId: string;
  const learners: TestUser[] = [];
  const itemsUrl = () => `/evaluation-training/courses/${courseId}/items`;

  before(async () => {
    env = await startTestEnv({ only: PLUGINS });
    trainer = await createUser(env, 'trainer', 'Widyaiswara Pernyataan');
    ev = env.kernel.services.providers.require('evaluation-training').impl as Evaluation;
    courseId = (await createCourseWithQuiz(trainer)).courseId;
    for (const name of ['Hana Peserta', 'Irfan Peserta', 'Joko Peserta']) {
      const l = await createUser(env, 'learner', name);
      expect((await l.api.post(`/api/v1/courses/${courseId}/enrol`)).status).to.equal(201);
      for (const a of await env.kernel.learning.activities(courseId)) await env.kernel.learning.markProgress(l.id, a, 'completed');
      await waitFor(() => ev.reaction.Offer.findById(`${courseId}-${l.id}`).lean(), 'the survey offer');
      learners.push(l);
    }
    // Hana answers the six default statements.
    const answers = { relevance: '5', clarity: '2', trainer: '5', engagement: '4', facilities: '4', apply: '5' };
    expect((await learners[0]!.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers, comment: 'Komentar Hana yang rahasia.' })).status).to.equal(201);
  });
  after(() => env?.stop());

  it('goes out as CSV with counts only while a cohort is below the threshold', async () => {
    const csv = await trainer.api.request('GET', `/evaluation-training/courses/${courseId}/evaluation.csv`, undefined, { accept: 'text/csv' });
    expect(csv.status).to.equal(200);
    const text = String(csv.body);
    expect(text).to.contain('Jawaban belum cukup');
    expect(text).not.to.contain('Komentar Hana');
    for (const s of DEFAULT_ID) expect(text).not.to.contain(s);
  });

  it('shows the trainer the statements to edit, linked from the evaluation page', async () => {
    const page = String((await trainer.api.request('GET', `/evaluation-training/courses/${courseId}`, undefined, { accept: 'text/html' })).body);
    expect(page).to.contain(`href="${itemsUrl()}"`).and.to.contain(`/evaluation-training/courses/${courseId}/evaluation.csv`).and.to.contain(`/evaluation-training/courses/${courseId}/evaluation.xlsx`);
    const edit = await trainer.api.request('GET', itemsUrl(), undefined, { accept: 'text/html' });
    expect(edit.status).to.equal(200);
    for (const s of DEFAULT_ID) expect(String(edit.body)).to.contain(`value="${s.replace(/[()]/g, (c) => c)}"`);
    expect(String(edit.body)).to.contain('Sudah ada 1 jawaban');
    expect((await learners[1]!.api.request('GET', itemsUrl(), undefined, { accept: 'text/html' })).status).to.equal(403);
  });

  it('refuses a bad list with reasons beside the fields, keeping what was typed', async () => {
    const typed: Array<[string, string]> = [['item', DEFAULT_ID[0]!], ['item', 'Oke'], ['item', ''], ['item', DEFAULT_ID[0]!.toUpperCase()], ['item', 'Pernyataan baru yang <b>tebal</b> & aman.'], ['action', 'save']];
    const r = await trainer.api.request('POST', itemsUrl(), body(typed), form);
    expect(r.status).to.equal(400);
    const html = String(r.body);
    expect(html).to.match(/id="item_2"[^>]*value="Oke"|value="Oke"[^>]*id="item_2"/);
    expect(html).to.contain('id="item_2_error"').and.to.contain('Tulis 5 sampai 300 karakter.');
    expect(html).to.contain('id="item_4_error"').and.to.contain('Pernyataan ini sama dengan pernyataan lain.');
    expect(html).to.contain('Pernyataan baru yang &lt;b&gt;tebal&lt;/b&gt; &amp; aman.');
    expect(html).not.to.contain('id="item_5_error"');
    const none = await trainer.api.put(`/api/v1/evaluation-training/courses/${courseId}/reaction-items`, { statements: ['', '  '] });
    expect(none.status).to.equal(400);
    expect(none.body.error.code).to.equal('BINA_ERR_EVALUATION_ITEMS');
    expect(await ev.reaction.forms.customised({ kind: 'course', id: courseId })).to.equal(false);
  });

  it('keeps earlier answers on the statements they answered when the list changes', async () => {
    // The first default typed in English stays the default; the second is replaced; the rest kept.
    const list = ['The training content is relevant to my work.', NEW_TEXT, ...DEFAULT_ID.slice(2)];
    const saved = await trainer.api.request('POST', itemsUrl(), body([...list.map((s): [string, string] => ['item', s]), ['action', 'save']]), form);
    expect(saved.status).to.equal(303);
    const survey = await learners[1]!.api.get(`/api/v1/evaluation-training/courses/${courseId}/reaction`);
    const keys = (survey.body.items as Array<{ key: string; statement: string }>).map((i) => i.key);
    expect(keys[0]).to.equal('relevance');
    expect(keys[1]).to.match(/^[a-f0-9]{24}$/);
    expect(keys.slice(2)).to.deep.equal(['trainer', 'engagement', 'facilities', 'apply']);
    expect(survey.body.items[1].statement).to.equal(NEW_TEXT);

    // An answer to a statement no longer asked is refused with a reason.
    const old = await learners[1]!.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers: { relevance: '4', clarity: '3' } });
    expect(old.status).to.equal(400);
    // A page opened before the change posts its old version: the learner sees the new statements (409), the comment kept.
    const stale = await learners[1]!.api.request('POST', `/evaluation-training/courses/${courseId}/reaction`, body([['version', 'versi-lama'], ['q_s1', '4'], ['comment', 'Komentar Irfan.']]), form);
    expect(stale.status).to.equal(409);
    expect(String(stale.body)).to.contain(NEW_TEXT).and.to.contain('Komentar Irfan.').and.to.contain('baru saja diubah');
    const answers = Object.fromEntries(keys.map((k) => [k, '3']));
    expect((await learners[1]!.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers, comment: 'Komentar Irfan.' })).status).to.equal(201);

    const r = await trainer.api.get(`/api/v1/evaluation-training/courses/${courseId}/evaluation`);
    const cohort = r.body.reaction.cohorts[0];
    expect(cohort).to.deep.include({ invited: 3, respondents: 2, shown: true });
    const item = (key: string) => cohort.items.find((i: { item: string }) => i.item === key);
    expect(item('relevance')).to.include({ mean: 4, n: 2, current: true });
    expect(item('clarity')).to.include({ mean: 2, n: 1, current: false, statement: DEFAULT_ID[1] });
    expect(item(keys[1]!)).to.include({ mean: 3, n: 1, current: true, statement: NEW_TEXT });
    const page = String((await trainer.api.request('GET', `/evaluation-training/courses/${courseId}`, undefined, { accept: 'text/html' })).body);
    expect(page).to.contain('tidak ditanyakan lagi').and.to.contain(NEW_TEXT);

    // Saving the same list again makes no new statement; going back to the defaults keeps the answers.
    const before = await ev.reaction.forms.Item.countDocuments();
    expect((await trainer.api.put(`/api/v1/evaluation-training/courses/${courseId}/reaction-items`, { statements: list })).status).to.equal(200);
    expect(await ev.reaction.forms.Item.countDocuments()).to.equal(before);
    const reset = await trainer.api.put(`/api/v1/evaluation-training/courses/${courseId}/reaction-items`, { defaults: true });
    expect(reset.body.items.map((i: { key: string }) => i.key)).to.deep.equal(['relevance', 'clarity', 'trainer', 'engagement', 'facilities', 'apply']);
    const after = (await trainer.api.get(`/api/v1/evaluation-training/courses/${courseId}/evaluation`)).body.reaction.cohorts[0];
    expect(after.items.find((i: { item: string }) => i.item === keys[1])).to.include({ n: 1, current: false });
  });

  it('exports levels 1–4 as CSV and XLSX with no name, id or single response of level 1', async () => {
    const csv = await trainer.api.request('GET', `/evaluation-training/courses/${courseId}/evaluation.csv`, undefined, { accept: 'text/csv' });
    expect(csv.status).to.equal(200);
    const text = String(csv.body);
    expect(text).to.contain('Komentar Hana yang rahasia.').and.to.contain('Komentar Irfan.').and.to.contain(NEW_TEXT);
    const level1 = text.slice(0, text.indexOf('Pembelajaran'));
    for (const l of learners) for (const trace of [l.id, l.username]) expect(text).not.to.contain(trace);
    for (const name of ['Hana Peserta', 'Irfan Peserta', 'Joko Peserta']) expect(level1).not.to.contain(name);

    const xlsx = await fetch(`${env.url}/evaluation-training/courses/${courseId}/evaluation.xlsx`, { headers: { authorization: `Bearer ${trainer.token}` } });
    expect(xlsx.status).to.equal(200);
    expect(xlsx.headers.get('content-type')).to.contain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).to.have.length(6);
    const cells = (i: number) => {
      const out: string[] = [];
      wb.worksheets[i]!.eachRow((row) => row.eachCell((c) => void out.push(String(c.value))));
      return out;
    };
    const l1 = [...cells(0), ...cells(1)];
    expect(l1).to.include('Komentar Irfan.');
    expect(l1.filter((c) => c === 'Komentar Hana yang rahasia.')).to.have.length(1);
    for (const l of learners) for (const trace of [l.id, l.username, 'Hana Peserta', 'Irfan Peserta']) expect(l1.join('|')).not.to.contain(trace);
    // Only a header row and the cohort's rows: no row per response.
    expect(wb.worksheets[0]!.rowCount).to.equal(1 + 7);
    expect((await learners[0]!.api.request('GET', `/evaluation-training/courses/${courseId}/evaluation.xlsx`)).status).to.equal(403);
    expect(await env.kernel.services.conn.collection('evaluation-training_responses').countDocuments({ courseId: new Types.ObjectId(courseId) })).to.equal(2);
  });
});
