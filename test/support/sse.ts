/**
 * Reads a server-sent event stream in a test: `until` waits (no sleeps) for an event that
 * matches, `close` aborts the request (an open stream would keep the server from closing).
 */
export interface SseEvent {
  event: string;
  data: any;
}

export interface SseReader {
  status: number;
  contentType: string;
  events: SseEvent[];
  /** Waits for a matching event; fails after `timeoutMs` naming `what` and the last events seen. */
  until(match: (e: SseEvent) => boolean, what: string, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string, token?: string): Promise<SseReader> {
  const ctl = new AbortController();
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: ctl.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  let seen = 0;
  const parse = () => {
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
    }
  };
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    events,
    async until(match, what, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      try {
        for (;;) {
          for (; seen < events.length; seen++) if (match(events[seen]!)) return events[seen++]!;
          // A read pending past the deadline is left to the stream: `close` aborts it.
          const read = reader.read();
          const late = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting on the stream for ${what}; last events: ${JSON.stringify(events.slice(-5))}`)), Math.max(0, end - Date.now()));
          });
          const { value, done } = await Promise.race([read, late]);
          clearTimeout(timer);
          if (done) throw new Error(`stream ended before ${what}`);
          buffer += decoder.decode(value, { stream: true });
          parse();
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => ctl.abort(),
  };
}
