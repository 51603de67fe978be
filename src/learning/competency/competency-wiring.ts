/**
 * Wires competency profiles into the kernel: capabilities and scoped roles, the service (offered
 * as `competency` through `ctx.use`; plugins add proofs through `ctx.competency`, as certificates
 * do), the strings and pages, the API, the evidence a pass brings (an activity whose type declares
 * its pass an assessment, in a course tagged with competencies) and the navigation link. Wiring only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { seedCompetencyDemo, seedCompetencyDemoCourses } from './competency-demo';

export function registerCompetency(services: KernelServices, learning: LearningService, identity: IdentityModels): CompetencyService {
  for (const locale of ['id', 'en'] as const) {
    services.translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  services.views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
  defineCompetencyRoles(services.authz, identity);
  const svc = new CompetencyService(services, learning.models, identity);
  const catalogue = new CompetencyCatalogue(services, learning.models, svc.models);
  services.providers.add('core', { id: 'competency', impl: svc });
  registerCompetencyRoutes(services, svc, catalogue, identity, learning.models);
  registerCompetencyPages(services, svc, catalogue, identity, learning.models);
  registerCataloguePages(services, svc, catalogue, learning.models);

  // A pass of an assessment (its activity type says so) in a course tagged with competencies proves the tagged levels.
  services.events.on('core', ACTIVITY_PASSED, async (payload: unknown) => {
    const e = activityEventSchema.safeParse(payload);
    if (!e.success || services.registries.activityTypes.get(e.data.activityType)?.assessment !== true) return;
    const course = await learning.models.Course.findById(e.data.courseId, { competencies: 1 }).lean();
    for (const tag of course?.competencies ?? []) {
      await svc.recordEvidence({
        userId: e.data.userId, competency: tag.code, level: tag.level, source: 'exam',
        key: `exam:${e.data.sourceId ?? e.data.activityId}:${e.data.userId}:${tag.code}`,
        message: { key: 'competency.evidence.msg.exam', args: { title: e.data.title, level: tag.level } },
      }).catch((err) => services.log.warn({ err }, 'competency evidence from an exam failed'));
    }
  });

  // The recommended courses before the plugins' demos (the lesson plugin fills them), the rest after (their priorities run to 40).
  services.hooks.filter<DemoSeed>('core', DEMO_SEED_HOOK, async (seed) => {
    await seedCompetencyDemoCourses(seed, { learning: learning.models, clock: services.clock });
    return seed;
  }, 5);
  services.hooks.filter<DemoSeed>('core', DEMO_SEED_HOOK, async (seed) => {
    await seedCompetencyDemo(seed, { svc, learning: learning.models, identity, clock: services.clock });
    return seed;
  }, 90);

  services.registries.navItems.add('core', { id: 'core.competency', href: '/competency', labelKey: 'competency.nav', icon: 'bullseye', capability: 'core:self', order: 20 });
  return svc;
}
