/**
 * The site's time zone (BINA_DEFAULT_TIMEZONE) is the one anonymous pages use, and a new person's
 * unless they are given their own: the same item reads the same time logged in or not.
 */
import { expect } from 'chai';
import { startTestEnv, type TestEnv } from '../support/harness';

describe('the site time zone', function () {
  this.timeout(60_000);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ only: [], env: { BINA_DEFAULT_TIMEZONE: 'Asia/Makassar' } });
  });
  after(() => env?.stop());

  it('is a new person\'s zone when none is given, as anonymous pages use it (src/http/app.ts)', async () => {
    const u = await env.kernel.identity.createUser({ nip: '199001152015031009', name: 'Warga Mamuju', password: 'KataSandi-Uji-2026!', roles: ['learner'] });
    expect(u.timeZone).to.equal('Asia/Makassar');
    const own = await env.kernel.identity.createUser({ nip: '199001152015031010', name: 'Pegawai Jayapura', password: 'KataSandi-Uji-2026!', roles: ['learner'], timeZone: 'Asia/Jayapura' });
    expect(own.timeZone).to.equal('Asia/Jayapura');
  });
});
