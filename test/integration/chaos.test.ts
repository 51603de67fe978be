/**
 * The kill test at CI size (chaos/run.ts; `npm run chaos` is the 200-taker run): 20 takers start,
 * save and submit an exam over HTTP while the web process, the worker, Redis and the database
 * (FerretDB, then its PostgreSQL) are each killed with SIGKILL and brought back as the supervisor
 * or the services script does. Nothing acknowledged may be lost, nothing graded or certified
 * twice, no delayed job lost, and every kill recovered from. The run has its own services in
 * .data/chaos-test-services: killing the suite's shared Redis or database would break other tests.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { formatTable, runChaos } from '../../chaos/run';

describe('kill test (chaos, CI size)', function () {
  this.timeout(900_000);

  it('loses no acknowledged save, grades and certifies once, keeps jobs, and recovers from each kill', async () => {
    const lines: string[] = [];
    const t0 = Date.now();
    const say = (m: string) => {
      const line = `${((Date.now() - t0) / 1000).toFixed(1)} s  ${m}`;
      lines.push(line);
      if (process.env.BINA_CHAOS_VERBOSE === '1') process.stderr.write(`chaos: ${line}\n`);
    };
    const result = await runChaos({
      takers: 20,
      questions: 10,
      kills: ['web', 'worker', 'redis', 'ferretdb', 'postgresql'],
      servicesDir: join(REPO_ROOT, '.data', 'chaos-test-services'),
      // Faster than CAT pace, so that 20 takers keep saves in flight at each kill.
      intervalMs: [500, 1500],
      retryCapMs: 4000,
      recoverTimeoutMs: 180_000,
      warmAcks: 20,
      say,
    });
    const table = formatTable(result.rows);
    const report = `\n${table}\n${result.problems.length} problem(s):\n${result.problems.slice(0, 15).join('\n')}\n${lines.join('\n')}`;
    expect(result.problems.length, report).to.equal(0);
    expect(result.rows.map((r) => r.killed)).to.deep.equal(['web', 'worker', 'redis', 'ferretdb', 'postgresql', '(none: end)']);
    for (const r of result.rows) {
      expect(r.found, table).to.equal(r.acked);
      expect(r.duplicates, table).to.equal(0);
      expect(r.recoverS, table).to.not.equal(null);
    }
    expect(result.rows.at(-1)!.acked, table).to.be.greaterThan(20);
  });
});
