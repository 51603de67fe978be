/**
 * Counts and times every database operation the kernel's mongoose connection sends during a
 * sample window, per `collection.method`, by wrapping the methods of the driver collections
 * (instance properties, removed again by `stop()`). It is the evidence for which query costs
 * what; timed phases run without it.
 *
 * Invariant: only the methods listed here are wrapped; `find` is timed until its `toArray()`
 * (how mongoose reads a find) resolves. Unwrapped calls are simply not counted.
 */
import type { Connection, Model, Types } from 'mongoose';
import { round1 } from './fixtures';

const PROMISE_METHODS = [
  'findOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'insertOne',
  'insertMany',
  'bulkWrite',
  'countDocuments',
  'estimatedDocumentCount',
  'distinct',
] as const;

export interface OpStats {
  /** Operations per unit (request, graded attempt) of the sample. */
  perUnit: number;
  /** Mean latency of one operation, ms (includes waiting in the server under concurrency). */
  meanMs: number;
}

export interface DbProfile {
  units: number;
  ops: Record<string, OpStats>;
  opsPerUnit: number;
  /** Sum over operations of perUnit × meanMs: database time one unit waits for. */
  dbMsPerUnit: number;
}

type AnyFn = (...args: unknown[]) => unknown;

export class DbProfiler {
  private stats = new Map<string, { n: number; ms: number }>();
  private undo: Array<() => void> = [];

  /** True during the synchronous start of a counted call (see the wrapper). */
  private inCall = false;

  constructor(conn: Connection) {
    const profiler = this; // the wrappers run with the driver's `this`
    for (const mc of Object.values(conn.collections)) {
      const coll = (mc as unknown as { collection?: Record<string, unknown> }).collection;
      if (!coll) continue;
      const name = mc.collectionName;
      for (const method of [...PROMISE_METHODS, 'find'] as const) {
        const original = coll[method];
        if (typeof original !== 'function') continue;
        const record = (t0: number) => this.record(`${name}.${method}`, performance.now() - t0);
        const wrapped =
          method === 'find'
            ? function (this: unknown, ...args: unknown[]) {
                const t0 = performance.now();
                const cursor = (original as AnyFn).apply(this, args) as { toArray: () => Promise<unknown> };
                const toArray = cursor.toArray.bind(cursor);
                cursor.toArray = () => toArray().finally(() => record(t0));
                return cursor;
              }
            : function (this: unknown, ...args: unknown[]) {
                // A method the driver calls from another one, before that one's first await (insertMany
                // calls bulkWrite): one operation on the wire, counted once.
                if (profiler.inCall) return (original as AnyFn).apply(this, args);
                const t0 = performance.now();
                profiler.inCall = true;
                let sent: unknown;
                try {
                  sent = (original as AnyFn).apply(this, args);
                } finally {
                  profiler.inCall = false;
                }
                return Promise.resolve(sent).finally(() => record(t0));
              };
        coll[method] = wrapped;
        this.undo.push(() => {
          delete coll[method];
        });
      }
    }
  }

  private record(key: string, ms: number): void {
    const s = this.stats.get(key) ?? { n: 0, ms: 0 };
    s.n += 1;
    s.ms += ms;
    this.stats.set(key, s);
  }

  /** Removes the wrappers and summarises the window over `units` requests or jobs. */
  stop(units: number): DbProfile {
    for (const u of this.undo) u();
    this.undo = [];
    const ops: Record<string, OpStats> = {};
    let n = 0;
    let ms = 0;
    for (const [key, s] of [...this.stats.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      ops[key] = { perUnit: round1(s.n / units), meanMs: round1(s.ms / s.n) };
      n += s.n;
      ms += s.ms;
    }
    return { units, ops, opsPerUnit: round1(n / units), dbMsPerUnit: round1(ms / units) };
  }
}

/** One line: `coll.method ×perUnit at meanMs ms`, slowest total first. */
export function describeProfile(p: DbProfile): string {
  return Object.entries(p.ops)
    .sort(([, a], [, b]) => b.perUnit * b.meanMs - a.perUnit * a.meanMs)
    .map(([k, s]) => `${k} ${s.perUnit === 1 ? '' : `x${s.perUnit} `}${s.meanMs} ms`)
    .join(', ');
}

export interface FilterProbe {
  /** Documents in the collection. */
  docs: number;
  /** findOne({ _id }) of the last inserted document, mean ms. */
  idOnlyMs: number;
  /** findOne({ _id, ...extra }) of the same document, mean ms: the shape of every conditional update. */
  idAndFieldMs: number;
}

/**
 * How a filter's shape costs on this server: the same document fetched by `_id` alone and by
 * `_id` plus one more field (as the attempt updates' `{ _id, state }` filters do). On a server
 * that uses the `_id` index for both, the two are equal; a large gap that grows with `docs`
 * means the second one scans the collection.
 */
export async function probeFilterCost(model: Model<any>, id: Types.ObjectId, extra: Record<string, unknown>, n = 10): Promise<FilterProbe> {
  const time = async (filter: Record<string, unknown>) => {
    await model.findOne(filter).lean();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await model.findOne(filter).lean();
    return round1((performance.now() - t0) / n);
  };
  return { docs: await model.estimatedDocumentCount(), idOnlyMs: await time({ _id: id }), idAndFieldMs: await time({ _id: id, ...extra }) };
}
