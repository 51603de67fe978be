/** The agency's JPM rules from the settings (`BINA_JPM_*`, config.ts): the CLI and the pages read them here. */
import type { JpmRules } from './job-person-match';

export function jpmRulesFromSettings(settings: { BINA_JPM_CAPPED: boolean; BINA_JPM_OPTIMAL_FROM: number; BINA_JPM_CUKUP_FROM: number }): JpmRules {
  if (settings.BINA_JPM_CUKUP_FROM > settings.BINA_JPM_OPTIMAL_FROM) {
    throw new RangeError(`BINA_JPM_CUKUP_FROM (${settings.BINA_JPM_CUKUP_FROM}) must not be above BINA_JPM_OPTIMAL_FROM (${settings.BINA_JPM_OPTIMAL_FROM})`);
  }
  return { capped: settings.BINA_JPM_CAPPED, optimalFrom: settings.BINA_JPM_OPTIMAL_FROM, cukupFrom: settings.BINA_JPM_CUKUP_FROM };
}
