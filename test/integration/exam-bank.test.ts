/**
 * Exams whose sections draw from the question bank: the pool route counts what a rule can draw
 * from (a category with the ones below it, a tag, a competency and its level) for the form's live
 * count; sections may only name banks the author may use and categories of that bank; an exam
 * built so starts with every section filled. Bad input and other trainers are refused.
 */
import { expect } from 'chai';
import { createUser, startTestEnv, type TestEnv, type TestUser } from '../support/harness';

const mc = { single: true, shuffle: true, options: [{ id: 'ka', text: 'Benar', fraction: 1 }, { id: 'kb', text: 'Salah', fraction: 0 }] };

describe('activity-exam sections drawn from the question bank', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let other: TestUser;
  let courseId: string;
  let bankId: string;
  let twk: string;
  let tiu: string;
  let otherBank: string;

  before(async () => {
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer');
    other = await createUser(env, 'trainer');
    courseId = (await trainer.api.post('/api/v1/courses', { title: 'Kursus Ujian Bank', jp: 2, published: true })).body.course.id;
    bankId = (await trainer.api.post('/api/v1/banks', { name: 'Bank CAT', owner: { type: 'course', id: courseId } })).body.bank.id;
    const root = (await trainer.api.get(`/api/v1/banks/${bankId}/categories`)).body.categories[0].id;
    twk = (await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'TWK', parentId: root })).body.category.id;
    const sub = (await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'Pilar', parentId: twk })).body.category.id;
    tiu = (await trainer.api.post(`/api/v1/banks/${bankId}/categories`, { name: 'TIU', parentId: root })).body.category.id;
    const add = (categoryId: string, name: string, extra: Record<string, unknown> = {}) =>
      trainer.api.post(`/api/v1/banks/${bankId}/questions`, { categoryId, type: 'multichoice', name, stem: name, data: mc, ...extra });
    for (let i = 0; i < 3; i++) await add(twk, `TWK ${i}`, { tags: ['pancasila'], competency: { code: 'SK-PB', level: i + 1 } });
    for (let i = 0; i < 2; i++) await add(sub, `Pilar ${i}`);
    for (let i = 0; i < 4; i++) await add(tiu, `TIU ${i}`, { tags: ['deret'] });
    const otherCourse = (await other.api.post('/api/v1/courses', { title: 'Lain', jp: 1 })).body.course.id;
    otherBank = (await other.api.post('/api/v1/banks', { name: 'Bank Lain', owner: { type: 'course', id: otherCourse } })).body.bank.id;
  });
  after(() => env?.stop());

  const pool = (who: TestUser, q: string) => who.api.get(`/api/v1/activity-exam/pool?courseId=${courseId}${q}`);

  it('counts a category with the categories below it, a tag, and a competency at a level', async () => {
    expect((await pool(trainer, `&source=${bankId}:${twk}`)).body.available).to.equal(5);
    expect((await pool(trainer, `&source=${bankId}`)).body.available).to.equal(9);
    expect((await pool(trainer, `&source=${bankId}&tag=deret`)).body.available).to.equal(4);
    expect((await pool(trainer, `&source=${bankId}:${twk}&competency=SK-PB&level=2`)).body.available).to.equal(1);
    expect((await pool(trainer, '')).body.available).to.equal(0); // the course's own questions: none outside the bank
  });

  it('refuses a malformed source, a bank the author may not use, and another course', async () => {
    const bad = await pool(trainer, '&source=nope');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal('source');
    expect((await pool(trainer, `&source=${otherBank}`)).status).to.equal(400);
    expect((await pool(trainer, '&level=9')).status).to.equal(400);
    expect((await pool(other, `&source=${bankId}`)).status).to.equal(403);
  });

  it('creates an exam whose sections draw from bank categories, and a learner starts it with every section filled', async () => {
    const created = await trainer.api.post('/api/v1/activity-exam/exams', {
      courseId, title: 'CAT dari bank', timeLimitMinutes: 30,
      sections: [
        { key: 'twk', title: 'TWK', draw: { count: 4, mark: 5, bankId, categoryIds: [twk] } },
        { key: 'tiu', title: 'TIU', draw: { count: 3, mark: 5, bankId, categoryIds: [tiu], tags: ['deret'] } },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.pools.map((p: { available: number }) => p.available)).to.deep.equal([3, 4]); // exact categories, as stored
    const learner = await createUser(env, 'learner');
    await learner.api.post(`/api/v1/courses/${courseId}/enrol`);
    const start = await learner.api.post(`/api/v1/activity-exam/exams/${created.body.exam.id}/attempts`);
    expect(start.status).to.equal(409); // twk asks 4 of 3: the exam page shows the short pool before the exam day
    const fixed = await trainer.api.patch(`/api/v1/activity-exam/exams/${created.body.exam.id}`, {
      sections: [
        { key: 'twk', title: 'TWK', draw: { count: 3, mark: 5, bankId, categoryIds: [twk] } },
        { key: 'tiu', title: 'TIU', draw: { count: 3, mark: 5, bankId, categoryIds: [tiu], tags: ['deret'] } },
      ],
    });
    expect(fixed.status).to.equal(200);
    const again = await learner.api.post(`/api/v1/activity-exam/exams/${created.body.exam.id}/attempts`);
    expect(again.status, JSON.stringify(again.body)).to.equal(201);
    expect(again.body.questions).to.have.length(6);
  });

  it('refuses sections that name another trainer\'s bank or a category outside the bank', async () => {
    const foreign = await trainer.api.post('/api/v1/activity-exam/exams', { courseId, title: 'x', sections: [{ key: 'a', title: 'A', draw: { count: 1, bankId: otherBank } }] });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.error.details[0].path).to.equal('sections.0.draw.bankId');
    const outside = await trainer.api.post('/api/v1/activity-exam/exams', { courseId, title: 'x', sections: [{ key: 'a', title: 'A', draw: { count: 1, bankId, categoryIds: ['0123456789abcdef01234567'] } }] });
    expect(outside.status).to.equal(400);
    expect(outside.body.error.details[0].path).to.equal('sections.0.draw.categoryIds');
  });
});
