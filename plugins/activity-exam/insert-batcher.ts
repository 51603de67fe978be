/**
 * Group commit for inserts: concurrent inserts into one collection share one `insertMany`
 * (unordered), so a stampede of N starts costs a handful of database writes instead of N.
 *
 * Why: FerretDB on SQLite (development, CI, the benchmarks) serialises every write and syncs the
 * WAL at each commit, about 15-20 ms here, so 500 single inserts take 8-10 s however the
 * application is written; one `insertMany` of 100 documents is one transaction. On MongoDB it
 * saves round trips. No timer: a batch leaves as soon as the previous one is done, so a lone
 * insert waits for nothing, and under load the batches grow by themselves.
 *
 * Invariant: each caller's promise settles with the outcome of its own document: resolved when
 * it was inserted, rejected with that document's write error (E11000 for a duplicate key, the
 * code callers test) or with the batch's error when the whole batch failed twice.
 */
import type { mongo } from 'mongoose';

interface Waiting {
  doc: Record<string, unknown>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** The error of one document of a failed batch, shaped like the driver's (callers test `code`). */
export class InsertWriteError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'InsertWriteError';
  }
}

export class InsertBatcher {
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    private collection: () => mongo.Collection,
    private maxBatch = 200,
  ) {}

  /** Inserts one document (with its `_id` set by the caller) as part of the next batch. */
  insert(doc: mongo.Document): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async write(batch: Waiting[], retried = false): Promise<void> {
    try {
      await this.collection().insertMany(batch.map((w) => w.doc), { ordered: false });
      for (const w of batch) w.resolve();
    } catch (e) {
      const raw0 = (e as { writeErrors?: unknown }).writeErrors;
      if (!raw0 && !retried) {
        // The whole batch failed (FerretDB: "database is locked" after its 10 s busy timeout under
        // a write storm): one failure must not refuse a hundred starts. Retrying is safe: every
        // document carries its `_id`, so one already written comes back as E11000 and its caller
        // finds it, as for any duplicate.
        await new Promise((r) => setTimeout(r, 100));
        return this.write(batch, true);
      }
      const raw = (e as { writeErrors?: unknown }).writeErrors;
      const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ index: number; code: number; errmsg?: string; message?: string }>;
      if (list.length === 0) {
        for (const w of batch) w.reject(e);
        return;
      }
      const failed = new Map(list.map((we) => [we.index, we]));
      batch.forEach((w, i) => {
        const we = failed.get(i);
        if (we) w.reject(new InsertWriteError(we.code, we.errmsg ?? we.message ?? 'write error'));
        else w.resolve();
      });
    }
  }
}
