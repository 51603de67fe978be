/**
 * Cross-process messages over Redis pub/sub, for live views (score boards, job progress). Domain
 * events stay in-process; this carries only what a live page needs, to every web process.
 * Messages are fire-and-forget: a page that reconnects reloads the state from the database.
 */
import type { Redis } from 'ioredis';
import type { Logger } from './logger';

type Listener = (message: unknown) => void;

export class Realtime {
  private sub?: Redis;
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    private prefix: string,
    private publisher: () => Redis,
    private subscriberFactory: () => Redis,
    private log: Logger,
  ) {}

  private key(channel: string) {
    return `${this.prefix}:rt:${channel}`;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.publisher().publish(this.key(channel), JSON.stringify(message));
  }

  /**
   * How many subscribers the channel has across every process (Redis PUBSUB NUMSUB), so a writer
   * can skip the work of a live message nobody would receive (the exam's provisional grade).
   */
  async subscriberCount(channel: string): Promise<number> {
    const reply = (await this.publisher().call('PUBSUB', 'NUMSUB', this.key(channel))) as Array<string | number>;
    return Number(reply[1] ?? 0);
  }

  /** Subscribes; the returned function unsubscribes (call it when the page disconnects). */
  async subscribe(channel: string, fn: Listener): Promise<() => Promise<void>> {
    if (!this.sub) {
      this.sub = this.subscriberFactory();
      this.sub.on('message', (ch: string, raw: string) => {
        const set = this.listeners.get(ch);
        if (!set) return;
        let msg: unknown;
        try {
          msg = JSON.parse(raw);
        } catch {
          return;
        }
        for (const l of set) {
          try {
            l(msg);
          } catch (err) {
            this.log.warn({ err: (err as Error).message, channel: ch }, 'realtime listener failed');
          }
        }
      });
    }
    const k = this.key(channel);
    let set = this.listeners.get(k);
    if (!set) {
      set = new Set();
      this.listeners.set(k, set);
      await this.sub.subscribe(k);
    }
    set.add(fn);
    return async () => {
      const s = this.listeners.get(k);
      s?.delete(fn);
      if (s && s.size === 0) {
        this.listeners.delete(k);
        await this.sub?.unsubscribe(k).catch(() => undefined);
      }
    };
  }
}
