/**
 * A handler or callback that writes to a response after it was sent (a redirect in a late
 * callback) makes Node throw ERR_HTTP_HEADERS_SENT outside any try/catch, which would take the
 * whole process and every learner's exam down with it. Late header writes are therefore logged
 * with the request id and dropped: the response that was sent stands, and nothing else happens.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../kernel/logger';

export function guardLateWrites(log: Logger): RequestHandler {
  return (req, res, next) => {
    const setHeader = res.setHeader.bind(res);
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
    const late = (what: string): void => {
      log.error({ reqId: (req as { id?: unknown }).id, method: req.method, url: req.originalUrl, what, stack: new Error('late write').stack }, 'write after the response was sent; ignored');
    };
    res.setHeader = ((name: string, value: number | string | readonly string[]) => {
      if (res.headersSent) {
        late(`setHeader ${name}`);
        return res;
      }
      return setHeader(name, value);
    }) as typeof res.setHeader;
    res.writeHead = ((...args: unknown[]) => {
      if (res.headersSent) {
        late('writeHead');
        return res;
      }
      return writeHead(...args);
    }) as typeof res.writeHead;
    next();
  };
}
