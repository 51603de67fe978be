/**
 * The inbox in a real browser: a notice delivered while the page is open appears without a reload
 * (server-sent events), with the unread count; opening it marks it read and follows its link; the
 * navigation bar shows the unread count on every page.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, openLoggedIn, withBrowserEnv } from '../support/browser';
import { CERTIFICATE_ISSUED } from '../../src/learning/certificate-events';
import type { PluginContext } from '../../src/host/plugins/context';
import type { InboxService } from '../../plugins/notify-inbox/inbox-service';
import { noticeSources } from '../../plugins/notify-inbox/notice-sources';

describe('inbox in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let learner: TestUser;
  let page: Page;

  before(async () => {
    learner = await createUser(suite.env, 'learner', 'Nur Aisyah');
    page = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
  });

  it('shows a new notice live, then opens it and marks it read', async () => {
    await page.goto(`${suite.env.url}/notify-inbox`);
    expect(await page.getByTestId('inbox').textContent()).to.contain('Belum ada pemberitahuan');
    expect(await page.locator('[data-nav-badge="notify-inbox"]').count()).to.equal(0);
    // The page's stream is open once the script has connected; wait for the server to see it.
    const streams = (suite.env.kernel.services.providers.require('notify-inbox').impl as { streams: { size: number } }).streams;
    await waitFor(async () => streams.size > 0, 'the inbox stream to connect');

    const certificateId = 'ab'.repeat(12);
    await suite.env.kernel.services.events.emit(CERTIFICATE_ISSUED, { certificateId, achievementName: 'Pelayanan Publik Prima', userId: learner.id, href: '/certificate-openbadges/me' });
    const item = page.locator(`[data-notice="certificate-issued:${certificateId}"]`);
    await item.waitFor();
    expect(await item.getByTestId('notice-message').textContent()).to.contain('“Pelayanan Publik Prima”');
    expect(await page.getByTestId('inbox-unread').textContent()).to.equal('1 belum dibaca');

    // Another page: the navigation bar carries the count.
    await page.goto(`${suite.env.url}/`);
    expect((await page.locator('[data-nav-badge="notify-inbox"]').textContent())?.trim()).to.match(/^1/);

    await page.goto(`${suite.env.url}/notify-inbox`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/certificate-openbadges/me'), page.locator(`[data-notice="certificate-issued:${certificateId}"] button[type=submit]`).click()]);
    expect(await page.locator('[data-nav-badge="notify-inbox"]').count()).to.equal(0);
    await page.goto(`${suite.env.url}/notify-inbox`);
    expect(await page.getByTestId('inbox-unread').textContent()).to.equal('0 belum dibaca');
  });

  it('opens a notice of every kind a source makes (keys of every shape pass the route)', async () => {
    // An admin who trains the course: the backup and grading sources address them too.
    const person = await createUser(suite.env, 'admin', 'Andi Mentor');
    const services = suite.env.kernel.services;
    const hex = (c: string) => c.repeat(24);
    // The sources ask the learning service for the course's trainers: this one is the person.
    const ctx = { use: (id: string) => (id === 'learning' ? { getCourse: async () => ({ trainerIds: [person.id] }) } : services.providers.require(id).impl) } as unknown as PluginContext;
    const inbox = (services.providers.require('notify-inbox').impl as { inbox: InboxService }).inbox;
    const activity = { userId: person.id, courseId: hex('c'), activityId: hex('a'), activityType: 'activity-exam', refId: hex('e'), sourceId: hex('f'), title: 'SKD CAT' };
    const about = (kind: string) => ({ title: 'Pelayanan Prima', href: `/notify-inbox#${kind}` });
    const samples: Record<string, (kind: string) => unknown> = {
      'learning.activity.graded': (kind) => ({ ...activity, ...about(kind), manual: true, passed: true }),
      'learning.activity.regraded': (kind) => ({ ...activity, ...about(kind), passed: true, changed: true }),
      'learning.grading.requested': (kind) => ({ ...activity, ...about(kind) }),
      'learning.course.completed': (kind) => ({ courseId: hex('c'), userId: person.id, jp: 4, ...about(kind) }),
      'learning.certificate.issued': (kind) => ({ certificateId: hex('1'), userId: person.id, achievementName: 'Prima', href: `/notify-inbox#${kind}` }),
      'learning.certificate.revoked': (kind) => ({ certificateId: hex('2'), userId: person.id, achievementName: 'Prima', reason: 'salah', href: `/notify-inbox#${kind}` }),
      'activity-event.registration.promoted': (kind) => ({ eventId: hex('3'), userId: person.id, ...about(kind) }),
      'activity-event.event.changed': (kind) => ({ eventId: hex('3'), changeId: hex('4'), userId: person.id, ...about(kind) }),
      'learning.jp-claim.submitted': (kind) => ({ claimId: hex('5'), userId: hex('6'), claimant: 'Budi', supervisorId: person.id, ...about(kind) }),
      'learning.jp-claim.decided': (kind) => ({ claimId: hex('7'), userId: person.id, status: 'approved', ...about(kind) }),
      'learning.jp.below-target': (kind) => ({ userId: person.id, year: 2026, month: 10, jp: 4, target: 20, href: `/notify-inbox#${kind}` }),
      'learning.jp.team-below-target': (kind) => ({ userId: person.id, year: 2026, month: 10, count: 1, names: ['Budi'], href: `/notify-inbox#${kind}` }),
      // An event's survey is keyed `event-<id>`, a course's by the course id.
      'evaluation-training.reaction.offered': (kind) => ({ eventId: hex('8'), userId: person.id, ...about(kind) }),
      'evaluation-training.reaction.reminded': (kind) => ({ courseId: hex('9'), userId: person.id, ...about(kind) }),
      // Level 3 tasks are `<courseId>-<learnerId>`: the shot of the review (400 on "Buka").
      'evaluation-training.behaviour.requested': (kind) => ({ taskId: `${hex('a')}-${hex('b')}`, userId: person.id, learner: 'Budi', ...about(kind) }),
      'evaluation-training.behaviour.reminded': (kind) => ({ taskId: `${hex('a')}-${hex('d')}`, userId: person.id, learner: 'Budi', ...about(kind) }),
      'backup.run.failed': (kind) => ({ runId: 'repeat:backup:1765000000000', error: 'disk full', ...about(kind) }),
    };
    const ids: string[] = [];
    for (const source of noticeSources(ctx)) {
      expect(samples, `a sample payload for ${source.event}`).to.have.property(source.event);
      const notices = (await source.toNotices(samples[source.event]!(source.event))).filter((n) => n.userId === person.id);
      expect(notices, source.event).to.have.length(1);
      await inbox.deliver(notices[0]!);
      ids.push(notices[0]!.key);
    }
    const { page: p } = await openLoggedIn(suite.browser, suite.env.url, { username: person.username }, { width: 393 });
    for (const id of ids) {
      await p.goto(`${suite.env.url}/notify-inbox`);
      const event = noticeSources(ctx)[ids.indexOf(id)]!.event;
      await Promise.all([p.waitForURL((u) => u.pathname === '/notify-inbox' && u.hash === `#${event}`), p.locator(`[data-notice="${id}"] button[type=submit]`).click()]);
      expect(await p.locator(`[data-notice="${id}"] .badge`).count(), `${id} is read`).to.equal(0);
    }
    expect(await p.getByTestId('inbox-unread').textContent()).to.equal('0 belum dibaca');
  });
});
