/**
 * Rotating check-in codes (pure functions). A code is HMAC-SHA256(secret, event, session, period)
 * where the period is the clock divided into `seconds`-long windows: it is bound to one session,
 * changes every period, and is accepted during its own period and the next (time to scan), never
 * later. The code travels in a URL, so a phone's camera app opens the check-in page directly.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function periodOf(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / (seconds * 1000));
}

export function codeFor(secret: string, eventId: string, sessionKey: string, period: number): string {
  return createHmac('sha256', secret).update(`checkin|${eventId}|${sessionKey}|${period}`).digest('base64url').slice(0, 22);
}

export type CodeVerdict = 'ok' | 'expired' | 'other-session' | 'invalid';

/** Checks a scanned code for the session of the URL it came with. */
export function verifyCode(input: { secret: string; eventId: string; sessionKey: string; period: number; code: string; now: Date; seconds: number; sessionKeys: string[] }): CodeVerdict {
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const current = periodOf(input.now, input.seconds);
  if (!Number.isSafeInteger(input.period) || input.period > current + 1) return 'invalid';
  if (same(codeFor(input.secret, input.eventId, input.sessionKey, input.period), input.code)) {
    return input.period >= current - 1 ? 'ok' : 'expired';
  }
  for (const k of input.sessionKeys) {
    if (k !== input.sessionKey && same(codeFor(input.secret, input.eventId, k, input.period), input.code)) return 'other-session';
  }
  return 'invalid';
}
