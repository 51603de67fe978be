/**
 * BullMQ queues and workers on one ioredis connection factory. One queue per job name
 * (`<plugin-id>.<job>`); job ids are deterministic keys so a duplicate enqueue is harmless; every
 * payload is validated before it is enqueued and again before it is processed (a job payload is
 * outside input too). Processors must be idempotent: a job whose lock expired runs again.
 */
import { Queue, Worker, UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { z } from 'zod';
import { Errors } from './errors';
import type { Logger } from './logger';

export interface JobContext {
  job: Job;
  log: Logger;
  /** Reports progress (0–100 or an object) for the UI. */
  progress(value: number | object): Promise<void>;
}

export interface JobDefinition<T = unknown> {
  /** Full queue name, `<plugin-id>.<job>`; no `:` (BullMQ uses it as a key separator). */
  name: string;
  owner: string;
  payload: z.ZodType<T>;
  process(data: T, ctx: JobContext): Promise<unknown>;
  /**
   * Called once a job has failed for good (its last retry, an unrecoverable error, or stalled
   * too often), so its owner can record the failure where people look; its own errors are logged.
   */
  failed?(data: T, error: Error): Promise<void>;
  /** @default 5 */
  attempts?: number;
  /** First retry delay; doubles each time. @default 1000 */
  backoffMs?: number;
  /** @default 1 */
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Deterministic job id; a second enqueue with the same key while the job exists is a no-op. */
  key: string;
  delayMs?: number;
  priority?: number;
}

export interface QueueSystemOptions {
  redisUrl: string;
  prefix: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  log: Logger;
}

const NAME_RE = /^[a-z0-9-]+\.[a-z0-9-]+$/;
const KEY_RE = /^[A-Za-z0-9_.-]{1,200}$/;

export class QueueSystem {
  private defs = new Map<string, JobDefinition<any>>();
  private queues = new Map<string, Queue>();
  private workers: Worker[] = [];
  private connections: Redis[] = [];
  private shared?: Redis;

  constructor(private opts: QueueSystemOptions) {}

  /** A new ioredis connection with the options BullMQ needs. Workers need their own (blocking). */
  createConnection(extra: RedisOptions = {}): Redis {
    const c = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
    c.on('error', (err) => this.opts.log.warn({ err: err.message }, 'redis connection error'));
    this.connections.push(c);
    return c;
  }

  /** The connection shared by every Queue (non-blocking commands only). */
  get connection(): Redis {
    this.shared ??= this.createConnection();
    return this.shared;
  }

  define<T>(def: JobDefinition<T>): void {
    if (!NAME_RE.test(def.name)) throw Errors.pluginManifest(`Job name '${def.name}' must look like <plugin-id>.<job>`);
    if (!def.name.startsWith(`${def.owner}.`)) {
      throw Errors.pluginScope(`Plugin ${def.owner} may only define jobs named ${def.owner}.<job> (got ${def.name})`);
    }
    if (this.defs.has(def.name)) throw Errors.pluginClash(`Job ${def.name} is defined twice`);
    this.defs.set(def.name, def);
  }

  /** Forgets the jobs of a plugin that failed to start (before any worker runs). */
  removeOwner(owner: string): void {
    for (const [name, def] of this.defs) if (def.owner === owner) this.defs.delete(name);
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      if (!this.defs.has(name)) throw Errors.badRequest(`Unknown job queue ${name}`);
      q = new Queue(name, { connection: this.connection, prefix: this.opts.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  allQueues(): Queue[] {
    return [...this.defs.keys()].map((n) => this.queue(n));
  }

  async enqueue<T>(name: string, data: T, options: EnqueueOptions): Promise<void> {
    const def = this.defs.get(name);
    if (!def) throw Errors.badRequest(`Unknown job ${name}`);
    if (!KEY_RE.test(options.key)) throw Errors.jobPayload(`Job key '${options.key}' has characters BullMQ ids cannot hold`);
    const parsed = def.payload.safeParse(data);
    if (!parsed.success) throw Errors.jobPayload(`Invalid payload for ${name}`, { details: parsed.error.issues });
    const jobOpts: JobsOptions = {
      jobId: options.key,
      attempts: def.attempts ?? 5,
      backoff: { type: 'exponential', delay: def.backoffMs ?? 1000 },
      delay: options.delayMs,
      priority: options.priority,
      removeOnComplete: { age: 24 * 3600, count: 5000 },
      // Failed jobs stay for inspection in Bull Board.
      removeOnFail: false,
    };
    await this.queue(name).add(name, parsed.data, jobOpts);
  }

  /**
   * Makes sure the job with this key will run: enqueues it when Redis has none (lost with the last
   * second of writes before a power cut, say) and replaces a finished one (completed, or failed
   * after its retries); a waiting, delayed or running one is left alone. For recovery sweeps that
   * find work a lost job left undone: the processor must be idempotent, since it may run again.
   */
  async requeue<T>(name: string, data: T, options: EnqueueOptions): Promise<'queued' | 'exists'> {
    const job = await this.queue(name).getJob(options.key);
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'exists';
      await job.remove();
    }
    await this.enqueue(name, data, options);
    return 'queued';
  }

  /** Removes a delayed job (e.g. an auto-submit that is no longer needed). Missing is fine. */
  async cancel(name: string, key: string): Promise<void> {
    const job = await this.queue(name).getJob(key);
    if (job && (await job.isDelayed())) await job.remove();
  }

  /** Repeating job via BullMQ's job schedulers (idempotent upsert by id). */
  async schedule(name: string, schedulerId: string, repeat: { every?: number; pattern?: string; tz?: string }, data: unknown = {}): Promise<void> {
    await this.queue(name).upsertJobScheduler(schedulerId, repeat, { name, data });
  }

  /** Starts a worker for each defined queue accepted by `filter`. */
  startWorkers(filter: (name: string) => boolean = () => true): void {
    for (const def of this.defs.values()) {
      if (!filter(def.name)) continue;
      const log = this.opts.log.child({ queue: def.name });
      const worker = new Worker(
        def.name,
        async (job: Job) => {
          const parsed = def.payload.safeParse(job.data);
          // A malformed payload will never succeed: fail it for inspection, do not retry.
          if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.message}`);
          return def.process(parsed.data, {
            job,
            log: log.child({ jobId: job.id }),
            progress: (v) => job.updateProgress(v),
          });
        },
        {
          connection: this.createConnection(),
          prefix: this.opts.prefix,
          concurrency: def.concurrency ?? 1,
          lockDuration: this.opts.lockDurationMs,
          stalledInterval: this.opts.stalledIntervalMs,
          maxStalledCount: 5,
        },
      );
      worker.on('failed', (job, err) => {
        log.warn({ jobId: job?.id, err: err.message, attempts: job?.attemptsMade }, 'job failed');
        if (job && def.failed) void this.reportFinalFailure(def, job, err, log);
      });
      worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
  }

  /** Runs the definition's `failed` once the job will not be retried (it is in the failed set). */
  private async reportFinalFailure(def: JobDefinition<any>, job: Job, err: Error, log: Logger): Promise<void> {
    try {
      if ((await job.getState()) !== 'failed') return; // a retry is coming
      const parsed = def.payload.safeParse(job.data);
      if (parsed.success) await def.failed!(parsed.data, err);
    } catch (e) {
      log.error({ jobId: job.id, err: (e as Error).message }, 'recording a failed job failed');
    }
  }

  get workerCount(): number {
    return this.workers.length;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Lets running jobs finish (BullMQ's close waits for them), then closes every connection. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled(this.connections.map((c) => c.quit()));
    this.workers = [];
    this.queues.clear();
  }
}
