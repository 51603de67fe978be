/** Worker for bulk work: question imports and reports (queues `learning.*`, `report-*`, `import-*`). */
import { runWorker } from './run-worker';

runWorker('bulk', (q) => q.startsWith('learning.') || q.startsWith('report-') || q.startsWith('import-'));
