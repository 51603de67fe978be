/**
 * Who is calling an exam route (IP, browser, the attempt page's session id) and the plugin's
 * service bundle that other plugins get with `ctx.use('activity-exam')`.
 */
import type { Request } from 'express';
import type { ExamAuthoring } from './exam-authoring';
import type { ExamGrading } from './exam-grading';
import type { ClientInfo, ExamService } from './exam-service';
import type { ScoreBoard } from './score-board';

/** Who is calling: IP (proxy-aware when BINA_TRUST_PROXY is on), browser, page session id. */
export function clientInfo(req: Request, code?: string): ClientInfo {
  const raw = req.ip ?? req.socket.remoteAddress ?? '';
  const sid = String(req.headers['x-exam-session'] ?? '');
  return {
    ip: raw.startsWith('::ffff:') ? raw.slice(7) : raw,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300),
    sessionId: /^[A-Za-z0-9_-]{8,64}$/.test(sid) ? sid : '',
    code,
  };
}

export interface ExamPluginApi {
  service: ExamService;
  grading: ExamGrading;
  authoring: ExamAuthoring;
  board: ScoreBoard;
}

