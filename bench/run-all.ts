/**
 * `npm run bench` (via scripts/bench.mjs, which provides MONGODB_URI/REDIS_URL): figures for this
 * machine. By default (BENCH_ONLY=exam,certificates) the exam path at scale (bench/exam-scale.ts:
 * examStart2000, dbRaw, autosaveCatPace5000, autosaveBurst1000, grading2000) and
 * bulkCertificates1000, each against its target (issue 11) and the raw database figure of the same
 * run. On request: (a) quiz autosave over HTTP vs the same update sent straight to the database,
 * (b) quiz grading through BullMQ vs bare no-op jobs, (c) the plugins' own micro-benchmarks.
 * Prints tables, then one JSON line with every number (the last line of stdout), whose keys
 * autosaveCatPace5000, autosaveBurst1000, examStart2000, grading2000, bulkCertificates1000, dbRaw
 * and server compare across runs. Progress goes to stderr.
 *
 * Invariants: one fresh kernel on its own database and queue prefix (test/support/harness.ts),
 * dropped at the end (env.stop()); every phase is bounded in time; only loopback is used. Exit
 * code 1 when a correctness check failed (a non-2xx reply, a write that did not happen, an
 * attempt not graded exactly once) or a phase crashed. Reported as notes only: a plugin bench
 * that fails, and database errors in the raw loops (the database's limit, not the app's).
 *
 * Environment: BENCH_LEARNERS (default "50,200"), BENCH_DURATION_S (10), BENCH_RAW_DURATION_S (5),
 * BENCH_WARMUP_S (2), BENCH_GRADE_ATTEMPTS (500), BENCH_ONLY ("exam,certificates"; also
 * "autosave,grading,plugins"), and bench/exam-scale.ts's BENCH_EXAM_TAKERS (5000),
 * BENCH_EXAM_STARTS (2000), BENCH_BURST_TAKERS (1000), BENCH_GRADE_EXAMS (2000), BENCH_PACE_S (60),
 * BENCH_BURST_S (30), BENCH_RAW_S (10), BENCH_GRACE_S (30).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import { createCourseWithQuiz, startTestEnv, type TestEnv } from '../test/support/harness';
import { createLearners, createTrainerAndQuiz, round1, type BenchLearner, type SetupTimings } from './fixtures';
import { runHttpAutosave, runRawAutosave, sampleAutosaveDbOps, SaveCounter, type HttpAutosaveResult, type RawAutosaveResult } from './autosave';
import { describeProfile, type DbProfile } from './db-profile';
import { runBareQueue, runGrading, type BareQueueResult, type GradingResult } from './grading';
import { BenchAborted, benchAbort } from './abort';
import { PLUGIN_BENCHES, type PluginBenchName, type PluginBenchOutcome } from './plugin-benches';
import { benchExamScale } from './exam-scale';

function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max} (got '${raw}')`);
  return n;
}

function learnerCounts(): number[] {
  const raw = process.env.BENCH_LEARNERS?.trim();
  if (!raw) return [50, 200];
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 2000)) throw new Error(`BENCH_LEARNERS must be a comma-separated list of integers 1..2000 (got '${raw}')`);
  return list;
}

const cfg = {
  learners: learnerCounts(),
  durationS: envInt('BENCH_DURATION_S', 10, 1, 120),
  rawDurationS: envInt('BENCH_RAW_DURATION_S', 5, 1, 120),
  warmupS: envInt('BENCH_WARMUP_S', 2, 0, 60),
  gradeAttempts: envInt('BENCH_GRADE_ATTEMPTS', 500, 1, 100_000),
  only: new Set((process.env.BENCH_ONLY ?? 'exam,certificates').split(',').map((s) => s.trim())),
};

const started = performance.now();
function say(msg: string): void {
  process.stderr.write(`bench: [+${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
}

interface AutosaveRow {
  learners: number;
  http: HttpAutosaveResult;
  raw: RawAutosaveResult;
  /** HTTP req/s (client) / raw updates/s. */
  ratio: number;
  /** Server writes/s during the run / raw updates/s. */
  ratioServer: number;
}

interface Report {
  machine: { cpus: number; cpuModel: string; node: string; db: string; redis: string; memGb: number };
  config: Record<string, unknown>;
  setup?: SetupTimings & { argon2HashMs: Record<string, number> };
  autosave?: { dbOps: DbProfile; rawSerial: RawAutosaveResult; rows: AutosaveRow[] };
  grading?: { graded: GradingResult; bare: BareQueueResult; ratio: number };
  plugins?: Record<string, PluginBenchOutcome>;
  exam?: Awaited<ReturnType<typeof benchExamScale>>;
  certificates?: PluginBenchOutcome;
  failures: string[];
  /** Things to know about the figures that are not failures (e.g. a slow drain). */
  notes: string[];
  totalS: number;
}

/** The plugins the autosave and grading fixtures use (the fallback kernel). */
const MIN_PLUGINS = ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse'];

const failures: string[] = [];
const notes: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};

/** argon2id hash time at the harness's cost and at the production default (config.ts). */
async function argon2Cost(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const kib of [4096, 65_536]) {
    await argon2.hash('warm-up-Pass-1', { type: argon2.argon2id, memoryCost: kib });
    const t0 = performance.now();
    const n = 5;
    for (let i = 0; i < n; i++) await argon2.hash(`Rahasia-Uji-${i}`, { type: argon2.argon2id, memoryCost: kib });
    out[`kib${kib}`] = round1((performance.now() - t0) / n);
  }
  return out;
}

async function serverVersions(env: TestEnv): Promise<{ db: string; redis: string }> {
  let db = process.env.BENCH_MONGO_KIND || 'mongodb';
  try {
    const info = (await env.kernel.services.conn.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    db = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion.replace(/^v/, '')}` : `MongoDB ${info.version}`;
  } catch {
    /* keep the kind */
  }
  if (db.startsWith('FerretDB')) db += ` (${backendName()} backend)`;
  let redis = 'Redis';
  try {
    const info = await env.kernel.services.queues.connection.info('server');
    redis = `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
  } catch {
    /* unknown */
  }
  return { db, redis };
}

/** FerretDB's backend, as scripts/services reported the kind it started (bench.mjs passes it on). */
function backendName(): string {
  const kind = process.env.BENCH_MONGO_KIND ?? '';
  return kind === 'ferretdb-sqlite' || kind === 'ferretdb' ? 'SQLite' : kind === 'ferretdb-postgresql' ? 'PostgreSQL' : 'unknown';
}

async function autosavePhase(env: TestEnv, learners: BenchLearner[]): Promise<NonNullable<Report['autosave']>> {
  const counter = new SaveCounter(env);
  try {
    let seq = 0;
    say('autosave: counting database operations per request (50 sequential requests)');
    const dbOps = await sampleAutosaveDbOps(env, learners, 50, seq);
    seq = 1000;
    say(`autosave: the update straight to the database, 1 loop over all ${learners.length} attempts for 3 s (the database alone)`);
    const rawSerial = await runRawAutosave(env, learners, 3, seq, 1);
    seq = rawSerial.maxSeq + 1;
    check(rawSerial.notMatched === 0 && rawSerial.errors === 0, `autosave raw serial: ${rawSerial.notMatched} updates matched nothing, ${rawSerial.errors} errors ${rawSerial.errorSamples.join(' | ')}`);
    if (cfg.warmupS > 0) {
      const n = Math.min(cfg.learners[0]!, learners.length);
      say(`autosave: warm-up, ${n} learners for ${cfg.warmupS} s`);
      const w = await runHttpAutosave(env, counter, learners.slice(0, n), cfg.warmupS, seq);
      seq = w.maxSeq + 1;
    }
    const rows: AutosaveRow[] = [];
    for (const n of cfg.learners) {
      const group = learners.slice(0, n);
      say(`autosave: ${n} learners over HTTP for ${cfg.durationS} s`);
      const http = await runHttpAutosave(env, counter, group, cfg.durationS, seq);
      seq = http.maxSeq + 1;
      say(`autosave: ${http.reqPerSec} req/s, p99 ${http.latency.p99} ms; now the same update straight to the database, ${n} loops for ${cfg.rawDurationS} s`);
      const raw = await runRawAutosave(env, group, cfg.rawDurationS, seq);
      seq = raw.maxSeq + 1;
      say(`autosave: raw ${raw.updatesPerSec} updates/s`);
      check(http.non2xx === 0, `autosave N=${n}: ${http.non2xx} non-2xx replies (${JSON.stringify(http.statusCodes)})`);
      check(http.errors === 0 && http.timeouts === 0, `autosave N=${n}: ${http.errors} connection errors, ${http.timeouts} timeouts`);
      check(http.mismatches === 0, `autosave N=${n}: ${http.mismatches} replies were not "saved: true"`);
      check(http.server.duplicates === 0 && http.server.stale === 0 && http.server.failed === 0, `autosave N=${n}: server saw ${http.server.duplicates} duplicates, ${http.server.stale} stale, ${http.server.failed} failed saves`);
      check(http.server.writes >= http.status2xx, `autosave N=${n}: ${http.server.writes} writes for ${http.status2xx} 2xx replies`);
      check(raw.notMatched === 0, `autosave raw N=${n}: ${raw.notMatched} updates matched nothing`);
      // The database refusing writes under this concurrency is a finding about it, not a bench failure.
      if (raw.errors > 0) notes.push(`autosave raw N=${n}: the database failed ${raw.errors} of ${raw.updates + raw.errors} updates: ${raw.errorSamples.join(' | ')}`);
      if (http.drainMs === null) notes.push(`autosave N=${n}: the server had not answered every request 60 s after the load stopped; the raw run overlapped that tail`);
      if (http.latency.p50 * 2 > cfg.durationS * 1000) notes.push(`autosave N=${n}: the median reply took ${http.latency.p50} ms, over half the ${cfg.durationS} s run, so the clients' req/s undercounts; server writes/s (${http.serverWritesPerSec}) is the steadier figure`);
      const per = (x: number) => (raw.updatesPerSec > 0 ? Math.round((x / raw.updatesPerSec) * 1000) / 1000 : 0);
      rows.push({ learners: n, http, raw, ratio: per(http.reqPerSec), ratioServer: per(http.serverWritesPerSec) });
    }
    return { dbOps, rawSerial, rows };
  } finally {
    counter.dispose();
  }
}

async function gradingPhase(env: TestEnv, trainer: Awaited<ReturnType<typeof createTrainerAndQuiz>>['trainer'], learners: BenchLearner[]): Promise<NonNullable<Report['grading']>> {
  const q = await createCourseWithQuiz(trainer);
  const m = cfg.gradeAttempts;
  say(`grading: ${m} submitted attempts through the kernel's BullMQ workers`);
  const graded = await runGrading(env, { courseId: q.courseId, quizId: q.quizId, questionIds: q.questionIds }, learners, m);
  say(`grading: ${graded.perSec} attempts/s; now ${m} bare no-op BullMQ jobs`);
  const bare = await runBareQueue(env, m);
  say(`grading: bare ${bare.perSec} jobs/s`);
  return { graded, bare, ratio: graded.perSec > 0 ? round1(bare.perSec / graded.perSec) : 0 };
}

function runPluginBench(name: PluginBenchName): Promise<PluginBenchOutcome> {
  const script = fileURLToPath(new URL('./plugin-benches.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (e) => {
      clearTimeout(killer);
      resolve({ ok: false, error: e.message });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as PluginBenchOutcome);
      } catch {
        resolve({ ok: false, error: `no result (${signal ?? `exit ${code}`})` });
      }
    });
  });
}

async function pluginsPhase(): Promise<Record<string, PluginBenchOutcome>> {
  const out: Record<string, PluginBenchOutcome> = {};
  for (const name of Object.keys(PLUGIN_BENCHES) as PluginBenchName[]) {
    say(`plugins: ${name}`);
    out[name] = await runPluginBench(name);
  }
  return out;
}

// ------------------------------------------------------------------------------------- output

function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.slice(1).map(line)].join('\n');
}

/** Database CPU milliseconds per operation, from its CPU share and the operation rate. */
function dbCpuMs(dbPct: number | null | undefined, perSec: number): string {
  return dbPct === null || dbPct === undefined || perSec <= 0 ? 'n/a' : String(round1((dbPct / 100 / perSec) * 1000));
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v)}%`);

function printReport(r: Report): void {
  const w = (s = '') => process.stdout.write(`${s}\n`);
  w();
  w(`Bina bench: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memGb} GB, Node ${r.machine.node}, ${r.machine.db}, ${r.machine.redis}`);
  if (r.setup) {
    const s = r.setup;
    w(`Setup: ${s.learners} learners in ${(s.totalMs / 1000).toFixed(1)} s (createUser + token + enrol, 4 in parallel: createUser ${s.createUserMsAvg} ms avg; attempts inserted in ${s.attemptsInsertMs} ms); argon2id hash ${s.argon2HashMs.kib4096} ms at 4 MiB (harness), ${s.argon2HashMs.kib65536} ms at 64 MiB (production default)`);
  }
  if (r.autosave) {
    w();
    w(`(a) Autosave: PUT /api/v1/activity-quiz/attempts/:id/answers/:slot, ${cfg.durationS} s per run, one connection per learner; raw = the same updateOne via mongoose, N loops for ${cfg.rawDurationS} s`);
    w('HTTP req/s = replies the clients got / run time (autocannon); server writes/s = saves the server completed during the run.');
    w(
      table(
        ['learners', 'HTTP req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'server writes/s', 'raw upd/s', 'raw p50 ms', 'raw p99 ms', 'HTTP/raw', 'server/raw'],
        r.autosave.rows.map((x) => [x.learners, x.http.reqPerSec, x.http.latency.p50, x.http.latency.p99, x.http.non2xx, x.http.serverWritesPerSec, x.raw.updatesPerSec, x.raw.latency.p50, x.raw.latency.p99, x.ratio.toFixed(3), x.ratioServer.toFixed(3)]),
      ),
    );
    const rs = r.autosave.rawSerial;
    w(`Database alone, 1 loop over all ${r.setup?.learners ?? '?'} attempts: ${rs.updatesPerSec} updates/s, p50 ${rs.latency.p50} ms, p99 ${rs.latency.p99} ms; database CPU ${dbCpuMs(rs.cpu.db, rs.updatesPerSec)} ms per update.`);
    const p = r.autosave.dbOps;
    w(`Database operations per autosave request (${p.units} sequential requests): ${p.opsPerUnit}, ${p.dbMsPerUnit} ms in the database per request: ${describeProfile(p)}. The raw loop sends 1.`);
    w('CPU during each run, % of one core (machine = everything, 200% = both cores; others = processes not in this bench):');
    w(
      table(
        ['learners', 'phase', 'bench node (server)', 'loader', 'database', 'redis', 'others', 'machine', 'server ELU'],
        r.autosave.rows.flatMap((x) => [
          [x.learners, 'HTTP', pct(x.http.cpu.self), pct(x.http.cpu.loader), pct(x.http.cpu.db), pct(x.http.cpu.redis), pct(x.http.cpu.others), pct(x.http.cpu.machine), x.http.serverElu.toFixed(2)],
          [x.learners, 'raw', pct(x.raw.cpu.self), '-', pct(x.raw.cpu.db), pct(x.raw.cpu.redis), pct(x.raw.cpu.others), pct(x.raw.cpu.machine), '-'],
        ]),
      ),
    );
  }
  if (r.grading) {
    const g = r.grading;
    w();
    w(`(b) Grading through BullMQ: ${g.graded.attempts} submitted attempts, kernel workers (concurrency ${g.graded.concurrency}), first enqueue to last graded`);
    w(
      table(
        ['what', 'jobs', 'enqueue ms', 'wall ms', 'per second', 'bench node', 'database', 'redis', 'others', 'machine'],
        [
          ['graded attempts', g.graded.attempts, g.graded.enqueueMs, g.graded.wallMs, g.graded.perSec, pct(g.graded.cpu.self), pct(g.graded.cpu.db), pct(g.graded.cpu.redis), pct(g.graded.cpu.others), pct(g.graded.cpu.machine)],
          ['bare no-op jobs', g.bare.jobs, g.bare.enqueueMs, g.bare.wallMs, g.bare.perSec, pct(g.bare.cpu.self), pct(g.bare.cpu.db), pct(g.bare.cpu.redis), pct(g.bare.cpu.others), pct(g.bare.cpu.machine)],
        ],
      ),
    );
    const p = g.graded.dbProfile;
    w(`bare/grading: ${g.ratio}x. Database CPU ${dbCpuMs(g.graded.cpu.db, g.graded.perSec)} ms per graded attempt.`);
    w(`Database operations per graded attempt (${p.units} warm-up attempts, concurrency ${g.graded.concurrency}): ${p.opsPerUnit}, ${p.dbMsPerUnit} ms in the database per attempt: ${describeProfile(p)}.`);
    const fp = g.graded.filterProbe;
    w(`Filter shape on the attempts collection (${fp.docs} documents, last one, no load): findOne {_id} ${fp.idOnlyMs} ms, findOne {_id, state} ${fp.idAndFieldMs} ms.`);
  }
  if (r.plugins) {
    const p = r.plugins;
    const fail = (o: PluginBenchOutcome) => (o.ok ? '' : `${'skipped' in o && o.skipped ? 'skipped' : 'FAILED'}: ${o.error}`);
    const num = (o: PluginBenchOutcome, k: string) => (o.ok ? (o as Record<string, unknown>)[k] : undefined) as number | undefined;
    w();
    w('(c) Plugin micro-benchmarks (each in a fresh process; max RSS = the process peak)');
    const rows: Array<Array<string | number>> = [];
    const ia = p['item-analysis']!;
    rows.push(['item analysis 1000x100', ia.ok ? `${num(ia, 'ms')} ms (best of 5)` : fail(ia), ia.ok ? `${ia.maxRssMb} MB` : '']);
    const sg = p.signing!;
    rows.push(['Open Badge signing x200', sg.ok ? `${num(sg, 'perSecond')}/s (${num(sg, 'ms')} ms)` : fail(sg), sg.ok ? `${sg.maxRssMb} MB` : '']);
    const pc = p['pdf-cert']!;
    rows.push(['certificate PDF x300', pc.ok ? `${num(pc, 'perSecond')}/s (${num(pc, 'ms')} ms), peak RSS ${num(pc, 'peakRssMb')} MB` : fail(pc), pc.ok ? `${pc.maxRssMb} MB` : '']);
    const pb = p['pdf-bare']!;
    rows.push(['bare pdfkit page x300', pb.ok ? `${num(pb, 'perSecond')}/s (${num(pb, 'ms')} ms), peak RSS ${num(pb, 'peakRssMb')} MB` : fail(pb), pb.ok ? `${pb.maxRssMb} MB` : '']);
    const bi = p['bulk-issue'];
    if (bi) rows.push(['bulk issue x1000 (credential + PDF)', bi.ok ? `${num(bi, 'certificatesPerSecond')}/s vs bare pdfkit ${num(bi, 'barePdfkitPerSecond')}/s (ratio ${num(bi, 'ratio')}), peak RSS ${num(bi, 'peakRssMb')} MB` : fail(bi), bi.ok ? `${bi.maxRssMb} MB` : '']);
    for (const name of ['exam-start', 'exam-autosave'] as const) {
      const o = p[name];
      if (o) rows.push([name === 'exam-start' ? 'exam-start stampede x500' : 'exam autosave, 1000 participants', o.ok ? JSON.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'ok' && k !== 'maxRssMb'))).slice(0, 400) : fail(o), o.ok ? `${o.maxRssMb} MB` : '']);
    }
    w(table(['bench', 'result', 'max RSS'], rows));
    const ratio = pdfRatio(p);
    if (ratio !== null) w(`bare pdfkit / certificate: ${ratio}x`);
  }
  w();
  for (const n of notes) w(`Note: ${n}`);
  w(failures.length ? `FAILED checks:\n  - ${failures.join('\n  - ')}` : 'All checks passed (0 non-2xx, every request a real write, every attempt graded exactly once).');
  w(`Total ${r.totalS} s`);
}

// ------------------------------------------------------------------ issue 11 scenarios, with targets

interface Scenario {
  figures: Record<string, unknown>;
  target: string;
  met: boolean | null;
  /** This scenario's rate / the raw database rate of the same run (null when not comparable). */
  rawRatio: number | null;
  rawBasis: string;
}

type ScenarioKeys = 'autosaveCatPace5000' | 'autosaveBurst1000' | 'examStart2000' | 'grading2000' | 'bulkCertificates1000';

type ExamRun = NonNullable<Report['exam']>['topologies'][string];
type ExamScenarioKeys = Exclude<ScenarioKeys, 'bulkCertificates1000'>;

/** The exam scenarios of one topology's run, each with its raw database ratio. */
function examScenarios(e: ExamRun): Record<ExamScenarioKeys, Scenario> & { dbRaw: { updatesPerSec: number; upsertsPerSec: number; insertsPerSec: number } } {
  const ratio = (x: number, raw: number | undefined) => (raw && raw > 0 ? Math.round((x / raw) * 1000) / 1000 : null);
  const raw = { updatesPerSec: e.dbRaw.updatesPerSec, upsertsPerSec: e.dbRaw.upsertsPerSec, insertsPerSec: e.dbRaw.insertsPerSec };
  const saves = (x: typeof e.autosaveCatPace, p99: number): Scenario => ({
    figures: { takers: x.takers, durationS: x.durationS, offeredPerSec: x.offeredPerSec, perSec: x.perSec, p50Ms: x.p50Ms, p99Ms: x.p99Ms, errors: x.errors, unfinished: x.unfinished, lost: x.lost, cpuMsPerSave: cpuText(x.cpuMsPerOp) },
    target: `p99 < ${p99} ms, 0 errors, 0 unfinished, 0 lost`,
    met: x.p99Ms < p99 && x.errors === 0 && x.unfinished === 0 && x.lost === 0,
    rawRatio: ratio(x.perSec, raw.insertsPerSec), rawBasis: 'saves/s ÷ raw answer inserts/s (what a save writes, ADR 0053)',
  });
  const s = e.examStart;
  const g = e.grading;
  return {
    dbRaw: raw,
    autosaveCatPace5000: saves(e.autosaveCatPace, 500),
    autosaveBurst1000: saves(e.autosaveBurst, 1000),
    examStart2000: {
      figures: { n: s.n, ok: s.ok, p50Ms: s.p50Ms, p99Ms: s.p99Ms, wallMs: s.wallMs, startsPerSec: s.startsPerSec, cpuMsPerStart: cpuText(s.cpuMsPerOp) },
      target: 'all 201, p99 < 5000 ms', met: s.ok === s.n && s.p99Ms < 5000,
      rawRatio: ratio(s.startsPerSec, raw.upsertsPerSec), rawBasis: 'starts/s ÷ raw small-document upserts/s',
    },
    grading2000: {
      figures: { attempts: g.attempts, graded: g.graded, wallMs: g.wallMs, perSec: g.perSec, submitMs: g.submitMs, cpuMsPerGrade: cpuText(g.cpuMsPerOp) },
      target: 'all graded in < 30000 ms', met: g.graded === g.attempts && g.wallMs < 30_000,
      rawRatio: ratio(g.perSec, raw.updatesPerSec), rawBasis: 'graded/s ÷ raw conditional updates/s',
    },
  };
}

function scenarioFigures(r: Report) {
  type Out = Partial<Record<ScenarioKeys, Scenario>> & { dbRaw?: { updatesPerSec: number; upsertsPerSec: number; insertsPerSec: number }; server: string; topologies?: Record<string, ReturnType<typeof examScenarios>> };
  const out: Out = { server: r.machine.db };
  const e = r.exam;
  if (e) {
    // The top-level keys are the first topology's (1 web + 1 worker by default); all are under `topologies`, side by side.
    Object.assign(out, examScenarios(e));
    out.topologies = Object.fromEntries(Object.entries(e.topologies).map(([name, run]) => [name, examScenarios(run)]));
  }
  const c = r.certificates;
  if (c) {
    const v = (k: string) => (c.ok ? Number((c as Record<string, unknown>)[k]) : NaN);
    const wallMs = v('ms');
    out.bulkCertificates1000 = {
      figures: c.ok ? { n: v('n'), wallMs, perSec: v('certificatesPerSecond'), peakRssMb: v('peakRssMb'), barePdfkitPerSec: v('barePdfkitPerSecond') } : { error: c.error },
      target: '< 10000 ms, flat memory', met: c.ok ? wallMs < 10_000 : false,
      rawRatio: c.ok && out.dbRaw ? Math.round((v('certificatesPerSecond') / out.dbRaw.upsertsPerSec) * 1000) / 1000 : null, rawBasis: 'certificates/s ÷ raw small-document upserts/s',
    };
  }
  return out;
}

/** "web 12 / worker 0.1 / bench 3 / ferretdb 3 / postgres 4" (CPU ms per operation; n/a where not measured). */
function cpuText(c: { node: number | null; web?: number | null; worker?: number | null; ferretdb: number | null; postgres: number | null } | undefined): string {
  if (!c) return 'n/a';
  const served = c.web !== undefined && c.web !== null ? `web ${c.web} / worker ${c.worker ?? 'n/a'} / load generator ${c.node ?? 'n/a'}` : `node ${c.node ?? 'n/a'}`;
  return `${served} / ferretdb ${c.ferretdb ?? 'n/a'} / postgres ${c.postgres ?? 'n/a'}`;
}

function printScenarios(sc: ReturnType<typeof scenarioFigures>): void {
  const w = (s = '') => process.stdout.write(`${s}\n`);
  const keys: ScenarioKeys[] = ['examStart2000', 'autosaveCatPace5000', 'autosaveBurst1000', 'grading2000', 'bulkCertificates1000'];
  if (!keys.some((k) => sc[k])) return;
  w();
  w(`Exam path at scale (issue 11), ${sc.server}. Raw database, same run: ${sc.dbRaw ? `${sc.dbRaw.updatesPerSec} conditional attempt updates/s, ${sc.dbRaw.upsertsPerSec} small-document upserts/s, ${sc.dbRaw.insertsPerSec} answer inserts/s (32 in flight)` : 'not measured'}.`);
  w('CPU ms per operation: web and worker processes, the load generator (the bench process), ferretdb, postgres (with its backends).');
  for (const k of keys) {
    const s = sc[k];
    if (!s) continue;
    w(`- ${k}: ${Object.entries(s.figures).map(([a, b]) => `${a} ${b}`).join(', ')}`);
    w(`    target ${s.target}: ${s.met === null ? 'n/a' : s.met ? 'MET' : 'NOT MET'}; ${s.rawRatio === null ? 'no raw ratio' : `${s.rawRatio} of raw (${s.rawBasis})`}`);
  }
  const tops = Object.entries(sc.topologies ?? {});
  if (tops.length > 1) {
    w();
    w(`Side by side (web + worker processes): ${tops.map(([n]) => n).join(' | ')}`);
    const examKeys: ExamScenarioKeys[] = ['examStart2000', 'autosaveCatPace5000', 'autosaveBurst1000', 'grading2000'];
    for (const k of examKeys) {
      w(`- ${k}`);
      for (const [name, t] of tops) {
        const f = t[k].figures as Record<string, unknown>;
        const brief = k === 'grading2000' ? `${f.graded}/${f.attempts} in ${f.wallMs} ms (${f.perSec}/s)` : k === 'examStart2000' ? `${f.ok}/${f.n} × 201, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms (${f.startsPerSec}/s)` : `${f.perSec}/s of ${f.offeredPerSec}/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, errors ${f.errors}, unfinished ${f.unfinished}, lost ${f.lost}`;
        w(`    ${name}: ${brief}; ${t[k].met ? 'MET' : 'NOT MET'}; CPU ms ${Object.entries(f).find(([a]) => a.startsWith('cpuMs'))?.[1] ?? 'n/a'}`);
      }
    }
  }
}

function pdfRatio(p: Record<string, PluginBenchOutcome>): number | null {
  const c = p['pdf-cert'];
  const b = p['pdf-bare'];
  if (!c?.ok || !b?.ok) return null;
  const cs = Number((c as Record<string, unknown>).perSecond);
  const bs = Number((b as Record<string, unknown>).perSecond);
  return cs > 0 ? round1(bs / cs) : null;
}

// ------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const t0 = performance.now();
  const report: Report = {
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model?.trim() ?? '?', node: process.versions.node, db: '?', redis: '?', memGb: Math.round(os.totalmem() / 2 ** 30) },
    config: { ...cfg, only: [...cfg.only] },
    failures,
    notes,
    totalS: 0,
  };
  say(`config: learners ${cfg.learners.join(',')}, ${cfg.durationS} s HTTP + ${cfg.rawDurationS} s raw per run, ${cfg.gradeAttempts} graded attempts, phases ${[...cfg.only].join(',')}`);

  if (cfg.only.has('autosave') || cfg.only.has('grading')) {
    say('starting a kernel (all plugins) on a fresh database and queue prefix');
    let env: TestEnv;
    try {
      env = await startTestEnv();
    } catch (e) {
      // Plugins are edited while the bench exists: fall back to the ones the bench needs.
      notes.push(`the full kernel did not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); measured with only ${MIN_PLUGINS.join(', ')}`);
      say('the full kernel did not start; retrying with the plugins the bench needs');
      env = await startTestEnv({ only: MIN_PLUGINS });
    }
    // Ctrl-C: the running phase ends early, then the finally below cleans up; twice: leave now.
    const interrupted = (signal: NodeJS.Signals) => {
      if (benchAbort.signal.aborted) process.exit(130);
      say(`${signal}: stopping the running phase, then dropping the bench database and queues`);
      benchAbort.abort();
    };
    process.on('SIGINT', interrupted);
    process.on('SIGTERM', interrupted);
    try {
      Object.assign(report.machine, await serverVersions(env));
      const { trainer, quiz } = await createTrainerAndQuiz(env);
      const n = cfg.only.has('autosave') ? Math.max(...cfg.learners) : 20;
      say(`setup: ${n} learners (createUser with argon2id, token, enrolment, started attempt)`);
      const { learners, timings } = await createLearners(env, quiz, n);
      report.setup = { ...timings, argon2HashMs: await argon2Cost() };
      say(`setup: done in ${(timings.totalMs / 1000).toFixed(1)} s`);
      if (cfg.only.has('autosave')) {
        try {
          report.autosave = await autosavePhase(env, learners);
        } catch (e) {
          failures.push(`autosave phase ${e instanceof BenchAborted ? 'interrupted' : `crashed: ${e instanceof Error ? e.message : String(e)}`}`);
        }
      }
      if (cfg.only.has('grading') && !benchAbort.signal.aborted) {
        try {
          report.grading = await gradingPhase(env, trainer, learners);
        } catch (e) {
          failures.push(`grading phase ${e instanceof BenchAborted ? 'interrupted' : `crashed: ${e instanceof Error ? e.message : String(e)}`}`);
        }
      }
    } finally {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      say('dropping the bench database and queues');
      await env.stop();
    }
  }
  if (benchAbort.signal.aborted) {
    say('interrupted; bench database and queues dropped');
    process.exit(130);
  }
  if (cfg.only.has('plugins')) report.plugins = await pluginsPhase();
  if (cfg.only.has('exam') && !benchAbort.signal.aborted) {
    try {
      report.exam = await benchExamScale({ say: (m) => say(`exam: ${m}`) });
      if (report.machine.db === '?') report.machine.db = `${report.exam.server}${report.exam.server.startsWith('FerretDB') ? ` (${backendName()} backend)` : ''}`;
    } catch (e) {
      failures.push(`exam phase crashed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (cfg.only.has('certificates')) {
    say('certificates: 1000 credentials with their PDFs (bulk issue, in a fresh process)');
    report.certificates = await runPluginBench('bulk-issue');
  }

  report.totalS = round1((performance.now() - t0) / 1000);
  const scenarios = scenarioFigures(report);
  printReport(report);
  printScenarios(scenarios);
  process.stdout.write(`${JSON.stringify({ ...report, pdfRatio: report.plugins ? pdfRatio(report.plugins) : null, ...scenarios })}\n`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
