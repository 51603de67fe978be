/**
 * Public feedback through HTTP against real services: a citizen's form with its abuse resistance
 * (too fast, honeypot, one per device and day, no cookie, rate limit per IP), masking, who may
 * moderate (only the unit's moderators and heads), who may answer (only the unit's ASN), the
 * states open → answered → closed, and the answer times.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { ApiClient, ManualClock, createUser, startTestEnv, uniqueName, type TestEnv, type TestUser } from '../../../test/support/harness';

const html = { accept: 'text/html' };

/** A citizen's browser: cookies kept, the form's CSRF token and stamp read from the page. */
async function openForm(client: ApiClient, slug: string): Promise<{ csrf: string; ticket: string }> {
  const r = await client.request('GET', `/feedback-public/u/${slug}/new`, undefined, html);
  expect(r.status).to.equal(200);
  const page = String(r.body);
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]!, ticket: /name="ticket" value="([^"]+)"/.exec(page)![1]! };
}

function send(client: ApiClient, slug: string, form: { csrf: string; ticket: string }, fields: Record<string, string>) {
  return client.request('POST', `/feedback-public/u/${slug}/new`, { _csrf: form.csrf, ticket: form.ticket, kind: 'complaint', privacy: 'anonim', website: '', ...fields }, html);
}

async function createServiceUnit(env: TestEnv, admin: TestUser, coreUnitId?: string) {
  const slug = uniqueName('loket').toLowerCase().replace(/_/g, '-');
  const r = await admin.api.request('POST', '/survey-skm/admin/units', { name: `Loket ${slug}`, slug, coreUnitId: coreUnitId ?? '', serviceStandardDays: '5' }, html);
  expect(r.status, String(r.body)).to.equal(302);
  return { slug, id: r.headers.get('location')!.split('/').pop()! };
}

describe('feedback-public', function () {
  this.timeout(120_000);
  const clock = new ManualClock();
  let env: TestEnv;
  let admin: TestUser;
  let moderator: TestUser;
  let staff: TestUser;
  let outsider: TestUser;
  let unit: { slug: string; id: string };
  const Items = () => env.kernel.services.conn.collection('feedback-public_items');

  before(async () => {
    env = await startTestEnv({ only: ['question-likert', 'survey-skm', 'feedback-public'], clock, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minFillSeconds: 5 }, 'feedback-public': { submitsPerMinute: 1000 } }) } });
    admin = await createUser(env, 'admin', 'Admin');
    moderator = await createUser(env, 'learner', 'Moderator Loket');
    staff = await createUser(env, 'learner', 'Petugas Loket');
    outsider = await createUser(env, 'learner', 'ASN Lain');
    const core = await env.kernel.identity.models.Unit.create({ code: uniqueName('U'), name: 'Dinas Kependudukan' });
    await env.kernel.identity.models.User.updateOne({ _id: new Types.ObjectId(staff.id) }, { $set: { unitId: core._id } });
    unit = await createServiceUnit(env, admin, String(core._id));
    const add = await admin.api.request('POST', `/survey-skm/admin/units/${unit.id}/moderators`, { person: moderator.username }, html);
    expect(add.status).to.equal(302);
  });
  after(() => env?.stop());

  async function submitted(client: ApiClient, text: string, fields: Record<string, string> = {}) {
    const form = await openForm(client, unit.slug);
    clock.advance(6_000);
    return send(client, unit.slug, form, { text, ...fields });
  }

  describe('the public form', () => {
    it('stores feedback with personal data masked for publishing, without an account', async () => {
      const citizen = new ApiClient(env.url);
      const r = await submitted(citizen, 'Antrean lama sekali. NIK saya 7601012304850002, telepon 0812-3456-7890.', { contact: 'warga@example.id' });
      expect(r.status, String(r.body)).to.equal(303);
      // The thank-you page is the item's follow-up page: an unguessable code, stored only as a hash.
      const follow = r.headers.get('location')!;
      expect(follow).to.match(/^\/feedback-public\/f\/[A-Za-z0-9_-]{24}\?sent=1$/);
      const d = await Items().findOne({ text: /Antrean lama/ });
      expect(JSON.stringify(d)).not.to.contain(follow.split('/')[3]!.split('?')[0]);
      const mine = String((await new ApiClient(env.url).request('GET', follow, undefined, html)).body);
      expect(mine).to.contain('data-testid="thanks"').and.contain('Menunggu pemeriksaan moderator').and.contain('Antrean lama sekali. NIK saya ****************');
      expect((await new ApiClient(env.url).request('GET', '/feedback-public/f/AAAAAAAAAAAAAAAAAAAAAAAA', undefined, html)).status).to.equal(404);
      expect(d).to.include({ moderation: 'pending', status: 'open', contact: 'warga@example.id' });
      expect(d!.publicText).to.equal('Antrean lama sekali. NIK saya ****************, telepon ****-****-****.');
      // Not on the public page before a moderator publishes it.
      const page = await new ApiClient(env.url).request('GET', `/feedback-public/u/${unit.slug}`, undefined, html);
      expect(String(page.body)).not.to.contain('Antrean lama');
    });

    it('refuses a form sent sooner than the minimum fill time, keeping what was typed', async () => {
      const citizen = new ApiClient(env.url);
      const form = await openForm(citizen, unit.slug);
      clock.advance(1_000);
      const r = await send(citizen, unit.slug, form, { text: 'Terlalu cepat untuk manusia biasa' });
      expect(r.status).to.equal(400);
      expect(String(r.body)).to.contain('data-testid="form-error"').and.contain('Terlalu cepat untuk manusia biasa');
      expect(await Items().countDocuments({ text: /Terlalu cepat/ })).to.equal(0);
    });

    it('answers a filled honeypot as if accepted and stores nothing', async () => {
      const r = await submitted(new ApiClient(env.url), 'Iklan obat murah sekali', { website: 'http://spam.example' });
      expect(r.status).to.equal(303);
      expect(await Items().countDocuments({ text: /Iklan obat/ })).to.equal(0);
    });

    it('takes one item per device, unit and day', async () => {
      const citizen = new ApiClient(env.url);
      expect((await submitted(citizen, 'Pertama dari perangkat ini')).status).to.equal(303);
      const again = await submitted(citizen, 'Kedua dari perangkat yang sama');
      expect(again.status).to.equal(409);
      expect(await Items().countDocuments({ text: /Kedua dari perangkat/ })).to.equal(0);
    });

    it('refuses a submission without the device cookie and a forged stamp', async () => {
      // A browser that keeps the session cookie but drops the device cookie.
      const get = await fetch(`${env.url}/feedback-public/u/${unit.slug}/new`, { headers: html });
      const page = await get.text();
      const cookies = get.headers.getSetCookie().map((c) => c.split(';')[0]!);
      expect(cookies.some((c) => c.startsWith('bina_device='))).to.equal(true);
      const session = cookies.filter((c) => !c.startsWith('bina_device=')).join('; ');
      clock.advance(6_000);
      const body = new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]!, ticket: /name="ticket" value="([^"]+)"/.exec(page)![1]!, kind: 'praise', privacy: 'anonim', website: '', text: 'Tanpa cookie perangkat' });
      const noDevice = await fetch(`${env.url}/feedback-public/u/${unit.slug}/new`, { method: 'POST', headers: { ...html, cookie: session, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
      expect(noDevice.status).to.equal(400);
      const citizen = new ApiClient(env.url);
      const form = await openForm(citizen, unit.slug);
      clock.advance(6_000);
      const forged = await send(citizen, unit.slug, { csrf: form.csrf, ticket: `${Date.now() - 60_000}.${'A'.repeat(43)}` }, { text: 'Cap waktu palsu sekali' });
      expect(forged.status).to.equal(400);
      expect(await Items().countDocuments({ text: { $in: ['Tanpa cookie perangkat', 'Cap waktu palsu sekali'] } })).to.equal(0);
    });

    it('checks every field and says why beside it', async () => {
      const r = await submitted(new ApiClient(env.url), 'pendek', { kind: 'other', privacy: 'open' });
      expect(r.status).to.equal(400);
      const page = String(r.body);
      expect(page).to.contain('id="kind-error"').and.contain('id="fb-text-error"');
    });
  });

  describe('moderation', () => {
    let itemId: string;
    before(async () => {
      expect((await submitted(new ApiClient(env.url), 'Petugas loket tidak ramah, email saya budi@contoh.id')).status).to.equal(303);
      itemId = String((await Items().findOne({ text: /tidak ramah/ }))!._id);
    });

    it('lets only the unit\'s moderators publish', async () => {
      const anon = await new ApiClient(env.url).request('POST', `/feedback-public/items/${itemId}/publish`, {}, html);
      expect(anon.status).to.be.oneOf([302, 401, 403]);
      for (const who of [outsider, staff]) {
        const r = await who.api.request('POST', `/feedback-public/items/${itemId}/publish`, {}, html);
        expect(r.status, who.username).to.equal(404);
      }
      expect((await Items().findOne({ _id: new Types.ObjectId(itemId) }))!.moderation).to.equal('pending');
      const queue = await moderator.api.request('GET', '/feedback-public/moderate', undefined, html);
      expect(String(queue.body)).to.contain(`data-item="${itemId}"`);
      const outsiderQueue = await outsider.api.request('GET', '/feedback-public/moderate', undefined, html);
      expect(String(outsiderQueue.body)).not.to.contain(`data-item="${itemId}"`);
      const ok = await moderator.api.request('POST', `/feedback-public/items/${itemId}/publish`, {}, html);
      expect(ok.status).to.equal(302);
      const page = String((await new ApiClient(env.url).request('GET', `/feedback-public/u/${unit.slug}`, undefined, html)).body);
      expect(page).to.contain('Petugas loket tidak ramah, email saya b***@***');
      expect(page).not.to.contain('budi@contoh.id');
    });

    it('rejects only with a reason', async () => {
      expect((await submitted(new ApiClient(env.url), 'Tulisan yang tidak pantas ditayangkan')).status).to.equal(303);
      const id = String((await Items().findOne({ text: /tidak pantas/ }))!._id);
      const noReason = await moderator.api.request('POST', `/feedback-public/items/${id}/reject`, { reason: '' }, html);
      expect(noReason.status).to.equal(400);
      expect(String(noReason.body)).to.contain(`reason-${id}-error`);
      expect((await moderator.api.request('POST', `/feedback-public/items/${id}/reject`, { reason: 'Bahasa kasar' }, html)).status).to.equal(302);
      expect(await Items().findOne({ _id: new Types.ObjectId(id) })).to.include({ moderation: 'rejected', rejectReason: 'Bahasa kasar' });
      expect((await new ApiClient(env.url).request('GET', `/feedback-public/items/${id}`, undefined, html)).status).to.equal(404);
    });

    it('never publishes a confidential item; it may be accepted privately and answered', async () => {
      expect((await submitted(new ApiClient(env.url), 'Laporan rahasia tentang pungutan liar', { privacy: 'rahasia' })).status).to.equal(303);
      const id = String((await Items().findOne({ text: /pungutan liar/ }))!._id);
      await moderator.api.request('POST', `/feedback-public/items/${id}/publish`, {}, html);
      expect((await Items().findOne({ _id: new Types.ObjectId(id) }))!.moderation).to.equal('pending');
      expect((await moderator.api.request('POST', `/feedback-public/items/${id}/private`, {}, html)).status).to.equal(302);
      expect((await new ApiClient(env.url).request('GET', `/feedback-public/items/${id}`, undefined, html)).status).to.equal(404);
      expect((await staff.api.request('GET', `/feedback-public/items/${id}`, undefined, html)).status).to.equal(200);
    });
  });

  describe('answers', () => {
    it("lets the unit's ASN answer publicly and close; open → answered → closed", async () => {
      const d = await Items().findOne({ text: /tidak ramah/ });
      const id = String(d!._id);
      const refused = await outsider.api.request('POST', `/feedback-public/items/${id}/answers`, { text: 'Bukan unit saya' }, html);
      expect(refused.status).to.equal(404);
      const empty = await staff.api.request('POST', `/feedback-public/items/${id}/answers`, { text: '' }, html);
      expect(empty.status).to.equal(400);
      const ok = await staff.api.request('POST', `/feedback-public/items/${id}/answers`, { text: 'Terima kasih, petugas sudah kami tegur.' }, html);
      expect(ok.status).to.equal(302);
      expect(await Items().findOne({ _id: d!._id })).to.include({ status: 'answered' });
      const page = String((await new ApiClient(env.url).request('GET', `/feedback-public/u/${unit.slug}`, undefined, html)).body);
      expect(page).to.contain('Terima kasih, petugas sudah kami tegur.').and.contain('Petugas Loket');
      expect(page).to.match(/data-testid="within-standard">100 %/);
      expect((await staff.api.request('POST', `/feedback-public/items/${id}/close`, {}, html)).status).to.equal(302);
      expect(await Items().findOne({ _id: d!._id })).to.include({ status: 'closed' });
      expect((await staff.api.request('POST', `/feedback-public/items/${id}/answers`, { text: 'Lagi' }, html)).status).to.equal(400);
    });
  });

  describe('the hub', () => {
    it('lists the unit with its feedback page, and the queue for its moderators', async () => {
      const pub = String((await new ApiClient(env.url).request('GET', '/survey-skm/', undefined, html)).body);
      expect(pub).to.contain(`/feedback-public/u/${unit.slug}`).and.not.contain('/feedback-public/moderate');
      const mod = String((await moderator.api.request('GET', '/survey-skm/', undefined, html)).body);
      expect(mod).to.contain('/feedback-public/moderate');
    });
  });
});

describe('feedback-public: rate limit per IP', function () {
  this.timeout(120_000);
  const clock = new ManualClock();
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ only: ['question-likert', 'survey-skm', 'feedback-public'], clock, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minFillSeconds: 0 }, 'feedback-public': { submitsPerMinute: 2 } }) } });
  });
  after(() => env?.stop());

  it('answers 429 above the submissions allowed per minute from one IP', async () => {
    const admin = await createUser(env, 'admin');
    const unit = await createServiceUnit(env, admin);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const citizen = new ApiClient(env.url);
      const form = await openForm(citizen, unit.slug);
      statuses.push((await send(citizen, unit.slug, form, { text: `Masukan nomor ${i} dari satu IP` })).status);
    }
    expect(statuses).to.deep.equal([303, 303, 429]);
    expect(await env.kernel.services.conn.collection('feedback-public_items').countDocuments({})).to.equal(2);
  });
});
