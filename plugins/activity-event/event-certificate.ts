/**
 * The certificate of attendance, issued through certificate-openbadges on a worker: each event gets
 * one achievement (made by the first certify job, a claim deciding which job makes it; the others
 * retry until it is recorded), and each participant who met the rule gets it issued once (the
 * certificate plugin keeps one certificate per achievement and person).
 */
import type { PluginContext } from '../../src/host/plugins/context';
import type { Claims } from '../../src/kernel/claims';
import type { EventService } from './event-service';
import { eventLearningKey, type AttendanceService, type CertifyJob } from './attendance-service';

/** What this plugin uses of the certificate-openbadges service (ctx.use). */
interface Certificates {
  createAchievement(input: { name: string; description: string; criteria: string; competency: { code: string; level: number }; jp: number; validityMonths: null; achievementType: 'Certificate' }, actorId: string, attests: { learningKey: string }): Promise<{ _id: unknown }>;
  issueNow(input: { achievementId: string; userId: string; actorId?: string; reason: string }): Promise<unknown>;
}

export async function certifyAttendance(ctx: PluginContext, events: EventService, attendance: AttendanceService, claims: Claims, job: CertifyJob): Promise<void> {
  const event = await events.Event.findById(job.eventId).lean();
  if (!event || !(await attendance.credited(job.eventId, job.userId))) return;
  const certificates = ctx.use<Certificates>('certificate-openbadges');
  let achievementId = event.achievementId;
  if (!achievementId) {
    if (!(await claims.claim(`achievement-${event._id}`))) throw new Error('the event achievement is being made by another job; retry');
    try {
      const a = await certificates.createAchievement({
        name: `Sertifikat Kehadiran: ${event.title}`.slice(0, 200),
        description: (event.description || event.title).slice(0, 2000),
        criteria: `Menghadiri sekurang-kurangnya ${event.minAttendancePct}% sesi`,
        competency: { code: event.competencies[0] ?? 'MNJ-PDO', level: 1 },
        jp: event.jp, validityMonths: null, achievementType: 'Certificate',
      }, String(event.createdBy), { learningKey: eventLearningKey(String(event._id)) });
      achievementId = String(a._id);
      await events.Event.updateOne({ _id: event._id }, { $set: { achievementId } });
    } catch (e) {
      await claims.release(`achievement-${event._id}`);
      throw e;
    }
  }
  await certificates.issueNow({ achievementId, userId: job.userId, reason: 'attendance' });
}
