/**
 * Login rate limiting in Redis: failed attempts per (IP, username) within a window. Shared by all
 * web processes; a success clears the counter. Counting failures only means a user who types the
 * right password is never locked out by their own successes.
 */
import type { Redis } from 'ioredis';
import { Errors } from '../kernel/errors';

export class LoginThrottle {
  constructor(private redis: Redis, private prefix: string, private limit: number, private windowMs: number) {}

  private key(ip: string, username: string) {
    return `${this.prefix}:login-fail:${ip}:${username.trim().toLowerCase().slice(0, 100)}`;
  }

  async check(ip: string, username: string): Promise<void> {
    const n = Number((await this.redis.get(this.key(ip, username))) ?? 0);
    if (n >= this.limit) {
      const ttl = await this.redis.pttl(this.key(ip, username));
      throw Errors.tooMany('Too many failed logins; try again later', { details: { retryAfterSeconds: Math.ceil(Math.max(ttl, 0) / 1000) } });
    }
  }

  async failed(ip: string, username: string): Promise<void> {
    const k = this.key(ip, username);
    const n = await this.redis.incr(k);
    if (n === 1) await this.redis.pexpire(k, this.windowMs);
  }

  async succeeded(ip: string, username: string): Promise<void> {
    await this.redis.del(this.key(ip, username));
  }
}
