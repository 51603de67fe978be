/**
 * Against real services, with the events and mentoring plugins beside evaluation-training (they
 * know each other only through the core's hooks and the bus, ADR 0066):
 * - an event's reaction survey: offered once when a participant's attendance meets the rule, one
 *   reminder, anonymous (nothing stored or shown links an answer to a person), results per cohort
 *   for the event's organisers only, links on the event's pages;
 * - level 3 asks the learner's current mentor rather than the direct supervisor, created once when
 *   due on a controlled clock, reminded through the inbox, the rating evidence in the profile;
 * - the behaviour-rating link shows only to people who rate or could (supervisors, mentors).
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createCourseWithQuiz, createUser, ManualClock, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../../../test/support/harness';
import type { Evaluation } from '../index';
import { wakeBehaviourJob } from './behaviour-clock';

const PLUGINS = ['evaluation-training', 'question-likert', 'activity-event', 'certificate-openbadges', 'certificate-pdf', 'activity-mentoring', 'notify-inbox', 'activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse'];
const WEEK = 7 * 86_400_000;
const html = { accept: 'text/html' };

describe('evaluation-training with events and mentors', function () {
  this.timeout(180_000);
  let env: TestEnv;
  let clock: ManualClock;
  let admin: TestUser;
  let ev: Evaluation;
  const db = () => env.kernel.services.conn;
  const notices = (userId: string, kind: string) => db().collection('notify-inbox_notices').find({ userId: new Types.ObjectId(userId), kind }).toArray();
  const setUser = (u: TestUser, set: Record<string, unknown>) => env.kernel.identity.models.User.updateOne({ _id: u.id }, { $set: set });

  before(async () => {
    clock = new ManualClock(new Date());
    env = await startTestEnv({ only: PLUGINS, clock });
    admin = await createUser(env, 'admin', 'Admin Acara');
    ev = env.kernel.services.providers.require('evaluation-training').impl as Evaluation;
  });
  after(() => env?.stop());

  describe('an event\'s reaction survey', () => {
    let organiser: TestUser;
    let eventId: string;
    const people: TestUser[] = [];
    const offer = (u: TestUser) => ev.reaction.Offer.findById(`event-${eventId}-${u.id}`).lean();

    before(async () => {
      organiser = await createUser(env, 'learner', 'Penyelenggara Seminar');
      const provider = await admin.api.post('/api/v1/activity-event/providers', { name: 'Bidang Bangkom', kind: 'external', staffIds: [organiser.id] });
      expect(provider.status, JSON.stringify(provider.body)).to.equal(201);
      const start = clock.now().getTime() + 3600_000;
      const created = await organiser.api.post('/api/v1/activity-event/events', {
        providerId: provider.body.provider.id, title: 'Seminar Pelayanan Prima', kind: 'seminar', jp: 2, capacity: 10, published: true,
        sessions: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 7200_000).toISOString(), place: 'Aula BKPSDM Mamuju' }],
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      eventId = created.body.event.id;
      for (const name of ['Dewi Hadir', 'Eko Hadir', 'Fajar Hadir', 'Gita Absen']) {
        const p = await createUser(env, 'learner', name);
        expect((await p.api.post(`/api/v1/activity-event/events/${eventId}/register`)).body.state).to.equal('registered');
        people.push(p);
      }
      // The organiser marks three present: each one's attendance meets the rule.
      for (const p of people.slice(0, 3)) {
        const r = await organiser.api.post(`/api/v1/activity-event/events/${eventId}/sessions/s1/attendance`, { userId: p.id, present: true });
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
      }
      for (const p of people.slice(0, 3)) await waitFor(() => offer(p), `the survey offer to ${p.username}`);
    });

    it('is offered once to those whose attendance met the rule, with a notice and a link on the event page', async () => {
      const [dewi, , , gita] = people;
      expect(await offer(gita!)).to.equal(null);
      expect(await notices(dewi!.id, 'reaction-offered')).to.have.length(1);
      expect((await notices(dewi!.id, 'reaction-offered'))[0]!.href).to.equal(`/evaluation-training/events/${eventId}/reaction`);
      // Marked absent and present again: the event reports the attendance again, the offer stays one.
      await organiser.api.post(`/api/v1/activity-event/events/${eventId}/sessions/s1/attendance`, { userId: dewi!.id, present: false });
      await organiser.api.post(`/api/v1/activity-event/events/${eventId}/sessions/s1/attendance`, { userId: dewi!.id, present: true });
      expect(await ev.reaction.Offer.countDocuments({ userId: new Types.ObjectId(dewi!.id) })).to.equal(1);
      const page = await dewi!.api.request('GET', `/activity-event/events/${eventId}`, undefined, html);
      expect(String(page.body)).to.contain(`/evaluation-training/events/${eventId}/reaction`);
      const absent = await gita!.api.request('GET', `/activity-event/events/${eventId}`, undefined, html);
      expect(String(absent.body)).not.to.contain(`/evaluation-training/events/${eventId}/reaction`);
      for (const path of [`/activity-event/events/${eventId}`, `/activity-event/events/${eventId}/manage`]) {
        expect(String((await organiser.api.request('GET', path, undefined, html)).body)).to.contain(`href="/evaluation-training/events/${eventId}"`);
      }
      expect(String((await gita!.api.request('GET', `/evaluation-training/events/${eventId}/reaction`, undefined, html)).body)).to.contain('kehadiran Anda di acara memenuhi syarat');
    });

    it('takes one answer each, shows results only from the threshold, and links none to a person', async () => {
      const [dewi, eko] = people;
      const form = await dewi!.api.get(`/api/v1/evaluation-training/events/${eventId}/reaction`);
      expect(form.body).to.deep.include({ offered: true, answered: false, anonymous: true });
      const answers = Object.fromEntries((form.body.items as Array<{ key: string }>).map((i, n) => [i.key, String(4 + (n % 2))]));
      expect((await dewi!.api.post(`/api/v1/evaluation-training/events/${eventId}/reaction`, { answers, comment: 'Narasumber sangat menguasai materi.' })).status).to.equal(201);
      expect((await dewi!.api.post(`/api/v1/evaluation-training/events/${eventId}/reaction`, { answers })).status).to.equal(409);
      expect((await people[3]!.api.post(`/api/v1/evaluation-training/events/${eventId}/reaction`, { answers })).status).to.equal(404);

      // One answer of three invited: below the threshold, the organiser sees counts only.
      let r = await organiser.api.get(`/api/v1/evaluation-training/events/${eventId}/evaluation`);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.reaction.cohorts[0]).to.deep.include({ invited: 3, respondents: 1, shown: false, comments: [] });
      expect(r.body.reaction.cohorts[0].items.every((i: { mean: number | null }) => i.mean === null)).to.equal(true);

      // The form: a refused answer keeps what was chosen; the full one is taken.
      const partial = new URLSearchParams({ q_s1: '3', comment: 'AC ruangan mati.', version: '' }).toString();
      const refused = await eko!.api.request('POST', `/evaluation-training/events/${eventId}/reaction`, partial, { 'content-type': 'application/x-www-form-urlencoded', ...html });
      expect(refused.status).to.equal(400);
      expect(String(refused.body)).to.contain('AC ruangan mati.').and.to.match(/id="q_s1_3" value="3"\s+checked/);
      const version = /name="version" value="([^"]+)"/.exec(String(refused.body))![1]!;
      const full = new URLSearchParams({ q_s1: '3', q_s2: '4', q_s3: '5', q_s4: '3', q_s5: '2', q_s6: '4', comment: 'AC ruangan mati.', version }).toString();
      expect((await eko!.api.request('POST', `/evaluation-training/events/${eventId}/reaction`, full, { 'content-type': 'application/x-www-form-urlencoded', ...html })).status).to.equal(303);

      r = await organiser.api.get(`/api/v1/evaluation-training/events/${eventId}/evaluation`);
      const cohort = r.body.reaction.cohorts[0];
      expect(cohort).to.deep.include({ invited: 3, respondents: 2, shown: true });
      expect(cohort.items.find((i: { item: string }) => i.item === 'relevance')).to.include({ mean: 3.5, n: 2 });
      expect(cohort.comments.map((c: { text: string }) => c.text).sort()).to.deep.equal(['AC ruangan mati.', 'Narasumber sangat menguasai materi.']);
      expect(cohort.comments.every((c: object) => !('name' in c))).to.equal(true);

      const docs = await db().collection('evaluation-training_responses').find({ eventId: new Types.ObjectId(eventId) }).toArray();
      expect(docs).to.have.length(2);
      const page = await organiser.api.request('GET', `/evaluation-training/events/${eventId}`, undefined, html);
      expect(page.status).to.equal(200);
      expect(String(page.body)).to.contain('Narasumber sangat menguasai materi.');
      for (const text of [...docs.map((d) => JSON.stringify(d)), JSON.stringify(r.body), String(page.body)]) {
        for (const p of people) for (const trace of [p.id, p.username, p.token]) expect(text).not.to.contain(trace);
        for (const name of ['Dewi Hadir', 'Eko Hadir']) expect(text).not.to.contain(name);
      }
      for (const d of docs) expect(d.userId).to.equal(null);
      // The organiser's export: what the page shows, no more.
      expect(String(page.body)).to.contain(`/evaluation-training/events/${eventId}/reaction.csv`);
      const csv = await organiser.api.request('GET', `/evaluation-training/events/${eventId}/reaction.csv`, undefined, { accept: 'text/csv' });
      expect(csv.status).to.equal(200);
      expect(String(csv.body)).to.contain('AC ruangan mati.').and.to.contain('Angkatan');
      for (const p of people) for (const trace of [p.id, p.username, 'Dewi Hadir', 'Eko Hadir']) expect(String(csv.body)).not.to.contain(trace);
      const xlsx = await organiser.api.request('GET', `/evaluation-training/events/${eventId}/reaction.xlsx`, undefined, { accept: '*/*' });
      expect(xlsx.status).to.equal(200);
      expect(xlsx.headers.get('content-type')).to.contain('spreadsheetml');
      expect((await people[0]!.api.request('GET', `/evaluation-training/events/${eventId}/reaction.csv`, undefined, { accept: 'text/csv' })).status).to.equal(403);
    });

    it('is read and set by the event\'s organisers and admins only', async () => {
      const stranger = await createUser(env, 'trainer', 'Pelatih Lain');
      expect((await stranger.api.get(`/api/v1/evaluation-training/events/${eventId}/evaluation`)).status).to.equal(403);
      expect((await people[0]!.api.request('GET', `/evaluation-training/events/${eventId}`, undefined, html)).status).to.equal(403);
      expect((await stranger.api.put(`/api/v1/evaluation-training/events/${eventId}/reaction-items`, { statements: ['Materi seminar bermanfaat.'] })).status).to.equal(403);
      expect((await admin.api.get(`/api/v1/evaluation-training/events/${eventId}/evaluation`)).status).to.equal(200);
      expect((await admin.api.get(`/api/v1/evaluation-training/events/${new Types.ObjectId().toHexString()}/evaluation`)).status).to.equal(404);
    });

    it('reminds once, only the participant who has not answered', async () => {
      const q = env.kernel.services.queues.queue('evaluation-training.reminder');
      for (const p of people.slice(0, 3)) {
        const key = `reaction-event-${eventId}-${p.id}`;
        await (await q.getJob(key))!.promote();
        await waitForJob(env, 'evaluation-training.reminder', key);
      }
      expect(await notices(people[0]!.id, 'reaction-reminded')).to.have.length(0);
      const [reminder] = await notices(people[2]!.id, 'reaction-reminded');
      expect(reminder?.params).to.deep.include({ title: 'Seminar Pelayanan Prima' });
      expect(await ev.reaction.remind(`event-${eventId}-${people[2]!.id}`)).to.equal(false);
    });
  });

  describe('level 3 with a mentor', () => {
    it('asks the current mentor, once, when due; reminds through the inbox; the rating is evidence', async () => {
      const { courseId } = await createCourseWithQuiz(await createUser(env, 'trainer', 'Widyaiswara Mentor'));
      const supervisor = await createUser(env, 'learner', 'Atasan Langsung M');
      const mentor = await createUser(env, 'learner', 'Mentor Senior');
      const learner = await createUser(env, 'learner', 'Pegawai Didampingi');
      const bystander = await createUser(env, 'learner', 'Pegawai Lain');
      await setUser(supervisor, { golongan: 'IV/a' });
      await setUser(mentor, { golongan: 'IV/b' });
      await setUser(learner, { golongan: 'III/a', supervisorId: new Types.ObjectId(supervisor.id) });
      const today = clock.now().toISOString().slice(0, 10);
      const pair = await admin.api.post('/api/v1/activity-mentoring/pairs', { menteeId: learner.id, mentorId: mentor.id, startsOn: today, endsOn: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`, goals: [] });
      expect(pair.status, JSON.stringify(pair.body)).to.equal(201);

      // The behaviour link: the supervisor and the mentor may rate; someone who supervises no one does not see it.
      // (A check slower than the navigation's budget shows the link once; the answer is kept, so the next page has it.)
      const navShows = (u: TestUser, shown: boolean) => waitFor(async () => String((await u.api.request('GET', '/', undefined, html)).body).includes('href="/evaluation-training/tasks"') === shown, `the link ${shown ? 'shown' : 'hidden'}`);
      await navShows(supervisor, true);
      await navShows(mentor, true);
      await navShows(bystander, false);
      await navShows(learner, false);

      expect((await learner.api.post(`/api/v1/courses/${courseId}/enrol`)).status).to.equal(201);
      for (const a of await env.kernel.learning.activities(courseId)) await env.kernel.learning.markProgress(learner.id, a, 'completed');
      const q = env.kernel.services.queues.queue('evaluation-training.behaviour-task');
      const key = `behaviour-${courseId}-${learner.id}`;
      const job = await waitFor(() => q.getJob(key), 'the delayed behaviour job');
      expect(await job.getState()).to.equal('delayed');

      await wakeBehaviourJob(env, clock, key, 11 * WEEK, 'asleep');
      expect(await ev.behaviour.Task.countDocuments({ courseId })).to.equal(0);

      await wakeBehaviourJob(env, clock, key, WEEK, 'done');
      await env.kernel.services.events.emit('learning.course.completed', { courseId, userId: learner.id, jp: 2, title: 'Kursus Uji', href: `/courses/${courseId}` });
      const tasks = await ev.behaviour.Task.find({ courseId }).lean();
      expect(tasks).to.have.length(1);
      expect(tasks[0]).to.deep.include({ raterRole: 'mentor' });
      expect(String(tasks[0]!.raterId)).to.equal(mentor.id);
      expect(await notices(mentor.id, 'behaviour-requested')).to.have.length(1);
      expect(await notices(supervisor.id, 'behaviour-requested')).to.have.length(0);

      const taskId = tasks[0]!._id;
      const reminderKey = `behaviour-reminder-${taskId}`;
      await (await env.kernel.services.queues.queue('evaluation-training.reminder').getJob(reminderKey))!.promote();
      await waitForJob(env, 'evaluation-training.reminder', reminderKey);
      expect(await notices(mentor.id, 'behaviour-reminded')).to.have.length(1);

      const list = String((await mentor.api.request('GET', '/evaluation-training/tasks', undefined, html)).body);
      expect(list).to.contain('Pegawai Didampingi').and.to.contain('sebagai mentor');
      expect((await supervisor.api.post(`/api/v1/evaluation-training/tasks/${taskId}/rating`, { ratings: [{ competency: 'MNJ-PP', level: 3 }] })).status).to.equal(403);
      const rated = await mentor.api.post(`/api/v1/evaluation-training/tasks/${taskId}/rating`, { ratings: [{ competency: 'MNJ-PP', level: 4 }], comment: 'Kini memimpin rapat layanan.' });
      expect(rated.status, JSON.stringify(rated.body)).to.equal(200);
      const trail = await db().collection('competency_evidence').find({ userId: new Types.ObjectId(learner.id) }).toArray();
      expect(trail.map((e) => ({ competency: e.competency, level: e.level, by: String(e.by) }))).to.deep.equal([{ competency: 'MNJ-PP', level: 4, by: mentor.id }]);
      expect(JSON.stringify(trail[0]!.message)).to.contain('behaviourMentor');
    });
  });
});
