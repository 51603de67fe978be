/**
 * Keyed lookups (ADR 0021, follow-up): enrolments, progress rows and API tokens written now carry
 * an `_id` derived from their natural key, so the hot reads (is this user enrolled? which token is
 * this?) are `{_id}` lookups, the one filter FerretDB 1.x/SQLite answers without decoding the
 * whole collection. Rows from before (random `_id`) must keep working through the fallback query,
 * and must never be doubled by a later write. Against the real servers; the filters a call sends
 * are recorded from mongoose's Query.exec, so "reads by `_id` alone" is checked, not assumed.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Query, Types, type Model } from 'mongoose';
import { hashToken, tokenDocId, TOKEN_PREFIX } from '../../src/identity/identity-service';
import { enrolmentId, progressId } from '../../src/learning/learning-models';
import { ApiClient, createCourseWithQuiz, createUser, startTestEnv, type TestEnv, type TestUser } from '../support/harness';

const NEEDED_PLUGINS = ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse'];

interface Sent {
  op: string;
  filter: Record<string, unknown>;
}

/**
 * Runs `fn` and returns, with its result, every query (op and filter) that reached `model`
 * meanwhile, including those of HTTP requests this process serves.
 */
async function queriesOn<T>(model: Model<any>, fn: () => Promise<T>): Promise<{ result: T; sent: Sent[] }> {
  const sent: Sent[] = [];
  const proto = Query.prototype as unknown as { exec: (...a: unknown[]) => Promise<unknown> };
  const exec = proto.exec;
  proto.exec = function (this: Query<unknown, unknown>, ...args: unknown[]) {
    if (this.model === model) sent.push({ op: (this as unknown as { op?: string }).op ?? '?', filter: { ...this.getFilter() } });
    return exec.apply(this, args);
  };
  try {
    return { result: await fn(), sent };
  } finally {
    proto.exec = exec;
  }
}

const onlyById = (sent: Sent[]) => sent.every((s) => Object.keys(s.filter).length === 1 && '_id' in s.filter);

describe('keyed lookups (enrolment, progress, API tokens)', function () {
  this.timeout(120_000);

  let env: TestEnv;
  let trainer: TestUser;
  let course: Awaited<ReturnType<typeof createCourseWithQuiz>>;

  before(async () => {
    env = await startTestEnv({ only: NEEDED_PLUGINS });
    trainer = await createUser(env, 'trainer');
    course = await createCourseWithQuiz(trainer);
  });
  after(() => env?.stop());

  const learning = () => env.kernel.learning;
  const Enrolment = () => learning().models.Enrolment;
  const rowsOf = (userId: string) => Enrolment().find({ courseId: course.courseId, userId }).lean();

  describe('enrolment', () => {
    it('does key a new enrolment by (course, user), answer isEnrolled by _id alone, and stay one row when enrolling again', async () => {
      const learner = await createUser(env, 'learner');
      // Enrolling reads by `_id` and inserts; no query by the pair (a whole-collection read on FerretDB).
      const first = await queriesOn(Enrolment(), () => learner.api.post(`/api/v1/courses/${course.courseId}/enrol`));
      expect(first.result.status).to.equal(201);
      expect(onlyById(first.sent), JSON.stringify(first.sent)).to.equal(true);
      expect((await learner.api.post(`/api/v1/courses/${course.courseId}/enrol`)).status).to.equal(200);
      expect((await learning().enrol(learner.id, course.courseId)).created).to.equal(false);
      const rows = await rowsOf(learner.id);
      expect(rows).to.have.length(1);
      expect(String(rows[0]!._id)).to.equal(String(enrolmentId(course.courseId, learner.id)));
      expect(rows[0]!.status).to.equal('active');

      const { result, sent } = await queriesOn(Enrolment(), () => learning().isEnrolled(learner.id, course.courseId));
      expect(result).to.equal(true);
      expect(sent, JSON.stringify(sent)).to.have.length(1);
      expect(onlyById(sent), JSON.stringify(sent)).to.equal(true);
      // Over HTTP too: starting the quiz checks the enrolment with the same single `_id` read.
      const start = await queriesOn(Enrolment(), () => learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`));
      expect(start.result.status, JSON.stringify(start.result.body)).to.equal(201);
      expect(start.sent.length).to.be.greaterThan(0);
      expect(onlyById(start.sent), JSON.stringify(start.sent)).to.equal(true);
    });

    it('does count an enrolment stored before the keys (random _id) and does not double it on enrol', async () => {
      const learner = await createUser(env, 'learner');
      const legacy = await Enrolment().create({ courseId: course.courseId, userId: learner.id, status: 'active', enrolledAt: new Date() });
      expect(String(legacy._id)).not.to.equal(String(enrolmentId(course.courseId, learner.id)));

      expect(await learning().isEnrolled(learner.id, course.courseId)).to.equal(true);
      expect((await learner.api.get(`/api/v1/courses/${course.courseId}`)).body.enrolled).to.equal(true);
      expect((await learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`)).status).to.equal(201);

      expect((await learner.api.post(`/api/v1/courses/${course.courseId}/enrol`)).status).to.equal(200);
      expect((await learning().enrol(learner.id, course.courseId)).created).to.equal(false);
      const rows = await rowsOf(learner.id);
      expect(rows.map((r) => String(r._id))).to.deep.equal([String(legacy._id)]);
      expect((await learner.api.get('/api/v1/me/courses')).body.courses.map((c: { id: string }) => c.id)).to.deep.equal([course.courseId]);
    });

    it('does refuse a learner who is not enrolled', async () => {
      const learner = await createUser(env, 'learner');
      expect(await learning().isEnrolled(learner.id, course.courseId)).to.equal(false);
      expect((await learner.api.get(`/api/v1/courses/${course.courseId}`)).body.enrolled).to.equal(false);
      expect((await learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`)).status).to.equal(403);
      // Someone else's enrolment in the course, or mine in another course, does not count.
      const other = await createUser(env, 'learner');
      await learning().enrol(other.id, course.courseId);
      expect(await learning().isEnrolled(learner.id, course.courseId)).to.equal(false);
      expect(await learning().isEnrolled(other.id, new Types.ObjectId())).to.equal(false);
    });

    it('does make concurrent enrols of one pair one row, created once', async () => {
      const learner = await createUser(env, 'learner');
      const created: Array<{ courseId: string; userId: string }> = [];
      const off = env.kernel.services.events.on('test', 'learning.enrolment.created', (p: { courseId: string; userId: string }) => {
        if (p.userId === learner.id) created.push(p);
      });
      try {
        const results = await Promise.all(Array.from({ length: 5 }, () => learning().enrol(learner.id, course.courseId)));
        expect(results.filter((r) => r.created)).to.have.length(1);
        expect(await rowsOf(learner.id)).to.have.length(1);
        expect(created).to.have.length(1);
      } finally {
        off();
      }
    });

    it('does stop counting an enrolment once its row is gone (nothing answers from memory)', async () => {
      const learner = await createUser(env, 'learner');
      await learning().enrol(learner.id, course.courseId);
      expect(await learning().isEnrolled(learner.id, course.courseId)).to.equal(true);
      await Enrolment().deleteOne({ _id: enrolmentId(course.courseId, learner.id) });
      expect(await learning().isEnrolled(learner.id, course.courseId)).to.equal(false);
      expect((await learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`)).status).to.equal(403);
    });
  });

  describe('progress', () => {
    const Progress = () => learning().models.Progress;
    const quizActivity = () => learning().activityFor('activity-quiz', course.quizId);

    it('does key a progress row by (user, activity); viewed again reads by _id alone and never undoes completed', async () => {
      const learner = await createUser(env, 'learner');
      const activity = await quizActivity();
      const first = await queriesOn(Progress(), () => learning().markProgress(learner.id, activity, 'viewed'));
      expect(onlyById(first.sent), JSON.stringify(first.sent)).to.equal(true);
      const rows = await Progress().find({ userId: learner.id, activityId: activity._id }).lean();
      expect(rows.map((r) => String(r._id))).to.deep.equal([String(progressId(learner.id, activity._id))]);
      expect(rows[0]!.state).to.equal('viewed');

      const again = await queriesOn(Progress(), () => learning().markProgress(learner.id, activity, 'viewed'));
      expect(again.sent, JSON.stringify(again.sent)).to.have.length(1);
      expect(onlyById(again.sent), JSON.stringify(again.sent)).to.equal(true);

      const done = await queriesOn(Progress(), () => learning().markProgress(learner.id, activity, 'completed'));
      // The completion of a keyed row is an update by `_id`; the rest is the course-completion count.
      expect(done.sent.filter((s) => s.op === 'updateOne'), JSON.stringify(done.sent)).to.have.length(1);
      expect(onlyById(done.sent.filter((s) => s.op === 'updateOne'))).to.equal(true);
      await learning().markProgress(learner.id, activity, 'viewed');
      const after = await Progress().find({ userId: learner.id, activityId: activity._id }).lean();
      expect(after).to.have.length(1);
      expect(after[0]!.state).to.equal('completed');
    });

    it('does complete a progress row stored before the keys without doubling it', async () => {
      const learner = await createUser(env, 'learner');
      const activity = await quizActivity();
      const legacy = await Progress().create({ userId: learner.id, courseId: activity.courseId, activityId: activity._id, state: 'viewed', at: new Date() });
      await learning().markProgress(learner.id, activity, 'viewed');
      await learning().markProgress(learner.id, activity, 'completed');
      await learning().markProgress(learner.id, activity, 'viewed');
      const rows = await Progress().find({ userId: learner.id, activityId: activity._id }).lean();
      expect(rows.map((r) => String(r._id))).to.deep.equal([String(legacy._id)]);
      expect(rows[0]!.state).to.equal('completed');
      expect((await learning().progressFor(learner.id, String(activity.courseId))).get(String(activity._id))).to.equal('completed');
    });

    it('does complete an activity never viewed, once, also when two completions race', async () => {
      const learner = await createUser(env, 'learner');
      const activity = await quizActivity();
      await Promise.all([learning().markProgress(learner.id, activity, 'completed'), learning().markProgress(learner.id, activity, 'completed')]);
      const rows = await Progress().find({ userId: learner.id, activityId: activity._id }).lean();
      expect(rows).to.have.length(1);
      expect(rows[0]!.state).to.equal('completed');
    });
  });

  describe('API tokens', () => {
    const ApiToken = () => env.kernel.identity.models.ApiToken;
    let user: TestUser;

    before(async () => {
      user = await createUser(env, 'learner');
    });

    /** A token row as it was stored before the keys: random `_id`, looked up by hash. */
    async function legacyToken(extra: Record<string, unknown> = {}) {
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const doc = await ApiToken().create({ userId: user.id, name: 'lama', hash: hashToken(token), hint: token.slice(0, 9), createdAt: new Date(), ...extra });
      expect(String(doc._id)).not.to.equal(String(tokenDocId(hashToken(token))));
      return { token, id: String(doc._id) };
    }

    it('does key a new token by its hash and authenticate it by _id alone', async () => {
      const created = await user.api.post('/api/v1/auth/tokens', { name: 'berkunci' });
      expect(created.status).to.equal(201);
      expect(created.body.id).to.equal(String(tokenDocId(hashToken(created.body.token))));
      // The id shown to the user reveals nothing of the stored hash.
      expect(hashToken(created.body.token)).not.to.include(created.body.id.slice(0, 8));
      const { result, sent } = await queriesOn(ApiToken(), () => new ApiClient(env.url, created.body.token).get('/api/v1/auth/me'));
      expect(result.status).to.equal(200);
      expect(result.body.user.id).to.equal(user.id);
      expect(sent.length).to.be.greaterThan(0);
      expect(onlyById(sent), JSON.stringify(sent)).to.equal(true);
    });

    it('does authenticate a token stored before the keys (random _id), and revoking it works', async () => {
      const legacy = await legacyToken();
      const client = new ApiClient(env.url, legacy.token);
      const me = await client.get('/api/v1/auth/me');
      expect(me.status).to.equal(200);
      expect(me.body.user.id).to.equal(user.id);
      expect((await user.api.get('/api/v1/auth/tokens')).body.tokens.map((t: { id: string }) => t.id)).to.include(legacy.id);
      expect((await user.api.delete(`/api/v1/auth/tokens/${legacy.id}`)).status).to.equal(200);
      expect((await client.get('/api/v1/auth/me')).status).to.equal(401);
    });

    it('does refuse revoked tokens, keyed or not, also when the revocation was written by another process', async () => {
      // Written straight to the database, as another process would: this one has no cache entry
      // to drop, so only the check of `revokedAt` after the `_id` read can refuse them.
      const keyed = await env.kernel.identity.createToken(user.id, 'dicabut di tempat lain');
      await ApiToken().updateOne({ _id: keyed.id }, { $set: { revokedAt: new Date() } });
      const legacy = await legacyToken({ revokedAt: new Date() });
      for (const token of [keyed.token, legacy.token]) {
        const res = await new ApiClient(env.url, token).get('/api/v1/auth/me');
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal('BINA_ERR_AUTH_REQUIRED');
        expect(await env.kernel.identity.userForToken(token)).to.equal(undefined);
      }
      // Revoked through the API after it was cached: refused at once in this process.
      const created = await user.api.post('/api/v1/auth/tokens', { name: 'dicabut' });
      const client = new ApiClient(env.url, created.body.token);
      expect((await client.get('/api/v1/auth/me')).status).to.equal(200);
      expect((await user.api.delete(`/api/v1/auth/tokens/${created.body.id}`)).status).to.equal(200);
      expect((await client.get('/api/v1/auth/me')).status).to.equal(401);
    });

    it('does refuse a token whose keyed row holds another hash (the full hash is compared)', async () => {
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      await ApiToken().create({ _id: tokenDocId(hashToken(token)), userId: user.id, name: 'lain', hash: hashToken(`${token}x`), hint: token.slice(0, 9), createdAt: new Date() });
      expect((await new ApiClient(env.url, token).get('/api/v1/auth/me')).status).to.equal(401);
      expect(await env.kernel.identity.userForToken(token)).to.equal(undefined);
    });
  });
});
