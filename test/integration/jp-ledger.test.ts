/**
 * The JP ledger's credit path against the real database: exactly once per person and learning
 * (a retry, and a certificate of a course already credited, add nothing: ADR 0043), the year in
 * the ASN's own zone on both sides of midnight on 31 December (WIB, WITA, WIT), plugins credit
 * through `ctx.jp` but never as the core's own sources.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createPluginContext } from '../../src/host/plugins/context';
import { manifestSchema } from '../../src/kernel/plugins/manifest';
import { courseLearningKey } from '../../src/learning/jp-ledger/jp-ledger';
import { yearIn } from '../../src/learning/jp-ledger/jp-year';
import { createUser, startTestEnv, type TestEnv } from '../support/harness';

describe('JP ledger', function () {
  this.timeout(60_000);
  let env: TestEnv;

  before(async () => {
    env = await startTestEnv({ only: [] });
  });
  after(async () => env?.stop());

  const base = { title: 'Seminar Pelayanan Publik', kind: 'seminar' as const, provider: 'LAN RI', jp: 4 };

  async function personIn(timeZone: string) {
    const u = await createUser(env, 'learner');
    await env.kernel.identity.models.User.updateOne({ _id: u.id }, { $set: { timeZone } });
    return u.id;
  }

  describe('exactly once', () => {
    it('credits a learning once; a retry changes nothing', async () => {
      const userId = await personIn('Asia/Jakarta');
      const jp = env.kernel.learning.jp;
      const at = new Date('2026-03-10T03:00:00Z');
      const first = await jp.credit({ ...base, userId, source: 'event', sourceId: 'ev-1', startDate: at, endDate: at }, 'test');
      const again = await jp.credit({ ...base, userId, source: 'event', sourceId: 'ev-1', startDate: at, endDate: at }, 'test');
      expect(first.credited).to.equal(true);
      expect(again.credited).to.equal(false);
      expect(again.entryId).to.equal(first.entryId);
      const s = await jp.summary(userId, 2026);
      expect(s.total).to.equal(4);
      expect(s.byKind).to.deep.equal({ seminar: 4 });
      expect(s.byMode).to.deep.equal({ klasikal: 4 });
      const row = await jp.Entry.findById(first.entryId).lean();
      expect(row!.alsoFrom ?? []).to.have.length(0);
    });

    it('does not count a certificate of a course on top of the course (either order)', async () => {
      const jp = env.kernel.learning.jp;
      const at = new Date('2026-05-02T05:00:00Z');
      for (const order of [['course', 'certificate'], ['certificate', 'course']] as const) {
        const userId = await personIn('Asia/Jakarta');
        const courseId = new Types.ObjectId().toHexString();
        const records = {
          course: { source: 'course' as const, sourceId: courseId, kind: 'e-learning' as const, jp: 2 },
          certificate: { source: 'certificate' as const, sourceId: new Types.ObjectId().toHexString(), kind: 'e-learning' as const, jp: 2 },
        };
        const results = [];
        for (const which of order) results.push(await jp.credit({ ...base, ...records[which], userId, learningKey: courseLearningKey(courseId), startDate: at, endDate: at }, 'test'));
        expect(results.map((r) => r.credited)).to.deep.equal([true, false]);
        expect((await jp.summary(userId, 2026)).total).to.equal(2);
        const row = await jp.Entry.findById(results[0]!.entryId).lean();
        expect(row!.source).to.equal(order[0]);
        expect(row!.alsoFrom).to.deep.equal([{ source: order[1], sourceId: records[order[1]].sourceId, jp: 2 }]);
      }
    });

    it('finds a course credited before the learning keys by its old pair', async () => {
      const jp = env.kernel.learning.jp;
      const userId = await personIn('Asia/Jakarta');
      const courseId = new Types.ObjectId().toHexString();
      const at = new Date('2026-06-01T05:00:00Z');
      await jp.Entry.create({ userId, year: 2026, jp: 2, source: 'course', sourceId: courseId, title: 'Lama', mode: 'nonklasikal', activityKind: 'e-learning', provider: 'Bina', status: 'approved', at });
      const r = await jp.credit({ ...base, userId, source: 'certificate', sourceId: 'cert-x', learningKey: courseLearningKey(courseId), kind: 'e-learning', jp: 2, startDate: at, endDate: at }, 'test');
      expect(r.credited).to.equal(false);
      expect((await jp.summary(userId, 2026)).total).to.equal(2);
    });

    it('refuses a credit that does not fit (a 400, nothing written)', async () => {
      const userId = await personIn('Asia/Jakarta');
      const at = new Date('2026-06-01T05:00:00Z');
      const bad = await env.kernel.learning.jp.credit({ ...base, userId, source: 'event', sourceId: 'x', jp: -1, startDate: at, endDate: at }, 'test').catch((e) => e);
      expect(bad.status).to.equal(400);
      const backwards = await env.kernel.learning.jp.credit({ ...base, userId, source: 'event', sourceId: 'x', startDate: at, endDate: new Date(at.getTime() - 1) }, 'test').catch((e) => e);
      expect(backwards.status).to.equal(400);
      expect(await env.kernel.learning.jp.Entry.countDocuments({ userId })).to.equal(0);
    });
  });

  describe('the year runs in the ASN\'s zone', () => {
    // 31 Dec 23:30 local time in each zone, and 30 minutes later (1 January, 00:00 + 0:30 … 00:30 local).
    const cases = [
      { zone: 'Asia/Jakarta', label: 'WIB', lastMinute: '2025-12-31T16:30:00Z', newYear: '2025-12-31T17:30:00Z' },
      { zone: 'Asia/Makassar', label: 'WITA', lastMinute: '2025-12-31T15:30:00Z', newYear: '2025-12-31T16:30:00Z' },
      { zone: 'Asia/Jayapura', label: 'WIT', lastMinute: '2025-12-31T14:30:00Z', newYear: '2025-12-31T15:30:00Z' },
    ];
    for (const c of cases) {
      it(`counts 23:30 on 31 December ${c.label} for that year and 00:30 on 1 January for the next`, async () => {
        const userId = await personIn(c.zone);
        const jp = env.kernel.learning.jp;
        const late = await jp.credit({ ...base, userId, source: 'event', sourceId: `late-${c.label}`, startDate: new Date(c.lastMinute), endDate: new Date(c.lastMinute) }, 'test');
        const early = await jp.credit({ ...base, userId, source: 'event', sourceId: `early-${c.label}`, startDate: new Date(c.newYear), endDate: new Date(c.newYear) }, 'test');
        expect([late.year, early.year]).to.deep.equal([2025, 2026]);
        expect((await jp.summary(userId, 2025)).total).to.equal(4);
        expect((await jp.summary(userId, 2026)).total).to.equal(4);
      });
    }

    it('gives one instant different years in different zones', () => {
      const at = new Date('2025-12-31T16:30:00Z'); // 23:30 WIB, 00:30 WITA, 01:30 WIT
      expect(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'].map((z) => yearIn(at, z))).to.deep.equal([2025, 2026, 2026]);
    });
  });

  describe('ctx.jp for plugins', () => {
    const manifest = manifestSchema.parse({ id: 'activity-mentoring-test', version: '0.1.0', schemaVersion: 1, description: 'test', requires: { core: '^0.1.0', plugins: {} }, privacy: {} });

    it('credits with the plugin named on the row', async () => {
      const { ctx } = createPluginContext(manifest, {}, env.kernel.services);
      const userId = await personIn('Asia/Makassar');
      const at = new Date('2026-08-01T02:00:00Z');
      const r = await ctx.jp.credit({ ...base, userId, source: 'mentoring', sourceId: 'session-1', kind: 'mentoring', jp: 1, startDate: at, endDate: at });
      expect(r.credited).to.equal(true);
      const row = await env.kernel.learning.jp.Entry.findById(r.entryId).lean();
      expect(row).to.include({ creditedBy: 'activity-mentoring-test', mode: 'nonklasikal', activityKind: 'mentoring', learningKey: 'mentoring:session-1', year: 2026 });
    });

    it('refuses the core\'s own sources (course, claim)', async () => {
      const { ctx } = createPluginContext(manifest, {}, env.kernel.services);
      const userId = await personIn('Asia/Jakarta');
      const at = new Date('2026-08-01T02:00:00Z');
      for (const source of ['course', 'claim'] as const) {
        const e = await Promise.resolve().then(() => ctx.jp.credit({ ...base, userId, source, sourceId: 'x', startDate: at, endDate: at })).catch((x) => x);
        expect(e.code).to.equal('BINA_ERR_PLUGIN_SCOPE');
      }
    });
  });
});
