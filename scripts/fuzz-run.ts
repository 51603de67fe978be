/**
 * The full API fuzz run (`npm run fuzz` -> scripts/fuzz.mjs -> this file; ADR 0062). Not part of
 * the tests: test/integration/api-fuzz.test.ts is the CI-sized run.
 *
 * Starts Bina with the demo data in its own process, makes an API token for each role's demo
 * person and runs Schemathesis against /api/v1/openapi.json as each role in turn. Prints the
 * requests, statuses and failed checks per role and the totals. Exit code 1 when any response was
 * >= 500, any check failed, the server died, or the run made fewer requests than FUZZ_MIN_REQUESTS.
 *
 * Environment: FUZZ_EXAMPLES (cases per operation and phase, 12), FUZZ_SEED (1), FUZZ_ROLES
 * (comma-separated subset of learner,mentor,trainer,unit-head,admin), FUZZ_WORKERS (2),
 * FUZZ_MIN_REQUESTS (10000), FUZZ_PHASES (examples,fuzzing,stateful; add coverage for
 * boundary values, ~10,000 more requests a role), FUZZ_MAX_TIME
 * (seconds per role; none), FUZZ_REPORT_DIR (.data/fuzz-report: events, logs, server log).
 */
import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/kernel/core-version';
import { describeResult, ensureSchemathesis, FUZZ_ROLES, FUZZ_SERVER_ENV, roleTokens, runFuzz, stillSignedIn, type FuzzResult } from '../test/support/api-fuzz';
import { startSweepServer } from '../test/support/sweep-server';

const say = (m: string) => process.stderr.write(`fuzz: ${m}\n`);

async function main(): Promise<number> {
  const examples = Number(process.env.FUZZ_EXAMPLES ?? 12);
  const seed = Number(process.env.FUZZ_SEED ?? 1);
  const workers = Number(process.env.FUZZ_WORKERS ?? 2);
  const minRequests = Number(process.env.FUZZ_MIN_REQUESTS ?? 10_000);
  const only = process.env.FUZZ_ROLES?.split(',').map((r) => r.trim());
  // Schemathesis' coverage phase (boundary values of every schema) adds about 10,000 requests a role.
  const phases = (process.env.FUZZ_PHASES ?? 'examples,fuzzing,stateful').split(',').map((p) => p.trim());
  const maxTime = process.env.FUZZ_MAX_TIME ? Number(process.env.FUZZ_MAX_TIME) : undefined;
  const reportDir = process.env.FUZZ_REPORT_DIR ?? join(REPO_ROOT, '.data', 'fuzz-report');
  await mkdir(reportDir, { recursive: true });

  const schemathesis = ensureSchemathesis();
  say(`starting Bina with the demo data (server log: ${join(reportDir, 'server.log')})`);
  const server = await startSweepServer({ env: FUZZ_SERVER_ENV, logFd: openSync(join(reportDir, 'server.log'), 'w') });
  const results: FuzzResult[] = [];
  let died = false;
  let sabotaged = false;
  try {
    const tokens = await roleTokens(server.url);
    for (const { role } of FUZZ_ROLES) {
      if (only && !only.includes(role)) continue;
      say(`fuzzing as ${role} (${examples} cases per operation and phase, seed ${seed})`);
      const r = await runFuzz({ schemathesis, url: server.url, role, token: tokens[role], maxExamples: examples, seed, workers, reportDir, phases, maxTime });
      results.push(r);
      process.stdout.write(`${describeResult(r)}\n`);
      const lost = server.alive() ? await stillSignedIn(server.url, tokens[role], role) : undefined;
      if (lost) {
        sabotaged = true;
        say(lost);
      }
      if (!server.alive()) {
        died = true;
        say(`the server died while fuzzing as ${role}: ${server.stderrTail()}`);
        break;
      }
    }
  } finally {
    await server.stop();
  }
  const total = results.reduce((n, r) => n + r.requests, 0);
  const errors = results.reduce((n, r) => n + r.serverErrors, 0);
  const failures = results.reduce((n, r) => n + r.failures.length, 0);
  process.stdout.write(`\nAPI fuzz: ${total} requests as ${results.length} roles (${results.map((r) => `${r.role} ${r.requests}`).join(', ')}); ${errors} responses >= 500; ${failures} distinct failed checks\n`);
  if (total < minRequests) say(`fewer requests than FUZZ_MIN_REQUESTS (${minRequests}): raise FUZZ_EXAMPLES`);
  return died || sabotaged || errors > 0 || failures > 0 || total < minRequests ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
