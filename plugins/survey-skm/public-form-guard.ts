/**
 * Abuse resistance of the public forms (the SKM survey, public feedback), with no third-party
 * service (ADR 0049):
 * - a device cookie (random, HttpOnly, 400 days) set when the form is served; a submission without
 *   it is refused, and what is stored is a keyed hash of it per scope (unit and period), so one
 *   device answers once per scope and no stored value links two scopes;
 * - a signed stamp of when the form was served: a submission sooner than the minimum fill time,
 *   or with a stamp older than a day or forged, is refused;
 * - a honeypot field people never see: a filled one is answered as if accepted and nothing is stored;
 * - the rate limit per IP is the core's public-route limit (`rateLimit` on the route).
 * The HMAC key is generated once and kept in the plugin's collection, shared by every process.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { GuardVerdict, PublicFormGuardApi } from './api';

export const DEVICE_COOKIE = 'bina_device';
const DEVICE = /^[A-Za-z0-9_-]{22,64}$/;
const TICKET_MAX_AGE_MS = 24 * 3600 * 1000;

export class PublicFormGuard implements PublicFormGuardApi {
  private key?: Promise<Buffer>;

  constructor(
    private loadKey: () => Promise<Buffer>,
    private now: () => Date,
    private opts: { minFillSeconds: number; secureCookie: boolean },
  ) {}

  private async mac(text: string): Promise<string> {
    // Loaded on first use (register may not touch the database); a failed load is tried again.
    this.key ??= this.loadKey().catch((err) => {
      this.key = undefined;
      throw err;
    });
    return createHmac('sha256', await this.key).update(text).digest('base64url');
  }

  deviceOf(req: Request): string | undefined {
    const v = req.headers.cookie?.match(new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([^;]+)`))?.[1];
    return v && DEVICE.test(v) ? v : undefined;
  }

  device(req: Request, res: Response): string {
    const have = this.deviceOf(req);
    if (have) return have;
    const id = randomBytes(18).toString('base64url');
    res.cookie(DEVICE_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: this.opts.secureCookie, maxAge: 400 * 24 * 3600 * 1000, path: '/' });
    return id;
  }

  async ticket(): Promise<string> {
    const at = String(this.now().getTime());
    return `${at}.${await this.mac(`ticket:${at}`)}`;
  }

  /**
   * The stamp for a form shown again after a mistake: the one it was first served with, while it is
   * genuine and fresh, so correcting one answer does not restart the minimum fill time. A forged or
   * expired stamp gets a new one. (Replaying a stamp gains a bot nothing: each device still answers
   * once per scope, and the rate limit holds.)
   */
  async keep(previous: string | undefined): Promise<string> {
    const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(previous ?? '');
    if (m && (await this.signed(m[1]!, m[2]!)) && this.now().getTime() - Number(m[1]) <= TICKET_MAX_AGE_MS) return previous!;
    return this.ticket();
  }

  private async signed(at: string, mac: string): Promise<boolean> {
    const want = Buffer.from(await this.mac(`ticket:${at}`));
    const got = Buffer.from(mac);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  async check(input: { ticket?: string; honeypot?: string; device?: string }): Promise<GuardVerdict> {
    if (input.honeypot && input.honeypot.trim() !== '') return 'honeypot';
    const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(input.ticket ?? '');
    if (!m) return 'invalid';
    if (!(await this.signed(m[1]!, m[2]!))) return 'invalid';
    const elapsed = this.now().getTime() - Number(m[1]);
    if (elapsed > TICKET_MAX_AGE_MS) return 'expired';
    if (elapsed < this.opts.minFillSeconds * 1000) return 'too-fast';
    if (!input.device) return 'no-device';
    return 'ok';
  }

  deviceHash(device: string, scope: string): Promise<string> {
    return this.mac(`device:${scope}:${device}`);
  }
}
