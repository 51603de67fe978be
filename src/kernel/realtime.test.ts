import { expect } from 'chai';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createLogger } from './logger';
import { Realtime } from './realtime';

/**
 * Against the test Redis (`npm test` starts it). The subscriber connection is made on first use,
 * so a second page can subscribe while that connection is between its TCP connect and its ready
 * check: the window in which ioredis used to write SUBSCRIBE at once and lose it (an exam board's
 * stream that never said `ready`, seen in CI).
 */
describe('realtime (Redis pub/sub)', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null, enableReadyCheck: true });
    c.on('error', () => undefined);
    connections.push(c);
    return c;
  };
  after(() => connections.forEach((c) => c.disconnect()));

  /** Collects messages; `count(n)` resolves once n have arrived (no polling). */
  const collector = () => {
    const heard: string[] = [];
    let wake = () => undefined as void;
    return {
      heard,
      listener: (tag: string) => (m: unknown) => {
        heard.push(`${tag}:${String(m)}`);
        wake();
      },
      count: (n: number) =>
        new Promise<void>((resolve) => {
          wake = () => void (heard.length >= n && resolve());
          wake();
        }),
    };
  };
  const within = <T>(p: Promise<T>, what: string) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5000).unref())]);

  it('confirms a subscription made while the subscriber connection is still connecting, and delivers to it', async () => {
    for (let round = 0; round < 10; round++) {
      const prefix = `rt_test_${randomBytes(4).toString('hex')}`;
      let second: Promise<() => Promise<void>> | undefined;
      const got = collector();
      const rt: Realtime = new Realtime(prefix, () => publisher, () => {
        const sub = connect();
        // A second page arrives exactly when the connection has connected, before it is ready.
        sub.once('connect', () => (second = rt.subscribe('b', got.listener('b'))));
        return sub;
      }, createLogger('silent'));
      const publisher = connect();
      const first = await within(rt.subscribe('a', got.listener('a')), 'first subscription');
      expect(second, 'the second subscription was made in the connect window').to.not.equal(undefined);
      await within(second!, 'second subscription');
      await rt.publish('a', 1);
      await rt.publish('b', 2);
      await within(got.count(2), 'both messages');
      expect(got.heard.sort()).to.deep.equal(['a:1', 'b:2']);
      await first();
    }
  });

  it('resolves a second subscriber of a channel only once Redis confirmed the channel', async () => {
    const publisher = connect();
    const rt = new Realtime(`rt_test_${randomBytes(4).toString('hex')}`, () => publisher, connect, createLogger('silent'));
    const got = collector();
    const [a, b] = await Promise.all([rt.subscribe('c', got.listener('1')), rt.subscribe('c', got.listener('2'))]);
    // Confirmed: a message published now reaches both listeners.
    await rt.publish('c', 'x');
    await within(got.count(2), 'the message on both listeners');
    expect(got.heard.sort()).to.deep.equal(['1:x', '2:x']);
    expect(await rt.subscriberCount('c')).to.equal(1);
    await a();
    expect(await rt.subscriberCount('c'), 'one listener left keeps the channel').to.equal(1);
    await b();
    expect(await rt.subscriberCount('c')).to.equal(0);
  });
});
