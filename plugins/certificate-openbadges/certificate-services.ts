/**
 * The services of certificate-openbadges bundled for its route files, and the typed service it
 * offers other code through `ctx.provide('certificate-openbadges')` (the demo seed, the CLI).
 */
import type { Model } from 'mongoose';
import type { PluginContext } from '../../src/kernel/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { LearningService } from '../../src/learning/learning-service';
import type { CertificatePdfService } from '../certificate-pdf/pdf-service';
import type { AchievementInput, AchievementService } from './achievement-service';
import type { BulkDoc, CertificateDoc, PdfFileDoc, AchievementDoc } from './certificate-models';
import type { Claims } from '../../src/kernel/claims';
import type { IssuingService } from './issuing-service';
import type { KeyStore } from './key-store';
import type { StatusListStore } from './status-list-store';
import type { VerificationService } from './verification-service';

export interface CertificateServices {
  ctx: PluginContext;
  Cert: Model<CertificateDoc>;
  PdfFile: Model<PdfFileDoc>;
  Bulk: Model<BulkDoc>;
  claims: Claims;
  achievements: AchievementService;
  issuing: IssuingService;
  verification: VerificationService;
  keys: KeyStore;
  lists: StatusListStore;
  pdf: () => CertificatePdfService;
  identity: () => IdentityService;
  learning: () => LearningService;
  /** Rotates the signing key; audited. */
  rotateKey(actorId?: string): Promise<{ retired?: string; active: string }>;
  /** Set once at start, when the key secret has been resolved. */
  setSecret(secret: string): void;
}

/** What `ctx.use('certificate-openbadges')` returns. */
export interface CertificateOpenBadgesService {
  services: CertificateServices;
  /** Creates an achievement (references checked as over HTTP). */
  createAchievement(input: Partial<AchievementInput> & Pick<AchievementInput, 'name' | 'description' | 'criteria' | 'competency' | 'jp'>, actorId: string): Promise<AchievementDoc>;
  /**
   * Issues now, in this process (for the CLI and the demo seed, which are not requests): reserve,
   * sign, render. Exactly once, like the job. Returns the certificate and its verify URL.
   */
  issueNow(input: { achievementId: string; userId: string; actorId?: string; reason: string }): Promise<{ certificate: CertificateDoc | null; verifyUrl: string | null }>;
  /** Rotates the signing key (CLI); audited. */
  rotateKey(actorId?: string): Promise<{ retired?: string; active: string }>;
}
