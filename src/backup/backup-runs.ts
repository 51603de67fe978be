/**
 * Scheduled backups (issue 17): a BullMQ repeatable job `backup.nightly` writes a backup into
 * BINA_BACKUP_DIR, prunes old ones (retention.ts), and records each run in `core_backup_runs`
 * (the admin page shows the last). A failed run emits `backup.run.failed`, which notify-inbox
 * turns into a notice for every admin. Without BINA_BACKUP_PASSPHRASE nothing is scheduled: the
 * page says so, rather than backups being written with a passphrase kept beside them.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { z } from 'zod';
import type { Config } from '../config';
import type { Clock } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { EventBus } from '../kernel/events';
import { backupsToDelete } from './retention';
import { writeBackup, type BackupSource } from './write-backup';

export const BACKUP_JOB = 'backup.nightly';
export const BACKUP_FAILED_EVENT = 'backup.run.failed';
export const BACKUP_PAGE = '/admin/backups';

export interface BackupRunDoc {
  /** The job's id. */
  _id: string;
  trigger: 'schedule' | 'manual';
  state: 'running' | 'ok' | 'failed';
  startedAt: Date;
  finishedAt?: Date;
  file?: string;
  size?: number;
  collections?: number;
  documents?: number;
  files?: number;
  ms?: number;
  error?: string;
  pruned?: string[];
}

export const backupJobPayload = z.object({ trigger: z.enum(['schedule', 'manual']).default('schedule') });

const FILE_RE = /^bina-(\d{8})T(\d{6})Z\.age$/;

export class BackupRuns {
  readonly Run: Model<BackupRunDoc>;

  constructor(
    conn: Connection,
    private deps: { config: Config; clock: Clock; log: Logger; events: EventBus; source: () => Promise<BackupSource> },
  ) {
    this.Run =
      (conn.models.core_backup_runs as Model<BackupRunDoc> | undefined) ??
      conn.model<BackupRunDoc>(
        'core_backup_runs',
        new Schema<BackupRunDoc>(
          {
            _id: { type: String, required: true },
            trigger: { type: String, required: true },
            state: { type: String, required: true },
            startedAt: { type: Date, required: true, index: true },
            finishedAt: Date,
            file: String,
            size: Number,
            collections: Number,
            documents: Number,
            files: Number,
            ms: Number,
            error: String,
            pruned: [String],
          },
          { versionKey: false },
        ),
        'core_backup_runs',
      );
  }

  get enabled(): boolean {
    return !!this.deps.config.BINA_BACKUP_PASSPHRASE;
  }

  /** One run: write, record, prune; a failure is recorded and announced, then rethrown (the job fails). */
  async run(trigger: BackupRunDoc['trigger'], key: string): Promise<BackupRunDoc> {
    const { config, clock, log, events } = this.deps;
    const startedAt = clock.now();
    // One record per job: a retried job (lock expired) updates the same run.
    const _id = key;
    await this.Run.updateOne({ _id }, { $set: { trigger, state: 'running', startedAt }, $unset: { error: 1 } }, { upsert: true });
    const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const file = join(config.BINA_BACKUP_DIR, `bina-${stamp}.age`);
    try {
      if (!config.BINA_BACKUP_PASSPHRASE) throw new Error('BINA_BACKUP_PASSPHRASE is not set');
      const r = await writeBackup(await this.deps.source(), { out: file, passphrase: config.BINA_BACKUP_PASSPHRASE, scryptLogN: config.BINA_BACKUP_WORK_FACTOR, now: () => clock.now() });
      const pruned = await this.prune();
      const done = {
        state: 'ok' as const,
        finishedAt: clock.now(),
        file,
        size: r.size,
        collections: r.manifest.collections.length,
        documents: r.manifest.collections.reduce((n, c) => n + c.documents, 0),
        files: r.manifest.files.count,
        ms: r.manifest.ms,
        pruned,
      };
      await this.Run.updateOne({ _id }, { $set: done });
      log.info({ file, size: r.size, ms: r.manifest.ms, pruned: pruned.length }, 'backup written');
      return { _id, trigger, startedAt, ...done };
    } catch (e) {
      const error = (e as Error).message.slice(0, 1000);
      await this.Run.updateOne({ _id }, { $set: { state: 'failed', finishedAt: clock.now(), error } });
      log.error({ err: error }, 'backup failed');
      await events.emit(BACKUP_FAILED_EVENT, { runId: _id, error, title: startedAt.toISOString(), href: BACKUP_PAGE });
      throw e;
    }
  }

  /** Removes backups beyond the retention settings (only files this job names). */
  async prune(): Promise<string[]> {
    const dir = this.deps.config.BINA_BACKUP_DIR;
    const files = (await readdir(dir).catch(() => [] as string[]))
      .map((name) => ({ name, m: FILE_RE.exec(name) }))
      .filter((f) => f.m)
      .map((f) => ({ name: f.name, time: new Date(`${f.m![1]!.slice(0, 4)}-${f.m![1]!.slice(4, 6)}-${f.m![1]!.slice(6)}T${f.m![2]!.slice(0, 2)}:${f.m![2]!.slice(2, 4)}:${f.m![2]!.slice(4)}Z`) }));
    const gone = backupsToDelete(files, this.deps.config.BINA_BACKUP_KEEP_DAILY, this.deps.config.BINA_BACKUP_KEEP_WEEKLY);
    for (const name of gone) await unlink(join(dir, name)).catch(() => undefined);
    return gone;
  }

  async recent(limit = 10): Promise<BackupRunDoc[]> {
    return this.Run.find({}).sort({ startedAt: -1 }).limit(limit).lean();
  }

  /** The backups in the folder, newest first. */
  async files(): Promise<Array<{ name: string; size: number; time: Date }>> {
    const dir = this.deps.config.BINA_BACKUP_DIR;
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => FILE_RE.test(n)).sort().reverse();
    return Promise.all(names.map(async (name) => {
      const s = await stat(join(dir, name));
      return { name, size: s.size, time: s.mtime };
    }));
  }
}
