/** The plugin's capabilities (declared in plugin.json), named once for its routes and pages. */
export const CAP = {
  manage: 'certificate-openbadges:manage',
  issue: 'certificate-openbadges:issue',
  viewAll: 'certificate-openbadges:view-all',
  keys: 'certificate-openbadges:keys',
  viewOwn: 'certificate-openbadges:view-own',
} as const;
