/**
 * `npm start`'s supervisor (scripts/supervisor.mjs): a web process that dies is started again
 * within seconds and logged, and the supervisor stops its children cleanly on SIGTERM. The run
 * uses this test's own database and queue prefix (with both URIs set, start.mjs neither starts
 * services nor seeds the demo).
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/free-port';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { testEnvVars, waitFor } from '../support/harness';


describe('npm start supervisor', function () {
  this.timeout(120_000);
  let supervisor: ChildProcess | undefined;
  let env: Record<string, string>;

  after(async () => {
    if (supervisor && supervisor.exitCode === null) supervisor.kill('SIGKILL');
    const conn = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  it('restarts a web process that was killed, logs it, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    env = testEnvVars({ PORT: String(port), HOST: '127.0.0.1' });
    supervisor = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs'), 'web'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    supervisor.stdout!.on('data', (d) => (output += String(d)));
    supervisor.stderr!.on('data', (d) => (output += String(d)));
    const base = `http://127.0.0.1:${port}`;
    const health = async () => {
      try {
        const res = await fetch(`${base}/health`);
        return res.status === 200 ? ((await res.json()) as { instance: string }) : undefined;
      } catch {
        return undefined;
      }
    };

    const first = await waitFor(health, 'the supervised web process to answer', 60_000, 200);
    const firstPid = Number(/web started \(pid (\d+)\)/.exec(output)?.[1]);
    expect(firstPid).to.be.greaterThan(0);
    await waitFor(async () => output.includes('Bina is running at'), 'the URL to be printed');

    process.kill(firstPid, 'SIGKILL');
    const second = await waitFor(async () => {
      const h = await health();
      return h && h.instance !== first.instance ? h : undefined;
    }, 'a new web process to answer', 60_000, 200);
    expect(second.instance).to.not.equal(first.instance);
    expect(output).to.match(new RegExp(`web \\(pid ${firstPid}\\) exited \\(SIGKILL\\); restarting in 1 s`));
    const pids = [...output.matchAll(/web started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).to.have.length(2);

    supervisor.kill('SIGTERM');
    await waitFor(async () => supervisor!.exitCode !== null, 'the supervisor to stop', 40_000);
    expect(supervisor.exitCode).to.equal(0);
    expect(() => process.kill(pids[1]!, 0)).to.throw();
  });
});
