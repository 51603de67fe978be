/** Worker for certificates: issuing, signing, PDF rendering, bulk issue (queues `certificate-*`). */
import { runWorker } from './run-worker';

runWorker('certificates', (q) => q.startsWith('certificate-'));
