/**
 * `bina jp report` as an officer runs it, against the same database a kernel wrote: per-ASN totals
 * by kind and compliance, for the agency or one unit and those below, as CSV or JSON; a bad year,
 * format or unit code exits with code 2.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { createUser, startTestEnv, type TestEnv } from '../support/harness';

describe('bina jp report', function () {
  this.timeout(180_000); // waits for `bina` processes, slow to start on a busy machine; times nothing
  let env: TestEnv;
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'jp', 'report', ...args], { env: { ...process.env, ...env.childEnv, LOG_LEVEL: 'silent' } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  before(async () => {
    env = await startTestEnv({ only: [], env: { BINA_JP_TARGET_PNS: '10' } });
    const Unit = env.kernel.identity.models.Unit;
    const agency = await Unit.create({ code: 'CLI-AG', name: 'Pemda Uji' });
    const a = await Unit.create({ code: 'CLI-A', name: 'Badan A', parentId: agency._id });
    const b = await Unit.create({ code: 'CLI-B', name: 'Dinas B', parentId: agency._id });
    const at = new Date('2026-04-01T03:00:00Z');
    for (const [name, unit, jp] of [['Ani', a, 12], ['Budi', a, 4], ['Citra', b, 0]] as const) {
      const u = await createUser(env, 'learner', name);
      await env.kernel.identity.models.User.updateOne({ _id: u.id }, { $set: { unitId: unit._id } });
      if (jp) {
        await env.kernel.learning.jp.credit({ userId: u.id, source: 'event', sourceId: `cli-${name}-1`, title: 'Pelatihan Dasar', kind: 'pelatihan', provider: 'BKPSDM', startDate: at, endDate: at, jp: jp - 2 }, 'test');
        await env.kernel.learning.jp.credit({ userId: u.id, source: 'event', sourceId: `cli-${name}-2`, title: 'Coaching', kind: 'coaching', provider: 'BKPSDM', startDate: at, endDate: at, jp: 2 }, 'test');
      }
    }
  });
  after(async () => env?.stop());

  it('prints the agency\'s compliance and each ASN\'s totals by kind as JSON', async () => {
    const r = await run(['--year', '2026', '--format', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.compliance).to.deep.equal({ people: 3, atOrAboveTarget: 1, sharePercent: 33.33 });
    expect(out.totals).to.deep.equal({ jp: 16, byKind: { pelatihan: 12, coaching: 4 } });
    const ani = out.people.find((p: any) => p.name === 'Ani');
    expect(ani).to.include({ unit: 'Badan A', unitCode: 'CLI-A', total: 12, target: 10, met: true });
    expect(ani.byKind).to.deep.equal({ pelatihan: 10, coaching: 2 });
  });

  it('narrows to one unit and those below, as CSV with a column per kind', async () => {
    const r = await run(['--year', '2026', '--unit', 'CLI-A', '--format', 'csv']);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal('NIP,Nama,Unit,Jenis pegawai,Pelatihan,Coaching,Total JP,Target,Mencapai target');
    expect(lines.slice(1).map((l) => l.split(',').slice(1).join(','))).to.deep.equal(['Ani,Badan A,PNS,10,2,12,10,Ya', 'Budi,Badan A,PNS,2,2,4,10,Tidak']);
  });

  it('exits with code 2 for a bad year, format or unit code', async () => {
    for (const args of [['--year', '26'], ['--year', '2026', '--format', 'xml'], ['--year', '2026', '--unit', 'NOPE']]) {
      const r = await run(args);
      expect(r.status, `${args.join(' ')}: ${r.stdout}`).to.equal(2);
      expect(r.stderr).to.match(/^error: /);
    }
  });
});
