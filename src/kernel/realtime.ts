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
  /** Subscriptions sent and not yet confirmed, by channel key. */
  private confirming = new Map<string, Promise<void>>();

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

  /**
   * The subscriber connection, once it is ready. Why wait: ioredis writes SUBSCRIBE at once while
   * a connection is between TCP connect and its ready check (SUBSCRIBE may run while Redis
   * loads), and the reply then puts the connection in subscriber mode before the ready check's
   * INFO and the client-info commands are sent; those are refused, the connection is recycled,
   * and a subscription in flight is lost or refused (an exam board's stream that never said
   * `ready`: ioredis PR #2040). A command queued before the connect is safe; one issued in that
   * window is not. So every (un)subscribe waits for `ready`, also after a reconnect.
   */
  private async ready(): Promise<Redis> {
    if (!this.sub) {
      this.sub = this.subscriberFactory();
      this.sub.on('message', (ch: string, raw: string) => this.deliver(ch, raw));
    }
    const sub = this.sub;
    if (sub.status === 'end') throw new Error('realtime: the subscriber connection is closed');
    if (sub.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const onReady = () => {
          sub.off('end', onEnd);
          resolve();
        };
        const onEnd = () => {
          sub.off('ready', onReady);
          reject(new Error('realtime: the subscriber connection closed before it was ready'));
        };
        sub.once('ready', onReady);
        sub.once('end', onEnd);
      });
    }
    return sub;
  }

  private deliver(ch: string, raw: string): void {
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
  }

  /**
   * Subscribes; resolves once Redis confirmed the subscription (so a page told `ready` misses
   * nothing), also when another caller started the same channel's subscription. The returned
   * function unsubscribes (call it when the page disconnects).
   */
  async subscribe(channel: string, fn: Listener): Promise<() => Promise<void>> {
    const k = this.key(channel);
    let set = this.listeners.get(k);
    if (!set) {
      set = new Set();
      this.listeners.set(k, set);
      const confirmed = this.ready().then((sub) => sub.subscribe(k)).then(() => undefined);
      this.confirming.set(k, confirmed);
      void confirmed.finally(() => this.confirming.get(k) === confirmed && this.confirming.delete(k)).catch(() => undefined);
    }
    set.add(fn);
    try {
      await this.confirming.get(k);
    } catch (e) {
      set.delete(fn);
      if (this.listeners.get(k) === set && set.size === 0) this.listeners.delete(k);
      throw e;
    }
    return async () => {
      const s = this.listeners.get(k);
      s?.delete(fn);
      if (s && s.size === 0) {
        this.listeners.delete(k);
        await this.ready().then((sub) => sub.unsubscribe(k)).catch(() => undefined);
      }
    };
  }
}
