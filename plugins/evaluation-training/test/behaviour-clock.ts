/**
 * Level 3's delayed job on a controlled clock, as the tests drive it: move the clock on, wake the
 * job at once (BullMQ's own delay runs on real time), and wait until it has run: back asleep when
 * woken early, completed when due.
 */
import { waitFor, waitForJob, type ManualClock, type TestEnv } from '../../../test/support/harness';

const QUEUE = 'evaluation-training.behaviour-task';

export async function wakeBehaviourJob(env: TestEnv, clock: ManualClock, key: string, advanceMs: number, expected: 'asleep' | 'done'): Promise<void> {
  const q = env.kernel.services.queues.queue(QUEUE);
  clock.advance(advanceMs);
  await (await q.getJob(key))!.promote();
  if (expected === 'done') return waitForJob(env, QUEUE, key);
  await waitFor(async () => {
    const j = await q.getJob(key);
    return j?.processedOn && (await j.getState()) === 'delayed';
  }, 'the early job to go back to sleep');
}
