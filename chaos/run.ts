/**
 * The kill test (`npm run chaos`; a small run in test/integration/chaos.test.ts): Bina runs as in
 * production (web and worker under the supervisor, Redis with its append-only file, FerretDB on
 * PostgreSQL, chaos/cluster.ts) while exam takers start, save at their pace and submit over HTTP
 * (chaos/learners.ts). One component at a time is killed with SIGKILL and brought back as its
 * supervisor or unit would; a batch of takers submits just before each kill, so grading and
 * certificate jobs are on the way when it lands. After each kill, once the system has recovered:
 *
 * - every acknowledged save is stored with its latest sequence number (read as the trainer reads it);
 * - every submitted attempt is graded, and exactly once (the audit log);
 * - every passed attempt has its certificate, and nobody has two;
 * - (Redis) every delayed auto-submit job that existed before the kill still exists after it;
 * - learners' saves resume: the takers' pages retried what got no answer, and a save sent after
 *   the kill was acknowledged ("time to recover" runs until that, and until grading and
 *   certificates have caught up).
 *
 * Prints a table and returns the problems found (none: exit 0).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { freePort } from '../test/support/free-port';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../src/kernel/core-version';
import { loadConfig } from '../src/config';
import { Kernel } from '../src/host/kernel';
import { createLogger } from '../src/kernel/logger';
import { benchNip, pool } from '../bench/fixtures';
import { createBank, createCourse, createExam, type SectionSpec } from '../plugins/activity-exam/test/exam-fixtures';
import { createUser, type TestEnv } from '../test/support/harness';
import { Bina, Services, type Component } from './cluster';
import { Learners, type Taker } from './learners';
import { Checks, delayedJobIds, dropRun } from './checks';

export interface ChaosOptions {
  takers: number;
  kills: Component[];
  /** Where scripts/services keeps this run's Redis, FerretDB and PostgreSQL. */
  servicesDir: string;
  /** Pause between one taker's saves, ms (uniform in the range). CAT pace: 15–45 s. */
  intervalMs: [number, number];
  /** The page's retry back-off cap (attempt.js: 15 s). */
  retryCapMs?: number;
  /** How long a component may take to recover before the run calls it unrecovered. */
  recoverTimeoutMs?: number;
  /** Acknowledged saves to see before each kill (the load is flowing). */
  warmAcks?: number;
  /** Questions in the exam. @default 20 */
  questions?: number;
  keepServices?: boolean;
  say?: (m: string) => void;
}

export interface ChaosRow {
  killed: string;
  inFlight: number;
  /** Saves the takers' pages had to send again (no answer, 5xx) from this kill until recovery. */
  retried: number;
  acked: number;
  found: number;
  lost: number;
  duplicates: number;
  recoverS: number | null;
}

export interface ChaosResult {
  rows: ChaosRow[];
  problems: string[];
}

/** One multiple-choice section of `n` questions, passed at half the marks. */
const sections = (n: number): SectionSpec[] => [{ key: 'twk', kind: 'mc', pool: n, mark: 5, pass: { mode: 'percent', value: 50 } }];


/** Polls `fn` until it returns true; false after `timeoutMs`. Never a fixed sleep in place of a condition. */
async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return true;
    } catch {
      /* not yet: the system is still coming back */
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Course, exam, achievement and participants, made by a kernel of our own (web role: no worker) that stops before the run. */
async function setUp(env: Record<string, string>, n: number, questions: number) {
  const SECTIONS = sections(questions);
  const config = loadConfig(env);
  const kernel = await Kernel.create({ config, role: 'web', logger: createLogger('warn') });
  try {
    await kernel.learning.seedCompetencies();
    const url = await kernel.listen(0, '127.0.0.1');
    const testEnv = { kernel, url, config, childEnv: env, stop: async () => undefined } as TestEnv;
    const trainer = await createUser(testEnv, 'trainer', 'Pelatih Chaos');
    const admin = await createUser(testEnv, 'admin', 'Admin Chaos');
    const courseId = await createCourse(trainer);
    await createBank(testEnv, trainer, courseId, SECTIONS);
    // A time limit: each attempt has a delayed auto-submit job, which a Redis restart must keep.
    const { exam } = await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 120 });
    const ach = await admin.api.post('/api/v1/certificate-openbadges/achievements', {
      name: 'Lulus Ujian Chaos', description: 'Kill test', criteria: 'Lulus ujian.', competency: { code: 'MNJ-PP', level: 2 }, jp: 2, requirements: [{ type: 'activity', refId: exam.id }],
    });
    if (ach.status !== 201) throw new Error(`achievement: ${ach.status} ${JSON.stringify(ach.body)}`);
    const participants = await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
      const u = await kernel.identity.createUser({ nip: benchNip(i), name: `Peserta Chaos ${i + 1}`, password: 'Rahasia-Chaos-123', roles: ['learner'] });
      const { token } = await kernel.identity.createToken(String(u._id), 'chaos');
      await kernel.learning.enrol(String(u._id), courseId);
      return { name: `peserta-${i + 1}`, token };
    });
    return { examId: exam.id, achievementId: ach.body.achievement.id as string, trainerToken: trainer.token, adminToken: admin.token, participants };
  } finally {
    await kernel.stop();
  }
}

/** What the table's columns count. */
export const LEGEND = [
  'requests in flight: saves on the wire when the kill landed; saves retried: sent again by the takers\' pages (no answer, 5xx) until recovery;',
  'acknowledged saves: the latest acknowledged answer of each (attempt, question) so far; saves found: of those, stored with that sequence number or a later one',
  '(a submitted attempt: its final response); duplicates: attempts graded twice and learners with two certificates; time to recover: from the kill until',
  'a save sent after it was acknowledged, every submitted attempt graded and every pass certified.',
].join('\n');

export function formatTable(rows: ChaosRow[]): string {
  const head = ['component killed', 'requests in flight', 'saves retried', 'acknowledged saves', 'saves found', 'lost', 'duplicates', 'time to recover'];
  const body = rows.map((r) => [r.killed, String(r.inFlight), String(r.retried), String(r.acked), String(r.found), String(r.lost), String(r.duplicates), r.recoverS === null ? 'NOT RECOVERED' : `${r.recoverS.toFixed(1)} s`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const say = opts.say ?? ((m: string) => process.stderr.write(`chaos: ${m}\n`));
  const recoverTimeoutMs = opts.recoverTimeoutMs ?? 180_000;
  mkdirSync(opts.servicesDir, { recursive: true });
  const services = new Services(opts.servicesDir);
  const rows: ChaosRow[] = [];
  const problems: string[] = [];
  let bina: Bina | undefined;
  let learners: Learners | undefined;
  let runData: { mongoUri: string; redisUrl: string; prefix: string } | undefined;
  try {
    say(`services in ${opts.servicesDir}`);
    const uris = await services.up();
    const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const mongo = new URL(uris.MONGODB_URI);
    mongo.pathname = `/bina_chaos_${run}`;
    const port = await freePort();
    const prefix = `chaos${run}`;
    const env: Record<string, string> = {
      NODE_ENV: 'test', MONGODB_URI: mongo.toString(), REDIS_URL: uris.REDIS_URL, SESSION_SECRET: randomBytes(32).toString('hex'),
      BINA_QUEUE_PREFIX: prefix, BINA_PASSWORD_HASH_MEMORY_KIB: '4096',
      // A killed worker's job is taken up again once its lock expires (production: 30 s).
      BINA_JOB_LOCK_MS: '5000', BINA_JOB_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', BINA_DATA_DIR: join(opts.servicesDir, `files-${run}`),
    };
    runData = { mongoUri: env.MONGODB_URI!, redisUrl: uris.REDIS_URL, prefix };
    say(`setting up an exam, an achievement and ${opts.takers} participants`);
    const fx = await setUp(env, opts.takers, opts.questions ?? 20);
    const url = `http://127.0.0.1:${port}`;
    bina = new Bina(env, services.log);
    bina.start();
    const health = async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) })).status === 200;
    if (!(await until(health, 120_000))) throw new Error('Bina did not answer /health within 120 s');
    if (!(await until(() => bina!.pid('worker') !== undefined, 60_000))) throw new Error('the supervisor started no worker');

    learners = new Learners(url, fx.examId, { intervalMs: opts.intervalMs, retryCapMs: opts.retryCapMs ?? 15_000 });
    say(`${opts.takers} takers start their attempts over HTTP`);
    await learners.start(fx.participants);
    learners.run();
    const checks = new Checks(url, fx.examId, fx.achievementId, fx.trainerToken, fx.adminToken);
    const submitted: Taker[] = [];
    const batch = Math.max(1, Math.floor(opts.takers / (opts.kills.length + 1)));
    const warm = opts.warmAcks ?? Math.max(10, Math.floor(opts.takers / 2));

    /** Until every submitted attempt is graded and every pass has its certificate. */
    const caughtUp = async () => {
      const g = await checks.grading(submitted);
      if (g.graded < g.submitted) return false;
      const c = await checks.certificates(learners!.takers, await checks.passed());
      return c.missing.length === 0;
    };

    const verify = async (label: string, row: Omit<ChaosRow, 'acked' | 'found' | 'lost' | 'duplicates'>) => {
      const s = await checks.saves(learners!.takers);
      const g = await checks.grading(submitted);
      const passed = await checks.passed();
      const c = await checks.certificates(learners!.takers, passed);
      for (const l of s.lost) problems.push(`${label}: lost save: ${l}`);
      if (g.graded < g.submitted) problems.push(`${label}: ${g.submitted - g.graded} of ${g.submitted} submitted attempts not graded`);
      for (const d of g.doubleGraded) problems.push(`${label}: ${d}`);
      for (const d of c.duplicates) problems.push(`${label}: ${d}`);
      for (const m of c.missing) problems.push(`${label}: ${m}`);
      if (row.recoverS === null) problems.push(`${label}: not recovered within ${recoverTimeoutMs / 1000} s`);
      const r: ChaosRow = { ...row, acked: s.acked, found: s.found, lost: s.lost.length, duplicates: g.doubleGraded.length + c.duplicates.length };
      rows.push(r);
      say(`${label}: ${JSON.stringify(r)}; ${g.submitted} submitted, ${passed.size} passed, ${c.issued} certificates`);
    };

    for (const component of opts.kills) {
      const from = learners.stats.acked;
      if (!(await until(() => learners!.stats.acked - from >= warm, recoverTimeoutMs))) problems.push(`before killing ${component}: the load made no progress`);
      // A batch submits now: grading and certificates are on the way when the kill lands.
      const going = learners.takers.filter((t) => t.state === 'saving').slice(0, batch);
      const submits = going.map((t) => learners!.submit(t).then(() => submitted.push(t)));
      await until(() => submitted.length > 0 || going.length === 0, recoverTimeoutMs, 20);
      // The worker dies while it grades: once the first of the batch is graded, the rest are on the way.
      if (component === 'worker') {
        await until(async () => {
          const states = await checks.attemptStates();
          return going.some((t) => states.get(t.attemptId)?.state === 'graded');
        }, 30_000, 20);
      }
      const jobsBefore = component === 'redis' ? await delayedJobIds(uris.REDIS_URL, prefix, 'activity-exam.autosubmit') : [];
      const startsBefore = component === 'web' || component === 'worker' ? bina.starts(component) : 0;
      const inFlight = learners.stats.inFlight;
      const retriesBefore = learners.stats.retries;
      const killAt = Date.now();
      const pid = component === 'web' || component === 'worker' ? bina.kill(component) : services.kill(component);
      say(`killed ${component} (pid ${pid}) with ${inFlight} saves in flight`);
      // The supervisor restarts web and worker by itself; a service comes back as its unit would.
      const back = component === 'web' || component === 'worker'
        ? until(() => bina!.starts(component) > startsBefore, recoverTimeoutMs)
        : services.up().then(() => true, (e) => { problems.push(`${component}: restart failed: ${(e as Error).message}`); return false; });
      let restarted = false;
      void back.then((ok) => (restarted = ok));
      // The batch's submits are answered too (their pages retried through the outage), so that
      // "caught up" covers their grades and certificates.
      let submitsAnswered = false;
      void Promise.allSettled(submits).then(() => (submitsAnswered = true));
      const recovered = await until(async () => restarted && submitsAnswered && learners!.ackedSince(killAt) > 0 && (component !== 'web' || (await health())) && (await caughtUp()), recoverTimeoutMs);
      const recoverS = recovered ? (Date.now() - killAt) / 1000 : null;
      await Promise.allSettled(submits);
      if (component === 'redis') {
        const after = new Set(await delayedJobIds(uris.REDIS_URL, prefix, 'activity-exam.autosubmit'));
        const states = await checks.attemptStates();
        const lost = jobsBefore.filter((id) => !after.has(id) && states.get(id.replace(/^autosubmit-/, ''))?.state === 'in_progress');
        if (lost.length) problems.push(`redis: ${lost.length} of ${jobsBefore.length} delayed auto-submit jobs lost across the restart`);
        say(`redis: ${jobsBefore.length} delayed auto-submit jobs before the kill, ${lost.length} lost`);
      }
      await verify(component, { killed: component, inFlight, retried: learners.stats.retries - retriesBefore, recoverS });
    }

    say('the remaining takers submit');
    await Promise.all(learners.takers.filter((t) => t.state === 'saving').map((t) => learners!.submit(t).then(() => submitted.push(t))));
    const t0 = Date.now();
    const done = await until(caughtUp, recoverTimeoutMs);
    await verify('(all submitted)', { killed: '(none: end)', inFlight: 0, retried: 0, recoverS: done ? (Date.now() - t0) / 1000 : null });
    if (learners.stats.refused.length) problems.push(...learners.stats.refused.slice(0, 20).map((r) => `refused save: ${r}`));
    say(`load: ${JSON.stringify({ ...learners.stats, refused: learners.stats.refused.length })}`);
    return { rows, problems };
  } finally {
    await learners?.stop();
    await bina?.stop();
    if (runData) await dropRun(runData.mongoUri, runData.redisUrl, runData.prefix).catch((e) => say(`clean-up: ${(e as Error).message}`));
    if (!opts.keepServices) await services.down();
  }
}

/** `npm run chaos` (scripts/chaos.mjs): CHAOS_TAKERS (200), CHAOS_KILLS (web,worker,redis,ferretdb,postgresql), CHAOS_PACE_S ("15-45"). */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kills = (process.env.CHAOS_KILLS ?? 'web,worker,redis,ferretdb,postgresql').split(',').map((s) => s.trim()) as Component[];
  const [lo, hi] = (process.env.CHAOS_PACE_S ?? '15-45').split('-').map((s) => Number(s) * 1000);
  const result = await runChaos({
    takers: Number(process.env.CHAOS_TAKERS ?? 200), kills, intervalMs: [lo!, hi!],
    servicesDir: process.env.CHAOS_SERVICES_DIR ?? join(REPO_ROOT, '.data', 'chaos-services'),
    keepServices: process.env.CHAOS_KEEP_SERVICES === '1',
  });
  console.log(`\n${formatTable(result.rows)}\n\n${LEGEND}\n`);
  if (result.problems.length) {
    console.log(`${result.problems.length} problem(s):\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log('0 lost, 0 duplicated, 0 unrecovered');
  process.exit(0);
}
