/**
 * API fuzzing with Schemathesis (ADR 0062), shared by `npm run fuzz` (scripts/fuzz.mjs, the full
 * run) and the CI-sized test (test/integration/api-fuzz.test.ts).
 *
 * Bina runs as `npm start` runs it, in its own process, on a fresh database with the demo data
 * (test/support/sweep-server.ts). One demo person per role logs in and makes a personal API token,
 * and Schemathesis (installed by scripts/install-fuzz-deps into a venv under .data) tests
 * `/api/v1/openapi.json` with that token: examples, coverage, fuzzing and the stateful phase that
 * follows the document's links. Its NDJSON event stream is read back here for the request count,
 * the statuses and the failed checks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_USERS } from '../../src/cli/demo-seed';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { loginForToken } from './harness';

export type FuzzRole = 'learner' | 'mentor' | 'trainer' | 'unit-head' | 'admin';

/** The first demo user holding `role` (their username: e-mail for staff, NIP for ASN). */
function demoUserWith(role: 'learner' | 'mentor' | 'trainer' | 'admin'): { username: string; roles: string[] } {
  const u = DEMO_USERS.find((x) => (x.roles as readonly string[]).includes(role)) as { email?: string; nip?: string; roles: readonly string[] } | undefined;
  const username = u?.email ?? u?.nip;
  if (!u || !username) throw new Error(`the demo data has no ${role}`);
  return { username, roles: [...u.roles] };
}

/** The first demo person who heads a unit (DEMO_PEOPLE: unit heads are people with `heads`, not a role). */
function demoUnitHead(): { username: string; roles: string[] } {
  const p = DEMO_PEOPLE.find((x) => 'heads' in x && x.heads);
  if (!p) throw new Error('the demo data has no unit head');
  return { username: p.nip, roles: [...p.roles] };
}

/**
 * One demo person per role, from the demo data itself (a renamed or re-numbered demo person moves
 * with it), in the order the runs go: the admin, who can change most, goes last. `roles`: what the
 * person must still hold after their run (stillSignedIn).
 */
export const FUZZ_ROLES: ReadonlyArray<{ role: FuzzRole; username: string; roles: string[] }> = [
  { role: 'learner', ...demoUserWith('learner') },
  { role: 'mentor', ...demoUserWith('mentor') },
  { role: 'trainer', ...demoUserWith('trainer') },
  { role: 'unit-head', ...demoUnitHead() },
  { role: 'admin', ...demoUserWith('admin') },
];

/** The checks every run makes (Schemathesis names). */
export const FUZZ_CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance', 'response_headers_conformance'];

/**
 * Operations left out of the fuzz because they would sabotage the run itself, not because they
 * may fail: each would end the fuzzing person's access for the requests after it. None is left out
 * today: deactivating oneself is refused (409), a password change needs the current password, a
 * logout or a session's end does not touch an API token, and the declared links give revoking a
 * token and changing roles the objects a run created. Schemathesis may still infer a link from a
 * list (GET /auth/tokens → DELETE /auth/tokens/{tokenId}, GET /users → PUT /users/{userId}/roles)
 * that reaches the fuzzing person; `stillSignedIn` after each run catches that.
 */
export const EXCLUDED_OPERATIONS: Array<{ operationId: string; why: string }> = [];

/**
 * Whether the role's token still works and the person still has their roles after a run: a run
 * that revoked its own token or took its own roles away tested little after that.
 */
export async function stillSignedIn(url: string, token: string, role: FuzzRole): Promise<string | undefined> {
  const res = await fetch(`${url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (res.status !== 200) return `the ${role}'s token answers ${res.status} after the run: the run revoked or disabled its own access`;
  const { user } = (await res.json()) as { user: { roles: string[] } };
  const lost = (FUZZ_ROLES.find((r) => r.role === role)?.roles ?? []).filter((r) => !user.roles.includes(r));
  if (lost.length) return `the ${role} lost the role ${lost.join(', ')} during the run (roles now ${user.roles.join(', ')})`;
  return undefined;
}

/**
 * Environment for the fuzzed server: public routes are fuzzed, not rate-limited into 429s, and
 * server-sent event streams close after 5 s instead of minutes (each is read to its end).
 */
export const FUZZ_SERVER_ENV: Record<string, string> = {
  BINA_PUBLIC_RATE_LIMIT: '1000000',
  BINA_PLUGIN_SETTINGS: JSON.stringify({ 'notify-inbox': { streamSeconds: 5 }, 'activity-exam': { boardStreamSeconds: 5 } }),
  LOG_LEVEL: 'error',
};

/** The Schemathesis executable, installed by scripts/install-fuzz-deps when missing (idempotent). */
export function ensureSchemathesis(): string {
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'install-fuzz-deps')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`scripts/install-fuzz-deps failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

/** A personal API token for each role's demo person. */
export async function roleTokens(url: string): Promise<Record<FuzzRole, string>> {
  const out = {} as Record<FuzzRole, string>;
  for (const { role, username } of FUZZ_ROLES) out[role] = await loginForToken(url, username, DEMO_PASSWORD);
  return out;
}

export interface FuzzRunOptions {
  schemathesis: string;
  url: string;
  role: string;
  token: string;
  /** Cases per operation and phase (Schemathesis' --max-examples). */
  maxExamples: number;
  seed: number;
  /** Where the NDJSON events and the run's output go. */
  reportDir: string;
  phases?: string[];
  workers?: number;
  /** Same cases on every run (--generation-deterministic): for the CI-sized run. */
  deterministic?: boolean;
  /** A time budget for the whole run: fuzzing and stateful testing repeat until it is spent (--max-time). */
  maxTime?: number;
}

export interface FuzzFailure {
  check: string;
  operation: string;
  status: number | undefined;
  title: string;
  /** A request that shows it: `METHOD uri`. */
  example: string;
}

export interface FuzzResult {
  role: string;
  requests: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  serverErrors: number;
  /** Failed checks, one per check, operation, status and title, with how often each was seen. */
  failures: Array<FuzzFailure & { count: number }>;
  exitCode: number | null;
  seconds: number;
  ndjson: string;
}

/** Runs Schemathesis as one role and reads its event stream back. */
export async function runFuzz(o: FuzzRunOptions): Promise<FuzzResult> {
  await mkdir(o.reportDir, { recursive: true });
  const ndjson = join(o.reportDir, `${o.role}.ndjson`);
  const args = [
    'run', `${o.url}/api/v1/openapi.json`,
    '--header', `Authorization: Bearer ${o.token}`,
    '--checks', FUZZ_CHECKS.join(','),
    '--max-examples', String(o.maxExamples),
    '--seed', String(o.seed),
    '--phases', (o.phases ?? ['examples', 'coverage', 'fuzzing', 'stateful']).join(','),
    '--workers', String(o.workers ?? 1),
    '--continue-on-failure',
    '--no-shrink',
    '--request-timeout', '60',
    '--suppress-health-check', 'all',
    '--report', 'ndjson', '--report-ndjson-path', ndjson,
    '--output-truncate', 'true',
    '--no-color',
    // No example database between runs: each run stands on its seed alone.
    ...(o.deterministic ? ['--generation-deterministic'] : ['--generation-database', 'none']),
    ...(o.maxTime ? ['--max-time', String(o.maxTime)] : []),
    ...EXCLUDED_OPERATIONS.flatMap((x) => ['--exclude-operation-id', x.operationId]),
  ];
  const t0 = Date.now();
  // Its own report of the run (failures with a curl line to reproduce each) is kept beside the events.
  const log = openSync(join(o.reportDir, `${o.role}.log`), 'w');
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(o.schemathesis, args, { cwd: o.reportDir, stdio: ['ignore', log, log] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  }).finally(() => closeSync(log));
  if (!existsSync(ndjson)) throw new Error(`schemathesis wrote no events (exit ${exitCode}): ${readFileSync(join(o.reportDir, `${o.role}.log`), 'utf8').slice(-3000)}`);
  return { role: o.role, exitCode, seconds: Math.round((Date.now() - t0) / 1000), ndjson, ...(await readEvents(ndjson)) };
}

interface RecordedInteraction {
  request?: { method?: string; uri?: string };
  response?: { status_code?: number } | null;
}
interface RecordedCheck {
  name: string;
  status: string;
  failure_info?: { failure?: { title?: string; message?: string; operation?: string } } | null;
}

/** Requests, statuses and failed checks from Schemathesis' NDJSON events. */
export async function readEvents(file: string): Promise<Pick<FuzzResult, 'requests' | 'statuses' | 'serverErrors' | 'failures'>> {
  let requests = 0;
  let serverErrors = 0;
  const statuses: Record<string, number> = {};
  const failures = new Map<string, FuzzFailure & { count: number }>();
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const scenario = (JSON.parse(line) as { ScenarioFinished: { recorder: { label?: string; interactions?: Record<string, RecordedInteraction>; checks?: Record<string, RecordedCheck[]> } } }).ScenarioFinished;
    const interactions = scenario.recorder.interactions ?? {};
    for (const it of Object.values(interactions)) {
      requests += 1;
      const status = it.response?.status_code;
      const key = status === undefined ? 'none' : String(status);
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (status !== undefined && status >= 500) serverErrors += 1;
    }
    for (const [caseId, checks] of Object.entries(scenario.recorder.checks ?? {})) {
      for (const c of checks) {
        if (c.status === 'success' || c.status === 'skip') continue;
        const it = interactions[caseId];
        const status = it?.response?.status_code;
        const failure = c.failure_info?.failure;
        const operation = failure?.operation ?? scenario.recorder.label ?? '?';
        // The message's first line names what differed ("Received: application/pdf").
        const title = [failure?.title ?? c.name, failure?.message?.split('\n')[0]].filter(Boolean).join(': ');
        const key = [c.name, operation, status, title].join('|');
        const seen = failures.get(key);
        if (seen) seen.count += 1;
        else failures.set(key, { check: c.name, operation, status, title, example: `${it?.request?.method ?? '?'} ${it?.request?.uri ?? '?'}`, count: 1 });
      }
    }
  }
  return { requests, statuses, serverErrors, failures: [...failures.values()] };
}

/** A few lines per role: requests, statuses, and each failed check with an example request. */
export function describeResult(r: FuzzResult): string {
  const statuses = Object.entries(r.statuses).sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}×${n}`).join(' ');
  const lines = [`${r.role}: ${r.requests} requests in ${r.seconds}s, ${r.serverErrors} responses >= 500, ${r.failures.length} distinct failures (schemathesis exit ${r.exitCode}); statuses ${statuses}`];
  for (const f of r.failures) lines.push(`  ${f.check} ${f.operation} -> ${f.status ?? 'no response'} ×${f.count}: ${f.title}\n      e.g. ${f.example}`);
  return lines.join('\n');
}
