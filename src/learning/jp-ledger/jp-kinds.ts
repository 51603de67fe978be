/**
 * What a JP credit can be (DOMAIN.md, Peraturan LAN 10/2018): its source in Bina, and its
 * activity kind, which fixes whether it is classical (klasikal) or not (nonklasikal) and the IP ASN
 * category it feeds. Kinds are stable ids (stored on entries and claims); their names are strings
 * `jp.kind.<id>` in the language files.
 */

/** Where a credit came from: a course done in Bina, a certificate, a mentoring session, an event, or an approved claim. */
export const JP_SOURCES = ['course', 'certificate', 'mentoring', 'event', 'claim'] as const;
export type JpSource = (typeof JP_SOURCES)[number];

export type JpMode = 'klasikal' | 'nonklasikal';

/** IP ASN's competency dimension reads these per entry (DOMAIN.md, "What the JP ledger feeds"). */
export const IP_ASN_CATEGORIES = ['kepemimpinan', 'fungsional', 'teknis', 'seminar'] as const;
export type IpAsnCategory = (typeof IP_ASN_CATEGORIES)[number];

/** Activity kinds in the order forms list them, each with its mode and default IP ASN category. */
export const JP_KINDS = [
  { id: 'pelatihan', mode: 'klasikal', category: 'teknis' },
  { id: 'seminar', mode: 'klasikal', category: 'seminar' },
  { id: 'workshop', mode: 'klasikal', category: 'seminar' },
  { id: 'kursus', mode: 'klasikal', category: 'teknis' },
  { id: 'bimtek', mode: 'klasikal', category: 'teknis' },
  { id: 'sosialisasi', mode: 'klasikal', category: 'seminar' },
  { id: 'e-learning', mode: 'nonklasikal', category: 'teknis' },
  { id: 'pembelajaran-jarak-jauh', mode: 'nonklasikal', category: 'teknis' },
  { id: 'coaching', mode: 'nonklasikal', category: 'teknis' },
  { id: 'mentoring', mode: 'nonklasikal', category: 'teknis' },
  { id: 'detasering', mode: 'nonklasikal', category: 'teknis' },
  { id: 'benchmarking', mode: 'nonklasikal', category: 'teknis' },
  { id: 'magang', mode: 'nonklasikal', category: 'teknis' },
  { id: 'pertukaran', mode: 'nonklasikal', category: 'teknis' },
  { id: 'belajar-mandiri', mode: 'nonklasikal', category: 'teknis' },
  { id: 'komunitas-belajar', mode: 'nonklasikal', category: 'teknis' },
  { id: 'bimbingan-di-tempat-kerja', mode: 'nonklasikal', category: 'teknis' },
] as const satisfies ReadonlyArray<{ id: string; mode: JpMode; category: IpAsnCategory }>;

export type JpKind = (typeof JP_KINDS)[number]['id'];
const [firstKind, ...otherKinds] = JP_KINDS;
/** The kind ids as a non-empty tuple, which `z.enum` takes. */
export const JP_KIND_IDS: readonly [JpKind, ...JpKind[]] = [firstKind.id, ...otherKinds.map((k) => k.id)];

const byId = new Map<string, (typeof JP_KINDS)[number]>(JP_KINDS.map((k) => [k.id, k]));

export function isJpKind(id: string): id is JpKind {
  return byId.has(id);
}

/** The mode a kind belongs to (a seminar is classical, e-learning is not). */
export function modeOf(kind: JpKind): JpMode {
  return byId.get(kind)!.mode;
}

export function ipAsnCategoryOf(kind: JpKind): IpAsnCategory {
  return byId.get(kind)!.category;
}
