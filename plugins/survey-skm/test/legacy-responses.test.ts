/**
 * Responses stored before the SKM moved onto the attempt engine (one document per respondent with
 * u1…u9) keep counting (ADR 0059): a kernel that starts on a database holding them moves each into
 * an attempt once, the IKM is the same as before, a second start moves nothing, and the device that
 * answered still cannot answer again in that period.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { ApiClient, createUser, startTestEnv, uniqueName, type TestEnv } from '../../../test/support/harness';

const html = { accept: 'text/html' };
const only = ['question-likert', 'survey-skm'];

describe('survey-skm: responses stored before the attempt engine', function () {
  this.timeout(120_000);
  const envs: TestEnv[] = [];
  after(async () => {
    for (const e of envs.reverse()) await e.stop();
  });

  it('are moved into attempts once at start and keep counting in the IKM', async () => {
    const first = await startTestEnv({ only, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minRespondents: 1 } }) } });
    envs.push(first);
    const admin = await createUser(first, 'admin');
    const slug = uniqueName('lama').toLowerCase().replace(/_/g, '-');
    expect((await admin.api.request('POST', '/survey-skm/admin/units', { name: `Kantor ${slug}`, slug, coreUnitId: '', serviceStandardDays: '5' }, html)).status).to.equal(302);
    const unit = await first.kernel.services.conn.collection('survey-skm_service_units').findOne({ slug });
    // Two respondents in the old shape: Σ averages = (4+3+3+4+3+4+4+3+3 + 3×9)/2 = 29 → 80.56 (B).
    const legacy = first.kernel.services.conn.collection('survey-skm_responses');
    const old = (scores: number[], n: number) => ({ _id: new Types.ObjectId(), serviceUnitId: unit!._id, period: '2026-S1', ...Object.fromEntries(scores.map((v, i) => [`u${i + 1}`, v])), profile: { occupation: 'wirausaha' }, submittedAt: new Date('2026-03-0' + n), deviceHash: `legacy-${n}` });
    const rows = [old([4, 3, 3, 4, 3, 4, 4, 3, 3], 1), old([3, 3, 3, 3, 3, 3, 3, 3, 3], 2)];
    await legacy.insertMany(rows);

    // A kernel that starts on this database (as after an upgrade) moves them.
    const second = await startTestEnv({ only, env: { MONGODB_URI: first.childEnv.MONGODB_URI!, BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minRespondents: 1 } }) } });
    envs.push(second);
    const attempts = second.kernel.services.conn.collection('survey-skm_attempts');
    expect(await legacy.countDocuments({})).to.equal(0);
    const moved = await attempts.find({ _id: { $in: rows.map((r) => r._id) } }).sort({ submittedAt: 1 }).toArray();
    expect(moved).to.have.length(2);
    expect(moved[0]).to.include({ state: 'submitted', period: '2026-S1', deviceHash: 'legacy-1' });
    expect(moved[0]).not.to.have.property('userId');
    expect(moved[0]!.answers.s1.r).to.deep.equal({ level: '4' });
    expect(moved[0]!.profile).to.deep.equal({ occupation: 'wirausaha' });
    const report = String((await new ApiClient(second.url).request('GET', `/survey-skm/u/${slug}/report?period=2026-S1`, undefined, html)).body);
    expect(report).to.match(/data-testid="ikm">80,56</).and.match(/data-testid="grade">B · Baik</);

    // A crash after the copy and before the delete leaves an old document behind: the next start only deletes it.
    await legacy.insertOne(rows[0]!);
    const third = await startTestEnv({ only, env: { MONGODB_URI: first.childEnv.MONGODB_URI! } });
    envs.push(third);
    expect(await legacy.countDocuments({})).to.equal(0);
    expect(await attempts.countDocuments({ serviceUnitId: unit!._id })).to.equal(2);
  });
});
