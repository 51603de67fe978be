/**
 * Closing the loop (ADR 0060): a low element of a service unit's latest period recommends the
 * courses tagged with its competencies to the ASN of the unit's organisation unit and the units
 * below it (home page, with the reason), not to others; the unit head sees the finding on the unit
 * dashboard beside JP compliance, competency gaps and open feedback; other units are refused.
 */
import { expect } from 'chai';
import { ApiClient, createUser, startTestEnv, uniqueName, type TestEnv, type TestUser } from '../../../test/support/harness';
import { lowElementsOf, type LoopSettings } from '../development-loop';

const html = { accept: 'text/html' };
const settings: LoopSettings = { lowElementBelow: 3, minRespondents: 2, elementCompetencies: { kompetensi: ['MNJ-OPH'], perilaku: ['MNJ-PP', 'MNJ-KOM'] } };
const all = (v: number) => Array.from({ length: 9 }, () => v);
const withElement = (i: number, v: number, rest = 4) => all(rest).map((x, k) => (k === i ? v : x));

describe('survey-skm: low elements', () => {
  it('are the elements of the latest period with enough respondents whose exact average is below the threshold', () => {
    const rows = [
      // 2026-S1: kompetensi (U6) averages exactly 3 (not low), perilaku (U7) 2.5 (low).
      { period: '2026-S1', scores: withElement(6, 2).map((x, k) => (k === 5 ? 3 : x)) },
      { period: '2026-S1', scores: withElement(6, 3).map((x, k) => (k === 5 ? 3 : x)) },
      // 2026-S2 has one respondent: below minRespondents, so S1 is the latest that counts.
      { period: '2026-S2', scores: all(1) },
    ];
    const low = lowElementsOf(rows, settings);
    expect(low).to.deep.equal([{ element: 'perilaku', number: 7, period: '2026-S1', respondents: 2, average: 2.5, threshold: 3, competencies: ['MNJ-PP', 'MNJ-KOM'] }]);
    // Just below: 2.999… (sum 2999 of 1000) is low; exactly 3 is not.
    const many = (v: number, n: number) => Array.from({ length: n }, (_, k) => ({ period: '2026-S1', scores: withElement(5, k === 0 ? v : 3) }));
    expect(lowElementsOf(many(2, 1000), { ...settings, minRespondents: 1 }).map((l) => l.element)).to.deep.equal(['kompetensi']);
    expect(lowElementsOf(many(3, 1000), { ...settings, minRespondents: 1 })).to.deep.equal([]);
  });
});

describe('survey-skm: closing the loop', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let head: TestUser;
  let asn: TestUser;
  let outsider: TestUser;
  let otherUnitId: string;
  let slug: string;

  before(async () => {
    env = await startTestEnv({ only: ['question-likert', 'survey-skm', 'feedback-public'], env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minFillSeconds: 0, submitsPerMinute: 1000, minRespondents: 2, lowElementBelow: 3 } }) } });
    const { Unit, User } = env.kernel.identity.models;
    const agency = await Unit.create({ code: uniqueName('AG'), name: 'Pemerintah Kabupaten Mamuju' });
    const bkpsdm = await Unit.create({ code: uniqueName('BK'), name: 'BKPSDM', parentId: agency._id });
    const bidang = await Unit.create({ code: uniqueName('BD'), name: 'Bidang Pengembangan Kompetensi', parentId: bkpsdm._id });
    const dinas = await Unit.create({ code: uniqueName('DN'), name: 'Dinas Pendidikan', parentId: agency._id });
    otherUnitId = String(dinas._id);
    head = await createUser(env, 'learner', 'Yusuf Kepala');
    asn = await createUser(env, 'learner', 'Rina Pegawai');
    outsider = await createUser(env, 'learner', 'Guru Dinas');
    await User.updateOne({ _id: head.id }, { $set: { unitId: bkpsdm._id, unitHeadOf: [bkpsdm._id] } });
    await User.updateOne({ _id: asn.id }, { $set: { unitId: bidang._id } });
    await User.updateOne({ _id: outsider.id }, { $set: { unitId: dinas._id } });
    const now = new Date();
    await env.kernel.learning.models.Course.create({ title: 'Orientasi pada Hasil dalam Pelayanan', description: '', jp: 4, competencies: [{ code: 'MNJ-OPH', level: 2 }], trainerIds: [], published: true, createdAt: now, updatedAt: now });
    await env.kernel.learning.models.Course.create({ title: 'Kursus Draf', description: '', jp: 2, competencies: [{ code: 'MNJ-OPH', level: 3 }], trainerIds: [], published: false, createdAt: now, updatedAt: now });

    const admin = await createUser(env, 'admin');
    slug = uniqueName('kepegawaian').toLowerCase().replace(/_/g, '-');
    const created = await admin.api.request('POST', '/survey-skm/admin/units', { name: 'Layanan Kepegawaian', slug, coreUnitId: String(bkpsdm._id), serviceStandardDays: '5' }, html);
    expect(created.status).to.equal(302);
    // Two citizens rate kompetensi pelaksana (U6) 2 and 3: average 2.50, below 3; the rest 4.
    for (const u6 of [2, 3]) {
      const c = new ApiClient(env.url);
      const page = String((await c.request('GET', `/survey-skm/u/${slug}`, undefined, html)).body);
      const form = { _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]!, ticket: /name="ticket" value="([^"]+)"/.exec(page)![1]!, website: '', ...Object.fromEntries(withElement(5, u6).map((v, i) => [`u${i + 1}`, String(v)])) };
      expect((await c.request('POST', `/survey-skm/u/${slug}`, form, html)).status).to.equal(303);
    }
  });
  after(() => env?.stop());

  it('recommends the tagged published course to the unit\'s ASN with the reason, and not to others', async () => {
    const home = String((await asn.api.request('GET', '/', undefined, html)).body);
    expect(home).to.contain('data-testid="recommended"').and.contain('Orientasi pada Hasil dalam Pelayanan').and.not.contain('Kursus Draf');
    expect(home).to.match(/data-testid="rec-reason">.*Warga menilai Kompetensi pelaksana di Layanan Kepegawaian kurang pada periode \d{4}-S[12]: rata-rata 2,50 dari 4, di bawah 3,00\./s);
    const other = String((await outsider.api.request('GET', '/', undefined, html)).body);
    expect(other).to.not.contain('data-testid="rec-reason"');
  });

  it('shows the unit head the IKM, the finding and its courses beside JP, gaps and open feedback', async () => {
    // One of the three ASN of the head's units met this year's JP target: 33.33 %, written as the
    // JP report writes it (Indonesian decimal comma, 2 decimals), not "33,3".
    const third = await createUser(env, 'learner', 'Andi Staf');
    await env.kernel.identity.models.User.updateOne({ _id: third.id }, { $set: { unitId: (await env.kernel.identity.models.User.findById(asn.id).lean())!.unitId } });
    const at = env.kernel.services.clock.now();
    await env.kernel.learning.jp.credit({ userId: asn.id, source: 'event', sourceId: uniqueName('ev'), title: 'Pelatihan Pelayanan Prima', kind: 'seminar', provider: 'BKPSDM', jp: 24, startDate: at, endDate: at }, 'test');
    const report = String((await head.api.request('GET', '/jp/report', undefined, html)).body);
    expect(report).to.match(/data-testid="report-share">33,33</);
    const r = await head.api.request('GET', '/units/dashboard', undefined, html);
    expect(r.status).to.equal(200);
    const page = String(r.body);
    for (const panel of ['survey-skm.ikm', 'core.jp', 'core.competency', 'feedback-public.open']) expect(page).to.contain(`data-testid="panel-${panel}"`);
    // [4,4,4,4,4,2.5,4,4,4]: Σ = 34.5 → 34.5/9 × 25 = 95.83 (A).
    expect(page).to.contain('95.83').and.contain('A · Sangat Baik');
    expect(page).to.match(/data-testid="panel-core.jp".*>33,33%</s);
    expect(page).to.match(/data-testid="notes-survey-skm.ikm">.*Warga menilai Kompetensi pelaksana.*rata-rata 2,50 dari 4, di bawah 3,00\..*Orientasi pada Hasil dalam Pelayanan/s);
    const csv = await head.api.request('GET', '/units/dashboard.csv', undefined, { accept: 'text/csv' });
    expect(csv.status).to.equal(200);
    expect(String(csv.body)).to.contain('95.83').and.contain('Kepatuhan JP');
  });

  it('refuses a unit outside the head\'s units, and people who head no unit', async () => {
    expect((await head.api.request('GET', `/units/dashboard?unit=${otherUnitId}`, undefined, html)).status).to.equal(403);
    expect((await asn.api.request('GET', '/units/dashboard', undefined, html)).status).to.equal(403);
  });
});
