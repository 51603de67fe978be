/**
 * Wires competency profiles into the kernel: capabilities and scoped roles, the service (offered
 * as `competency` through `ctx.use`), the strings and pages, the API, the evidence that events
 * bring (a certificate naming a competency, a passed exam in a course tagged with one) and the
 * navigation link. Wiring only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { KernelServices } from '../../host/kernel-services';
import type { IdentityModels } from '../../identity/identity-models';
import { ACTIVITY_PASSED, activityEventSchema } from '../activity-events';
import type { LearningService } from '../learning-service';
import { defineCompetencyRoles } from './competency-access';
import { CompetencyCatalogue } from './competency-catalogue';
import { registerCompetencyRoutes } from './competency-routes';
import { CompetencyService } from './competency-service';
import { registerCompetencyPages } from './pages/competency-pages';
import { registerCataloguePages } from './pages/catalogue-pages';
import { DEMO_SEED_HOOK, type DemoSeed } from '../demo';
import { seedCompetencyDemo } from './competency-demo';

/** The certificate plugin's event, read by name (the core never imports a plugin). */
const CERTIFICATE_ISSUED = 'certificate-openbadges.certificate.issued';
const certificateIssued = z.object({ certificateId: z.string(), userId: z.string(), achievementName: z.string(), competency: z.object({ code: z.string(), level: z.number().int().min(1).max(5) }).optional() });

export function registerCompetency(k: KernelServices, learning: LearningService, identity: IdentityModels): CompetencyService {
  for (const locale of ['id', 'en'] as const) {
    k.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  k.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  defineCompetencyRoles(k.authz, identity);
  const svc = new CompetencyService(k, learning.models, identity);
  const catalogue = new CompetencyCatalogue(k, learning.models, svc.models);
  k.services.add('core', { id: 'competency', impl: svc });
  registerCompetencyRoutes(k, svc, catalogue, identity, learning.models);
  registerCompetencyPages(k, svc, catalogue, identity, learning.models);
  registerCataloguePages(k, svc, catalogue, learning.models);

  k.events.on('core', CERTIFICATE_ISSUED, async (payload: unknown) => {
    const e = certificateIssued.safeParse(payload);
    if (!e.success || !e.data.competency) return;
    await svc.recordEvidence({
      userId: e.data.userId, competency: e.data.competency.code, level: e.data.competency.level, source: 'certificate',
      key: `certificate:${e.data.certificateId}:${e.data.competency.code}`,
      message: { key: 'competency.evidence.msg.certificate', args: { achievement: e.data.achievementName, level: e.data.competency.level } },
    }).catch((err) => k.log.warn({ err }, 'competency evidence from a certificate failed'));
  });
  // An exam passed in a course tagged with competencies proves the tagged levels.
  k.events.on('core', ACTIVITY_PASSED, async (payload: unknown) => {
    const e = activityEventSchema.safeParse(payload);
    if (!e.success || e.data.activityType !== 'activity-exam') return;
    const course = await learning.models.Course.findById(e.data.courseId, { competencies: 1 }).lean();
    for (const tag of course?.competencies ?? []) {
      await svc.recordEvidence({
        userId: e.data.userId, competency: tag.code, level: tag.level, source: 'exam',
        key: `exam:${e.data.sourceId ?? e.data.activityId}:${e.data.userId}:${tag.code}`,
        message: { key: 'competency.evidence.msg.exam', args: { title: e.data.title, level: tag.level } },
      }).catch((err) => k.log.warn({ err }, 'competency evidence from an exam failed'));
    }
  });

  // Demo data after the plugins' demos (their priorities run to 40).
  k.hooks.filter<DemoSeed>('core', DEMO_SEED_HOOK, async (seed) => {
    await seedCompetencyDemo(seed, { svc, learning: learning.models, identity, clock: k.clock });
    return seed;
  }, 90);

  k.registries.navItems.add('core', { id: 'core.competency', href: '/competency', labelKey: 'competency.nav', icon: 'bullseye', capability: 'core:self', order: 20 });
  return svc;
}
