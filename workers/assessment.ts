/** Worker for assessments: grading, auto-submit at deadlines, regrades (queues `activity-*`). */
import { runWorker } from './run-worker';

runWorker('assessment', (q) => q.startsWith('activity-'));
