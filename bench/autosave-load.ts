/**
 * The autosave load generator, run as its own process (bench/autosave.ts spawns it) so that
 * generating load does not steal the server's event loop. Reads a JSON job from stdin, runs one
 * autocannon instance with one connection per simulated learner, and prints one JSON result line.
 *
 * Invariant: connection i is bound to learner i for the whole run (autocannon's `setupClient`),
 * pipelining is 1, and each request carries that learner's next sequence number, so every request
 * is a real, newer write of the attempt's answer (never a duplicate or a stale one). The server's
 * reply is checked (`verifyBody`): anything but `saved: true` counts as a mismatch.
 */
import autocannon from 'autocannon';

export interface LoadJob {
  url: string;
  learners: Array<{ token: string; attemptId: string }>;
  durationS: number;
  /** Every sequence number of this run is above this (runs never reuse a number). */
  seqBase: number;
  /** The slots to answer, round-robin, each with responses to alternate between. */
  slots: Array<{ slot: string; responses: unknown[] }>;
}

export interface LoadResult {
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  status2xx: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  mismatches: number;
  /** The highest sequence number built per learner (the next run starts above all of them). */
  maxSeq: number;
  /** CPU of this process during the run, % of one core. */
  cpuPct: number;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as LoadJob;
  const n = job.learners.length;
  let nextLearner = 0;
  let maxSeq = job.seqBase;

  // The parent starts its CPU meters on this line, after this process's own start-up.
  process.stdout.write('READY\n');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await autocannon({
    url: job.url,
    connections: n,
    pipelining: 1,
    duration: job.durationS,
    // Well above the run: a slow reply is measured as slow, not dropped as a timeout.
    timeout: 30,
    // Placeholder replaced per client in setupClient (autocannon builds it before that hook runs).
    method: 'PUT',
    setupClient(client: autocannon.Client) {
      const learner = job.learners[nextLearner++ % n]!;
      let seq = job.seqBase;
      let i = 0;
      const headers = { authorization: `Bearer ${learner.token}`, 'content-type': 'application/json', accept: 'application/json' };
      client.setRequests([
        {
          method: 'PUT',
          setupRequest(req: autocannon.Request) {
            const s = job.slots[i % job.slots.length]!;
            const response = s.responses[Math.floor(i / job.slots.length) % s.responses.length];
            i += 1;
            seq += 1;
            if (seq > maxSeq) maxSeq = seq;
            return {
              ...req,
              method: 'PUT',
              path: `/api/v1/activity-quiz/attempts/${learner.attemptId}/answers/${s.slot}`,
              headers,
              body: JSON.stringify({ seq, response }),
            };
          },
        },
      ]);
    },
    verifyBody: (body: string) => body.includes('"saved":true') && !body.includes('"duplicate":true'),
  } as autocannon.Options);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);

  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (v as { count: number }).count;
  const requests = result['2xx'] + result.non2xx;
  const out: LoadResult = {
    connections: n,
    durationS: Math.round(result.duration * 100) / 100,
    requests,
    reqPerSec: Math.round((requests / result.duration) * 10) / 10,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: Math.round(result.latency.mean * 100) / 100 },
    status2xx: result['2xx'],
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    maxSeq,
    cpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 1000) / 10,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  process.stderr.write(`autosave-load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
