/**
 * Interrupting the bench (Ctrl-C, SIGTERM): run-all aborts this signal, every bounded loop and
 * wait checks it and ends early, the load generator child is killed, and run-all's own `finally`
 * then drops the bench database and queues as after a normal run.
 */
export const benchAbort = new AbortController();

export class BenchAborted extends Error {
  constructor() {
    super('bench interrupted');
  }
}

/** Throws BenchAborted once the bench is interrupted. */
export function throwIfAborted(): void {
  if (benchAbort.signal.aborted) throw new BenchAborted();
}

/**
 * Polls `ready` every `intervalMs` until it is true; throws after `timeoutMs` (naming `what`) or
 * as soon as the bench is interrupted. The harness's waitFor, plus the interruption.
 */
export async function pollUntil(ready: () => boolean | Promise<boolean>, what: string, timeoutMs: number, intervalMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    throwIfAborted();
    if (await ready()) return;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
