/**
 * The admin page of scheduled backups (`/admin/backups`, linked from the admin navigation): is the
 * nightly backup on, when it runs, where backups go and how many are kept; the last run's time,
 * size and result; recent runs and the files kept. "Back up now" enqueues the same job.
 */
import { z } from 'zod';
import type { KernelServices } from '../host/kernel-services';
import { BACKUP_JOB, BACKUP_PAGE, type BackupRuns } from '../backup/backup-runs';

const mb = (n?: number) => (typeof n === 'number' ? Math.round((n / 1024 / 1024) * 10) / 10 : undefined);

export function registerBackupPage(services: KernelServices, backups: BackupRuns): void {
  const { config } = services;
  services.routes.add('core', BACKUP_PAGE, { method: 'get', path: BACKUP_PAGE, summary: 'Scheduled backups: last run, size, result', capability: 'core:backups-view', kind: 'page', query: z.object({ started: z.enum(['1']).optional() }) }, async ({ t, query }) => {
    const runs = (await backups.recent(10)).map((r) => ({ ...r, sizeMb: mb(r.size), seconds: typeof r.ms === 'number' ? Math.round(r.ms / 100) / 10 : undefined }));
    const files = (await backups.files()).map((f) => ({ ...f, sizeMb: mb(f.size) }));
    return {
      view: 'core/admin-backups',
      title: t('backup.title'),
      data: {
        enabled: backups.enabled,
        schedule: config.BINA_BACKUP_SCHEDULE,
        timeZone: config.BINA_DEFAULT_TIMEZONE,
        dir: config.BINA_BACKUP_DIR,
        keepDaily: config.BINA_BACKUP_KEEP_DAILY,
        keepWeekly: config.BINA_BACKUP_KEEP_WEEKLY,
        last: runs[0],
        runs,
        files,
        started: query.started === '1',
      },
    };
  });
  services.routes.add('core', `${BACKUP_PAGE}/run`, { method: 'post', path: `${BACKUP_PAGE}/run`, summary: 'Start a backup now', capability: 'core:backups-run', kind: 'page' }, async ({ res }) => {
    if (backups.enabled) await services.queues.enqueue(BACKUP_JOB, { trigger: 'manual' }, { key: `manual-${services.clock.now().getTime()}` });
    res.redirect(303, `${BACKUP_PAGE}?started=1`);
  });
}
