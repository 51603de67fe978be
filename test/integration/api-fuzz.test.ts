/**
 * The CI-sized API fuzz (ADR 0062): Schemathesis against /api/v1/openapi.json as three roles' demo
 * people, one case per operation (about 200 requests a role) with a fixed seed and deterministic
 * generation. It fails on any
 * response >= 500 and on any response that breaks the document (an undeclared status, a body or a
 * content type other than the declared one). `npm run fuzz` is the full run (>= 10,000 requests).
 */
import { expect } from 'chai';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeResult, ensureSchemathesis, FUZZ_SERVER_ENV, roleTokens, runFuzz, stillSignedIn, type FuzzRole } from '../support/api-fuzz';
import { startSweepServer, type SweepServer } from '../support/sweep-server';

const CI_ROLES: FuzzRole[] = ['learner', 'unit-head', 'admin'];

describe('API fuzz (Schemathesis, CI-sized)', function () {
  // Installing Schemathesis on a fresh machine (~30 s), seeding the demo and three short runs.
  this.timeout(600_000);

  let server: SweepServer;
  let schemathesis: string;
  let tokens: Awaited<ReturnType<typeof roleTokens>>;
  let reportDir: string;
  let logFd: number;
  let passed = 0;

  before(async () => {
    schemathesis = ensureSchemathesis();
    reportDir = await mkdtemp(join(tmpdir(), 'bina-fuzz-'));
    logFd = openSync(join(reportDir, 'server.log'), 'w');
    server = await startSweepServer({ env: FUZZ_SERVER_ENV, logFd });
    tokens = await roleTokens(server.url);
  });

  after(async () => {
    await server?.stop();
    if (logFd !== undefined) closeSync(logFd);
    // A failed run keeps its events and the server's log for a look; a clean one leaves nothing.
    if (passed < CI_ROLES.length) console.log(`API fuzz events, Schemathesis' reports and the server log are kept in ${reportDir}`);
    else await rm(reportDir, { recursive: true, force: true });
  });

  // The learner (most operations refused), the unit head (scoped capabilities: checks per unit) and
  // the admin (nearly every operation reaches its handler). The full run takes all five roles.
  for (const role of CI_ROLES) {
    it(`does answer every request as ${role} below 500 and as the OpenAPI document says`, async () => {
      const r = await runFuzz({ schemathesis, url: server.url, role, token: tokens[role], maxExamples: 1, seed: 20261207, deterministic: true, phases: ['fuzzing', 'stateful'], workers: 1, reportDir });
      expect(server.alive(), `the server died: ${server.stderrTail()}`).to.equal(true);
      expect(await stillSignedIn(server.url, tokens[role], role)).to.equal(undefined);
      expect(r.requests, 'requests made').to.be.greaterThan(100);
      expect(r.serverErrors, describeResult(r)).to.equal(0);
      expect(r.failures, describeResult(r)).to.deep.equal([]);
      passed += 1;
    });
  }
});
