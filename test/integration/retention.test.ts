/**
 * Retention (UU 27/2022: personal data kept no longer than its purpose needs): integrity logs and
 * notices expire by their scheduled jobs (no TTL indexes on FerretDB), as their settings say, on a
 * clock the test moves by hand. Each job is scheduled at start, and running it twice deletes
 * nothing more.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, ManualClock, startTestEnv, waitForJob, type TestEnv } from '../support/harness';
import { examApi } from '../../plugins/activity-exam/test/exam-fixtures';
import type { InboxService } from '../../plugins/notify-inbox/inbox-service';

const DAY = 86_400_000;

describe('retention jobs on a controlled clock', () => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-01-05T03:00:00Z'));
  let run = 0;
  /** Runs a job once now, as the scheduler would, and waits for it. */
  async function runJob(queue: string) {
    const key = `test-${++run}`;
    await env.kernel.services.queues.enqueue(queue, {}, { key });
    await waitForJob(env, queue, key);
  }

  before(async () => {
    env = await startTestEnv({ clock, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-exam': { integrityKeepDays: 365 }, 'notify-inbox': { keepReadDays: 30, keepDays: 90 }, 'survey-skm': { profileKeepDays: 400 } }) } });
  });
  after(() => env?.stop());

  it('schedules every retention job daily at start', async () => {
    for (const queue of ['activity-exam.prune-integrity', 'notify-inbox.prune', 'survey-skm.prune-profiles']) {
      const schedulers = await env.kernel.services.queues.queue(queue).getJobSchedulers();
      expect(schedulers.map((s) => Number(s.every)), queue).to.deep.equal([DAY]);
    }
  });

  it('deletes integrity events integrityKeepDays after they were recorded, and only those', async () => {
    const { Integrity } = examApi(env).service.models;
    const row = () => ({ attemptId: new Types.ObjectId(), examId: new Types.ObjectId(), userId: new Types.ObjectId(), kind: 'focus_lost', at: clock.now(), ip: '10.0.0.1' });
    const old = await Integrity.create(row());
    clock.advance(200 * DAY);
    const young = await Integrity.create(row());
    clock.advance(165 * DAY - 1000); // the old one is one second short of 365 days
    await runJob('activity-exam.prune-integrity');
    expect(await Integrity.countDocuments({ _id: { $in: [old._id, young._id] } })).to.equal(2);
    clock.advance(2000);
    await runJob('activity-exam.prune-integrity');
    expect((await Integrity.find({ _id: { $in: [old._id, young._id] } }).lean()).map((r) => String(r._id))).to.deep.equal([String(young._id)]);
    await runJob('activity-exam.prune-integrity');
    expect(await Integrity.countDocuments({ _id: young._id })).to.equal(1);
    clock.advance(200 * DAY);
    await runJob('activity-exam.prune-integrity');
    expect(await Integrity.countDocuments({ _id: young._id })).to.equal(0);
  });

  it('deletes read notices keepReadDays after they were made, and every notice after keepDays', async () => {
    const inbox = (env.kernel.services.providers.require('notify-inbox').impl as { inbox: InboxService }).inbox;
    const l = await createUser(env, 'learner');
    const key = (n: number) => `certificate-issued:${String(n).padStart(24, 'd')}`;
    for (const n of [1, 2]) await inbox.deliver({ key: key(n), userId: l.id, kind: 'certificate-issued', params: { name: 'Sertifikat' }, href: '/', refresh: 'never' });
    await inbox.markRead(l.id, key(1));
    clock.advance(31 * DAY);
    await runJob('notify-inbox.prune');
    expect((await inbox.Notice.find({ userId: l.id }).lean()).map((n) => n._id)).to.deep.equal([key(2)]);
    clock.advance(58 * DAY);
    await runJob('notify-inbox.prune');
    expect(await inbox.Notice.countDocuments({ userId: l.id })).to.equal(1);
    clock.advance(2 * DAY);
    await runJob('notify-inbox.prune');
    expect(await inbox.Notice.countDocuments({ userId: l.id })).to.equal(0);
  });

  it('removes survey respondents\' optional profile profileKeepDays after they answered, keeping the answers', async () => {
    const Attempts = env.kernel.services.conn.collection('survey-skm_attempts');
    const unitId = new Types.ObjectId();
    const answers = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`s${i + 1}`, { r: { level: '3' }, seq: 1, at: clock.now() }]));
    const response = (n: number) => ({ state: 'submitted', seed: 0, slots: [], answers, results: [], serviceUnitId: unitId, period: '2026-S1', profile: { ageBand: '30-39', sex: 'f' }, submittedAt: clock.now(), deviceHash: `retention-${n}` });
    const { insertedId: old } = await Attempts.insertOne(response(1));
    clock.advance(100 * DAY);
    const { insertedId: young } = await Attempts.insertOne(response(2));
    clock.advance(300 * DAY - 1000); // the old one is one second short of 400 days
    await runJob('survey-skm.prune-profiles');
    expect(await Attempts.countDocuments({ serviceUnitId: unitId, profile: { $exists: true } })).to.equal(2);
    clock.advance(2000);
    await runJob('survey-skm.prune-profiles');
    const after = await Attempts.find({ serviceUnitId: unitId }).sort({ submittedAt: 1 }).toArray();
    expect(after.map((d) => String(d._id))).to.deep.equal([String(old), String(young)]);
    expect(after[0]).not.to.have.property('profile');
    expect(after[0]!.answers).to.deep.equal(answers);
    expect(after[1]!.profile).to.deep.equal({ ageBand: '30-39', sex: 'f' });
    await runJob('survey-skm.prune-profiles');
    expect(await Attempts.countDocuments({ serviceUnitId: unitId, profile: { $exists: true } })).to.equal(1);
  });
});
