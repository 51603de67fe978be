/**
 * Access rule `access-iprange`: an exam taken only from the listed networks (an exam room, an
 * agency's intranet). Checked at start, resume and every save, since a device may change network
 * mid-exam. IPv4 and IPv6 CIDR ranges; IPv4-mapped IPv6 addresses count as IPv4.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { ALLOW, type AccessDecision, type AccessRule } from '../../src/learning/access-rule';
import { inRanges, parseCidr, type Cidr } from './ip-ranges';

export const ipRangeSettings = z.strictObject({
  ranges: z.array(z.string().trim().max(64).refine((s) => parseCidr(s) !== undefined, 'must be an IP or CIDR range like 10.1.0.0/16')).min(1).max(100),
});
type Settings = z.infer<typeof ipRangeSettings>;

const parsedCache = new WeakMap<object, Cidr[]>();
const rangesOf = (s: Settings) => {
  let r = parsedCache.get(s);
  if (!r) parsedCache.set(s, (r = s.ranges.map((x) => parseCidr(x)!)));
  return r;
};

const check = (s: Settings, ip: string): AccessDecision =>
  inRanges(ip, rangesOf(s)) ? ALLOW : { ok: false, status: 403, code: 'BINA_ERR_ACCESS_IP', messageKey: 'access-iprange:errors.ip', message: 'This exam cannot be taken from this network', details: { ip } };

export const ipRangeRule: AccessRule<Settings> = {
  id: 'access-iprange',
  nameKey: 'access-iprange:name',
  settingsSchema: ipRangeSettings,
  checkStart: (s, req) => check(s, req.ip),
  checkResume: (s, req) => check(s, req.ip),
  checkSave: (s, req) => check(s, req.ip),
};

export default definePlugin({
  register(ctx) {
    ctx.accessRules.register(ipRangeRule);
  },
});
