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
  until(match: (e: SseEvent) => boolean, what: string): Promise<SseEvent>;
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
    async until(match, what) {
      for (;;) {
        for (; seen < events.length; seen++) if (match(events[seen]!)) return events[seen++]!;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${what}`);
        buffer += decoder.decode(value, { stream: true });
        parse();
      }
    },
    close: () => ctl.abort(),
  };
}
