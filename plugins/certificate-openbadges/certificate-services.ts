/**
 * The services of certificate-openbadges bundled for its route files, and the typed service it
 * offers other code through `ctx.provide('certificate-openbadges')` (the demo seed, the CLI).
 */
import type { AchievementInput } from './achievement-service';
import type { AchievementDoc, CertificateDoc } from './certificate-models';
import type { IssuingDeps, IssuingService } from './issuing-service';
import type { VerificationService } from './verification-service';

/** Everything the issuing service needs (`IssuingDeps`, less its document loader), plus the services built on it. */
export interface CertificateServices extends Omit<IssuingDeps, 'loader'> {
  issuing: IssuingService;
  verification: VerificationService;
  /** Rotates the signing key; audited. */
  rotateKey(actorId?: string): Promise<{ retired?: string; active: string }>;
  /** Set once at start, when the key secret has been resolved. */
  setSecret(secret: string): void;
}

/** What `ctx.use('certificate-openbadges')` returns. */
export interface CertificateOpenBadgesService {
  services: CertificateServices;
  /**
   * Creates an achievement (references checked as over HTTP). `attests.learningKey` names the
   * learning whose JP the caller credits itself, so its certificates add none (ADR 0043).
   */
  createAchievement(input: Partial<AchievementInput> & Pick<AchievementInput, 'name' | 'description' | 'criteria' | 'competency' | 'jp'>, actorId: string, attests?: { learningKey?: string }): Promise<AchievementDoc>;
  /**
   * Issues now, in this process (for the CLI and the demo seed, which are not requests): reserve,
   * sign, render. Exactly once, like the job. Returns the certificate and its verify URL.
   */
  issueNow(input: { achievementId: string; userId: string; actorId?: string; reason: string }): Promise<{ certificate: CertificateDoc | null; verifyUrl: string | null }>;
  /** Rotates the signing key (CLI); audited. */
  rotateKey(actorId?: string): Promise<{ retired?: string; active: string }>;
}
