/**
 * A per-user index of login sessions (the sessions themselves are connect-redis keys
 * `<prefix>:sess:<sid>`). One Redis hash per user, `<prefix>:user-sessions:<userId>`, maps each
 * session id to when and from where it began; a session that expired on its own is pruned when the
 * list is read. Session ids are secrets (a cookie value): outside this module a session is named
 * by `handle`, a hash of its id, so a page or the API can say "end that one" without showing it.
 *
 * Used by login (add), the profile page (list, end one), and by password changes, resets and
 * deactivation (end all, or all but the current one). Small on purpose, so other work on sessions
 * (regenerating on password change…) can reuse it.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface SessionInfo {
  handle: string;
  startedAt: string;
  ip?: string;
  userAgent?: string;
  current: boolean;
}

export function sessionHandle(sid: string): string {
  return createHash('sha256').update(`session:${sid}`).digest('base64url').slice(0, 22);
}

export class SessionIndex {
  constructor(private redis: Redis, private prefix: string) {}

  private indexKey(userId: string) {
    return `${this.prefix}:user-sessions:${userId}`;
  }

  private sessionKey(sid: string) {
    return `${this.prefix}:sess:${sid}`;
  }

  async add(userId: string, sid: string, meta: { at: Date; ip?: string; userAgent?: string }): Promise<void> {
    await this.redis.hset(this.indexKey(userId), sid, JSON.stringify({ startedAt: meta.at.toISOString(), ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) }));
  }

  /** Live sessions, newest first; index entries whose session has expired are removed. */
  async list(userId: string, currentSid?: string): Promise<SessionInfo[]> {
    const all = await this.redis.hgetall(this.indexKey(userId));
    const sids = Object.keys(all);
    if (!sids.length) return [];
    const alive = await Promise.all(sids.map((sid) => this.redis.exists(this.sessionKey(sid))));
    const dead = sids.filter((_, i) => !alive[i]);
    if (dead.length) await this.redis.hdel(this.indexKey(userId), ...dead);
    return sids
      .filter((_, i) => alive[i])
      .map((sid) => {
        const m = JSON.parse(all[sid]!) as { startedAt: string; ip?: string; userAgent?: string };
        return { handle: sessionHandle(sid), startedAt: m.startedAt, ip: m.ip, userAgent: m.userAgent, current: sid === currentSid };
      })
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Ends the session named by `handle`; false when the user has no such session. */
  async end(userId: string, handle: string): Promise<boolean> {
    const sids = await this.redis.hkeys(this.indexKey(userId));
    const sid = sids.find((s) => sessionHandle(s) === handle);
    if (!sid) return false;
    await this.redis.del(this.sessionKey(sid));
    await this.redis.hdel(this.indexKey(userId), sid);
    return true;
  }

  /** Ends every session of the user but `exceptSid` (the one making the change, when it stays signed in). */
  async endAll(userId: string, exceptSid?: string): Promise<number> {
    const sids = (await this.redis.hkeys(this.indexKey(userId))).filter((s) => s !== exceptSid);
    if (!sids.length) return 0;
    await this.redis.del(...sids.map((s) => this.sessionKey(s)));
    await this.redis.hdel(this.indexKey(userId), ...sids);
    return sids.length;
  }

  /** Forget a session that ended by logout. */
  async remove(userId: string, sid: string): Promise<void> {
    await this.redis.hdel(this.indexKey(userId), sid);
  }
}
