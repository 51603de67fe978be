/**
 * Server-sent event streams fed by `ctx.realtime` (Redis pub/sub), for live pages: the exam score
 * board, the inbox. A message published by any process (web or worker) reaches every open stream.
 *
 * Each stream subscribes before it writes its `ready` event, so a page that loads its snapshot on
 * `ready` misses nothing. A stream lives at most `maxLifeMs` (the browser's EventSource reconnects
 * by itself after `retry`), so a graceful shutdown never waits long on an idle screen; a comment
 * line every 15 s keeps proxies from closing a quiet connection.
 */
import type { Request, Response } from 'express';

export type Unsubscribe = () => Promise<void>;
export type Send = (data: unknown, event?: string) => void;

const PING_MS = 15_000;

export class EventStreams {
  private streams = new Set<Response>();

  constructor(private maxLifeMs: () => number) {}

  /** Answers `req` with an event stream; `subscribe` wires the source to `send` until the client leaves. */
  async open(req: Request, res: Response, subscribe: (send: Send) => Promise<Unsubscribe>, ready: unknown): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    let closed = false;
    const send: Send = (data, event) => {
      if (!closed) res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = await subscribe(send);
    this.streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    const maxLife = setTimeout(() => res.end(), this.maxLifeMs());
    const done = () => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      clearTimeout(maxLife);
      this.streams.delete(res);
      void unsubscribe();
    };
    req.on('close', done);
    res.on('close', done);
    if (req.destroyed) return done();
    send(ready, 'ready');
  }

  /** Ends every open stream (plugin stop, shutdown). */
  closeAll(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  get size(): number {
    return this.streams.size;
  }
}
