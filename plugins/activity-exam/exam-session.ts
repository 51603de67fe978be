/**
 * The exam-session identity of a browser: an attempt-scoped cookie that the server issues when it
 * lets a device into an attempt (start, a resume or takeover the access rules allowed), never an
 * id the client makes up or a header it remembers to send. The attempt keeps the ids it issued
 * (`devices`), so a save, the attempt page or its questions from a browser without one of them
 * is refused and sent through the resume, where the access rules decide (ADR 0029).
 *
 * The cookie is HttpOnly (page scripts never see it) and SameSite=Lax; it lives until the
 * attempt's deadline (or 30 days for an untimed attempt), so a browser restart keeps the device.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

const PREFIX = 'bina_exam_';
const ID = /^[A-Za-z0-9_-]{16,64}$/;
const UNTIMED_MS = 30 * 24 * 3600_000;

/** A fresh, unguessable exam-session id (128 bits). */
export function newExamSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The exam-session ids the browser presents, by attempt id (well-formed ones only). */
export function examSessionsOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || !name.startsWith(PREFIX)) continue;
    const attemptId = name.slice(PREFIX.length);
    if (/^[a-f0-9]{24}$/.test(attemptId) && ID.test(value)) out[attemptId] = value;
  }
  return out;
}

/** Sets the cookie that makes this browser a device of the attempt. */
export function issueExamSession(req: Request, res: Response, attemptId: string, sessionId: string, deadline?: Date | null): void {
  const maxAge = deadline ? Math.max(60_000, deadline.getTime() - Date.now() + 3600_000) : UNTIMED_MS;
  res.cookie(`${PREFIX}${attemptId}`, sessionId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge });
}
