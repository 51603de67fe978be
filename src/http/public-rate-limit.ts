/**
 * Rate limiting of public routes (certificate verification, public score boards, the login page):
 * anyone may call them without an account, so one client must not be able to flood them. A fixed
 * one-minute window per (route, client IP) in Redis, shared by all web processes; the count and
 * its expiry are set in one Lua step, so a crash between them cannot leave a counter that never
 * expires. Authenticated routes are not limited here: their callers are known and capability-checked
 * (logins have their own throttle).
 *
 * If Redis fails, the request is let through (and logged): verification must not go down with a
 * counter.
 */
import type { Redis } from 'ioredis';
import type { Response } from 'express';
import { Errors } from '../kernel/errors';
import type { Logger } from '../kernel/logger';

const WINDOW_MS = 60_000;
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`;

export class PublicRateLimit {
  constructor(
    private redis: Redis,
    private prefix: string,
    private log: Logger,
  ) {}

  /** Counts one request of `ip` on `bucket`; throws 429 (with Retry-After) above `perMinute`. */
  async hit(bucket: string, ip: string, perMinute: number, res: Response): Promise<void> {
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = (await this.redis.eval(HIT, 1, `${this.prefix}:rl:${bucket}:${ip}`, String(WINDOW_MS))) as [number, number];
    } catch (err) {
      this.log.warn({ err, bucket }, 'rate limit unavailable; request let through');
      return;
    }
    res.setHeader('RateLimit-Limit', String(perMinute));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, perMinute - count)));
    if (count > perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
      res.setHeader('Retry-After', String(retryAfterSeconds));
      throw Errors.tooMany(`More than ${perMinute} requests a minute to this public address; try again later`, { details: { retryAfterSeconds } });
    }
  }
}
