import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { guardLateWrites } from './late-writes';
import type { Logger } from '../kernel/logger';

describe('guardLateWrites', () => {
  it('logs a redirect written after the response was sent, with the request id, and does not throw', async () => {
    const logged: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    let lateWriteDone!: () => void;
    const lateWrite = new Promise<void>((resolve) => (lateWriteDone = resolve));
    const log = { error: (obj: Record<string, unknown>, msg: string) => logged.push({ obj, msg }) } as unknown as Logger;
    const app = express();
    app.use((req, _res, next) => {
      (req as { id?: string }).id = 'req-123';
      next();
    });
    app.use(guardLateWrites(log));
    app.get('/', (_req, res) => {
      res.send('first');
      // The shape of the old logout bug: a callback answers again after the response went out.
      setImmediate(() => {
        res.redirect('/login');
        lateWriteDone();
      });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await res.text()).to.equal('first');
      await lateWrite;
      expect(logged.length).to.be.greaterThan(0);
      expect(logged[0]!.obj.reqId).to.equal('req-123');
      expect(logged[0]!.msg).to.match(/after the response was sent/);
    } finally {
      server.close();
    }
  });
});
