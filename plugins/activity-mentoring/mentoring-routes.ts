/** The JSON API of mentoring (`/api/v1/activity-mentoring/…`); the rules live in MentoringService. */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import { CAP_TAKE, confirmInput, goalsInput, pairInput, sessionInput, type MentoringService } from './mentoring-service';
import { goalsView, idsOf, pairView, sessionView } from './mentoring-views';

export function registerMentoringRoutes(ctx: PluginContext, svc: MentoringService): void {
  const pairParams = z.object({ pairId: objectId });
  const sessionParams = z.object({ sessionId: objectId });

  ctx.http.route({ method: 'get', path: '/me', capability: CAP_TAKE, summary: 'My mentoring: my mentor, my mentees and sessions waiting for me' }, async ({ user }) => {
    const [asMentee, asMentor, waiting] = await Promise.all([svc.currentPairOf(user!.id), svc.pairsAsMentor(user!.id), svc.waitingFor(user!.id)]);
    const people = await svc.people(idsOf([...(asMentee ? [asMentee] : []), ...asMentor, ...waiting]));
    return {
      asMentee: asMentee ? pairView(asMentee, people) : null,
      asMentor: asMentor.map((p) => pairView(p, people)),
      waiting: waiting.map((s) => sessionView(s, people, user!.id)),
    };
  });

  ctx.http.route({ method: 'post', path: '/pairs', capability: CAP_TAKE, status: 201, summary: 'Start a pair (the supervisor by default; another mentor by an admin or unit head)', body: pairInput }, async ({ user, body }) => {
    const pair = await svc.createPair(user!, body);
    return { pair: pairView(pair, await svc.people(idsOf([pair]))) };
  });

  ctx.http.route({ method: 'get', path: '/pairs/:pairId', capability: CAP_TAKE, summary: 'A pair I am in, with its sessions', params: pairParams }, async ({ user, params }) => {
    const { pair } = await svc.pairFor(user!, params.pairId);
    const sessions = await svc.sessionsOf(pair._id);
    const people = await svc.people(idsOf([pair, ...sessions]));
    const { goals, gapOptions } = goalsView(pair, await svc.gapsOf(pair.menteeId));
    return { pair: { ...pairView(pair, people), goals }, gaps: gapOptions.filter((g) => g.current !== null).map(({ code, name, current, required }) => ({ code, name, current, required })), sessions: sessions.map((s) => sessionView(s, people, user!.id)) };
  });

  ctx.http.route({ method: 'put', path: '/pairs/:pairId/goals', capability: CAP_TAKE, summary: "Set a current pair's goals (mentor, mentee, or an assigner); a goal may name a competency, e.g. one of the mentee's gaps", params: pairParams, body: goalsInput }, async ({ user, params, body }) => {
    const pair = await svc.setGoals(user!, params.pairId, body.goals);
    return { pair: { ...pairView(pair, await svc.people(idsOf([pair]))), goals: goalsView(pair, await svc.gapsOf(pair.menteeId)).goals } };
  });

  ctx.http.route({ method: 'post', path: '/pairs/:pairId/end', capability: CAP_TAKE, summary: 'End a pair (admin or unit head)', params: pairParams }, async ({ user, params }) => {
    await svc.endPair(user!, params.pairId);
    return { ended: true };
  });

  ctx.http.route({ method: 'post', path: '/pairs/:pairId/sessions', capability: CAP_TAKE, status: 201, summary: 'Log a session (the other side confirms it)', params: pairParams, body: sessionInput }, async ({ user, params, body }) => {
    const s = await svc.logSession(user!, params.pairId, body);
    return { session: sessionView(s, await svc.people(idsOf([s])), user!.id) };
  });

  ctx.http.route({ method: 'post', path: '/sessions/:sessionId/confirm', capability: CAP_TAKE, summary: 'Confirm (sign off) a session the other side logged; credits the mentee JP once', params: sessionParams, body: confirmInput }, async ({ user, params, body }) => {
    const s = await svc.confirm(user!, params.sessionId, body.notes);
    return { session: sessionView(s, await svc.people(idsOf([s])), user!.id) };
  });
}
