/**
 * Running a course over the API: enrol people and whole units (with the units below them),
 * unenrol, progress per learner and its CSV; the grades (per activity and per question) as JSON,
 * CSV and XLSX. Bad input and people who do not teach the course are refused.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createCourseWithQuiz, createUser, makeNip, startTestEnv, TEST_PASSWORD, waitFor, type TestEnv, type TestUser } from '../support/harness';

describe('course participants and grades', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let other: TestUser;
  let learner: TestUser;
  let course: Awaited<ReturnType<typeof createCourseWithQuiz>>;
  let unitId: string;
  let subUnitMembers: string[];

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    other = await createUser(env, 'trainer');
    learner = await createUser(env, 'learner', 'Andi Pratama');
    course = await createCourseWithQuiz(trainer);
    const Unit = env.kernel.identity.models.Unit;
    const top = await Unit.create({ code: `U${Date.now()}`, name: 'BKPSDM Uji' });
    const sub = await Unit.create({ code: `S${Date.now()}`, name: 'Bidang Uji', parentId: top._id });
    unitId = String(top._id);
    subUnitMembers = [];
    for (const name of ['Budi Unit', 'Citra Unit']) {
      const u = await env.kernel.identity.createUser({ nip: makeNip(), name, password: TEST_PASSWORD, roles: ['learner'], unitId: String(sub._id) });
      subUnitMembers.push(String(u._id));
    }
  });
  after(() => env?.stop());

  const url = () => `/api/v1/courses/${course.courseId}/participants`;

  it('finds people by name or NIP for the trainer, and not for a learner', async () => {
    const hits = await trainer.api.get('/api/v1/people?q=Andi%20Prat');
    expect(hits.body.people.map((p: { id: string }) => p.id)).to.deep.equal([learner.id]);
    expect((await trainer.api.get('/api/v1/people?q=A')).status).to.equal(400);
    expect((await learner.api.get('/api/v1/people?q=Andi')).status).to.equal(403);
  });

  it('enrols a person and a whole unit with the units below it, idempotently', async () => {
    const r = await trainer.api.post(url(), { userIds: [learner.id], unitIds: [unitId] });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.equal({ enrolled: 3, already: 0 });
    expect((await trainer.api.post(url(), { userIds: [learner.id] })).body).to.deep.equal({ enrolled: 0, already: 1 });
    const list = (await trainer.api.get(url())).body.participants;
    expect(list.map((p: { userId: string }) => p.userId)).to.have.members([learner.id, ...subUnitMembers]);
    expect(list[0]).to.include({ completed: 0, total: 2 });
  });

  it('refuses unknown people, empty requests and trainers of other courses', async () => {
    const unknown = await trainer.api.post(url(), { userIds: ['0123456789abcdef01234567'] });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.details[0].path).to.equal('userIds');
    expect((await trainer.api.post(url(), {})).status).to.equal(400);
    expect((await trainer.api.post(url(), { userIds: ['x'] })).status).to.equal(400);
    expect((await other.api.post(url(), { userIds: [learner.id] })).status).to.equal(403);
    expect((await other.api.get(url())).status).to.equal(403);
    expect((await learner.api.get(url())).status).to.equal(403);
    expect((await other.api.get(`/api/v1/courses/${course.courseId}/grades`)).status).to.equal(403);
  });

  it('unenrols a person (404 when not a participant) and exports the participants as CSV', async () => {
    expect((await trainer.api.delete(`${url()}/${subUnitMembers[1]}`)).status).to.equal(200);
    expect((await trainer.api.delete(`${url()}/${subUnitMembers[1]}`)).status).to.equal(404);
    const csv = await fetch(`${env.url}${url()}/export`, { headers: { authorization: `Bearer ${trainer.token}` } });
    expect(csv.headers.get('content-type')).to.match(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]); // the BOM spreadsheet programs need for UTF-8
    const text = bytes.toString('utf8');
    expect(text).to.include('Andi Pratama').and.to.include('Budi Unit').and.not.to.include('Citra Unit');
  });

  it('reports the marks per activity and per question as JSON, CSV and XLSX', async () => {
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`);
    for (const q of start.body.questions) {
      const response = q.type === 'truefalse' ? { value: true } : { selected: [q.view.options.find((o: { text: string }) => o.text === 'Benar').id] };
      await learner.api.put(`/api/v1/activity-quiz/attempts/${start.body.attempt.id}/answers/${q.slot}`, { seq: 1, response });
    }
    await learner.api.post(`/api/v1/activity-quiz/attempts/${start.body.attempt.id}/submit`);
    const grades = await waitFor(async () => {
      const g = (await trainer.api.get(`/api/v1/courses/${course.courseId}/grades`)).body;
      const mine = g.learners?.find((l: { userId: string }) => l.userId === learner.id);
      return mine?.grades[g.activities[0].id] ? g : null;
    }, 'the graded quiz in the grades');
    expect(grades.activities).to.have.length(1);
    expect(grades.activities[0].questions.map((q: { label: string }) => q.label)).to.deep.equal(['1', '2']);
    const cell = grades.learners.find((l: { userId: string }) => l.userId === learner.id).grades[grades.activities[0].id];
    expect(cell).to.include({ score: 2, maxScore: 2, passed: true });
    expect(Object.values(cell.questions)).to.deep.equal([1, 1]);

    const csv = await (await fetch(`${env.url}/api/v1/courses/${course.courseId}/grades/export?format=csv`, { headers: { authorization: `Bearer ${trainer.token}` } })).text();
    const line = csv.split('\r\n').find((l) => l.includes('Andi Pratama'))!;
    expect(line.split(',').slice(-3)).to.deep.equal(['2', '1', '1']);

    const xlsx = await fetch(`${env.url}/api/v1/courses/${course.courseId}/grades/export?format=xlsx`, { headers: { authorization: `Bearer ${trainer.token}` } });
    expect(xlsx.headers.get('content-type')).to.match(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const rows = ws.getSheetValues().filter(Boolean) as unknown[][];
    const andi = rows.find((r) => r.includes('Andi Pratama'))!;
    expect(andi.slice(-3)).to.deep.equal([2, 1, 1]);
    expect((await trainer.api.get(`/api/v1/courses/${course.courseId}/grades/export?format=pdf`)).status).to.equal(400);
  });
});
