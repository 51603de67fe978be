/** One worker process for every queue (small sites; `node src/main.ts worker` does the same). */
import { runWorker } from './run-worker';

runWorker('all', () => true);
