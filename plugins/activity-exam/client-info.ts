/**
 * Who is calling an exam route (IP, browser, exam-session cookies, codes) and the plugin's
 * service bundle (`ctx.use('activity-exam')`; other plugins see only its api.ts part).
 */
import type { Request } from 'express';
import type { ExamAuthoring } from './exam-authoring';
import { examSessionsOf } from './exam-session';
import type { ExamGrading } from './exam-grading';
import type { ClientInfo, ExamService } from './exam-service';
import type { ScoreBoard } from './score-board';
import type { ExamApi } from './api';

/**
 * Who is calling: IP (proxy-aware when BINA_TRUST_PROXY is on), browser, the exam-session ids the
 * server issued to this browser (cookies, exam-session.ts) and the codes typed, if any.
 */
export function clientInfo(req: Request, codes: { code?: string; takeoverCode?: string } = {}): ClientInfo {
  const raw = req.ip ?? req.socket.remoteAddress ?? '';
  return {
    ip: raw.startsWith('::ffff:') ? raw.slice(7) : raw,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300),
    examSessions: examSessionsOf(req),
    code: codes.code || undefined,
    takeoverCode: codes.takeoverCode || undefined,
  };
}

/** The bundle this plugin provides: other plugins see only its `ExamApi` part (api.ts). */
export interface ExamPluginApi extends ExamApi {
  service: ExamService;
  grading: ExamGrading;
  authoring: ExamAuthoring;
  board: ScoreBoard;
}

