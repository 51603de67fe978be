/**
 * The public SKM survey through HTTP against real services: a citizen answers without an account;
 * abuse resistance (too fast, honeypot, one per device per unit and period, no cookie, rate limit
 * per IP); the IKM report per period with the trend, the threshold, the stated weight, and the CSV
 * and XLSX exports.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ApiClient, ManualClock, createUser, startTestEnv, uniqueName, type TestEnv } from '../../../test/support/harness';

const html = { accept: 'text/html' };
const DAY = 24 * 3600 * 1000;

async function openSurvey(client: ApiClient, slug: string) {
  const r = await client.request('GET', `/survey-skm/u/${slug}`, undefined, html);
  expect(r.status).to.equal(200);
  const page = String(r.body);
  return { page, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]!, ticket: /name="ticket" value="([^"]+)"/.exec(page)![1]! };
}

const answers = (scores: number[], extra: Record<string, string> = {}) => ({ ...Object.fromEntries(scores.map((v, i) => [`u${i + 1}`, String(v)])), website: '', ...extra });

async function createUnit(env: TestEnv) {
  const admin = await createUser(env, 'admin');
  const slug = uniqueName('kantor').toLowerCase().replace(/_/g, '-');
  const r = await admin.api.request('POST', '/survey-skm/admin/units', { name: `Kantor ${slug}`, slug, coreUnitId: '', serviceStandardDays: '5' }, html);
  expect(r.status).to.equal(302);
  return slug;
}

describe('survey-skm: the public survey', function () {
  this.timeout(120_000);
  const clock = new ManualClock();
  let env: TestEnv;
  let slug: string;
  const Responses = () => env.kernel.services.conn.collection('survey-skm_attempts');
  /** The stored level of element n (1–9): answers are Likert responses of slots s1…s9. */
  const level = (n: number) => `answers.s${n}.r.level`;

  before(async () => {
    env = await startTestEnv({ only: ['question-likert', 'survey-skm'], clock, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minFillSeconds: 5, submitsPerMinute: 1000 } }) } });
    slug = await createUnit(env);
  });
  after(() => env?.stop());

  async function answer(client: ApiClient, scores: number[], extra: Record<string, string> = {}, waitMs = 6_000) {
    const f = await openSurvey(client, slug);
    clock.advance(waitMs);
    return client.request('POST', `/survey-skm/u/${slug}`, { _csrf: f.csrf, ticket: f.ticket, ...answers(scores, extra) }, html);
  }

  it('takes nine answers and an optional profile without an account, and thanks on the report', async () => {
    const r = await answer(new ApiClient(env.url), [4, 3, 3, 4, 3, 4, 4, 3, 3], { ageBand: '30-39', sex: 'f', education: '', occupation: 'wirausaha' });
    expect(r.status, String(r.body)).to.equal(303);
    expect(r.headers.get('location')).to.equal(`/survey-skm/u/${slug}/report?sent=1`);
    const d = await Responses().findOne({});
    expect(d).to.include({ state: 'submitted' });
    expect(d).not.to.have.property('userId');
    expect(d!.answers.s1.r).to.deep.equal({ level: '4' });
    expect(d!.answers.s9.r).to.deep.equal({ level: '3' });
    expect(d!.slots.map((x: { slot: string }) => x.slot)).to.deep.equal(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']);
    expect(d!.profile).to.deep.equal({ ageBand: '30-39', sex: 'f', occupation: 'wirausaha' });
  });

  it('refuses a form sent too fast, keeping the answers given', async () => {
    const r = await answer(new ApiClient(env.url), [1, 1, 1, 1, 1, 1, 1, 1, 2], {}, 1_000);
    expect(r.status).to.equal(400);
    expect(String(r.body)).to.contain('data-testid="form-error"').and.match(/id="u9-2" value="2" required checked/);
    expect(await Responses().countDocuments({ [level(9)]: '2', [level(1)]: '1' })).to.equal(0);
  });

  it('stores nothing from a filled honeypot, and answers as if accepted', async () => {
    const before = await Responses().countDocuments({});
    const r = await answer(new ApiClient(env.url), [2, 2, 2, 2, 2, 2, 2, 2, 2], { website: 'spam' });
    expect(r.status).to.equal(303);
    expect(await Responses().countDocuments({})).to.equal(before);
  });

  it('takes one answer per device per unit and period, and a new one in the next period', async () => {
    const device = new ApiClient(env.url);
    expect((await answer(device, [3, 3, 3, 3, 3, 3, 3, 3, 3])).status).to.equal(303);
    const again = await answer(device, [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(again.status).to.equal(409);
    expect(await Responses().countDocuments({ [level(1)]: '1', [level(2)]: '1', [level(9)]: '1' })).to.equal(0);
    const page = await openSurvey(device, slug);
    expect(page.page).to.contain('data-testid="already"');
    clock.advance(190 * DAY); // the next semester
    expect((await answer(device, [2, 2, 2, 2, 2, 2, 2, 2, 2])).status).to.equal(303);
    expect(await Responses().distinct('period')).to.have.length(2);
  });

  it('refuses bad answers with reasons beside the questions', async () => {
    const r = await answer(new ApiClient(env.url), [5, 0, 3, 3, 3, 3, 3, 3, 3], { sex: 'x' });
    expect(r.status).to.equal(400);
    expect(String(r.body)).to.contain('id="u1-error"').and.contain('id="u2-error"');
  });

  describe('the report', () => {
    it('shows the IKM per period with 2 decimals, grade and label, the weight and the trend', async () => {
      const r = await new ApiClient(env.url).request('GET', `/survey-skm/u/${slug}/report`, undefined, html);
      expect(r.status).to.equal(200);
      const page = String(r.body);
      // The later period has one respondent (all 2s): below the threshold of 2.
      expect(page).to.contain('data-testid="rule"').and.contain('bobot 1/9');
      expect(page).to.contain('Responden belum cukup');
      // The earlier period: [4,3,3,4,3,4,4,3,3] and [3 ×9]: Σ averages = 58/2 = 29 → 29/9 × 25 = 80.555… → 80.56 B.
      const first = (await Responses().distinct('period')).sort()[0];
      const earlier = String((await new ApiClient(env.url).request('GET', `/survey-skm/u/${slug}/report?period=${first}`, undefined, html)).body);
      expect(earlier).to.match(/data-testid="ikm">80,56</).and.match(/data-testid="grade">B · Baik</);
      expect(earlier).to.contain('Wirausaha: 1');
    });

    it('exports the periods as CSV and XLSX', async () => {
      const csv = await new ApiClient(env.url).request('GET', `/survey-skm/u/${slug}/report.csv`, undefined, { accept: 'text/csv' });
      expect(csv.status).to.equal(200);
      const lines = String(csv.body).replace(/^\ufeff/, '').trim().split('\r\n');
      expect(lines[0]).to.match(/^Periode,Responden,U1 Persyaratan,/);
      expect(lines[1]).to.match(/,2,3\.5,3,3,3\.5,3,3\.5,3\.5,3,3,80\.56,B,Baik,1\/9$/);
      const xlsx = await fetch(`${env.url}/survey-skm/u/${slug}/report.xlsx`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
      expect(wb.worksheets[0]!.getRow(2).getCell(12).value).to.equal(80.56);
    });

    it('prints an A4 poster with the survey address', async () => {
      const r = await fetch(`${env.url}/survey-skm/u/${slug}/poster.pdf`);
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.equal('application/pdf');
      expect(Buffer.from(await r.arrayBuffer()).subarray(0, 5).toString()).to.equal('%PDF-');
    });
  });
});

describe('survey-skm: rate limit and the 0.11 weight', function () {
  this.timeout(120_000);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ only: ['question-likert', 'survey-skm'], env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minFillSeconds: 0, submitsPerMinute: 2, weight: '0.11', minRespondents: 1 } }) } });
  });
  after(() => env?.stop());

  it('answers 429 above the submissions allowed per minute from one IP, and reports with 0.11', async () => {
    const slug = await createUnit(env);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = new ApiClient(env.url);
      const f = await openSurvey(c, slug);
      statuses.push((await c.request('POST', `/survey-skm/u/${slug}`, { _csrf: f.csrf, ticket: f.ticket, ...answers([4, 4, 4, 4, 4, 4, 4, 4, 4]) }, html)).status);
    }
    expect(statuses).to.deep.equal([303, 303, 429]);
    const page = String((await new ApiClient(env.url).request('GET', `/survey-skm/u/${slug}/report`, undefined, html)).body);
    expect(page, 'the weight in the Indonesian number format').to.contain('bobot 0,11').and.match(/data-testid="ikm">99,00</);
    expect(page).not.to.contain('bobot 0.11');
  });
});
