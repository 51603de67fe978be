/**
 * The lists an agency keeps about its people, as data (DOMAIN.md "Identity numbers and ranks"):
 * employment types, golongan/ruang (PNS I/a–IV/e with their names; PPPK I–XVII), position types
 * (jabatan) and functional levels, and the three Indonesian time zones. Forms, the API's schemas
 * and the CSV import all read these lists, so a value is valid in one place exactly when it is in all.
 */

export const EMPLOYMENT_TYPES = ['pns', 'pppk', 'staff'] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];

/** PNS golongan/ruang, lowest first, with the rank's name (pangkat). */
export const PNS_GOLONGAN = [
  { code: 'I/a', name: 'Juru Muda' },
  { code: 'I/b', name: 'Juru Muda Tingkat I' },
  { code: 'I/c', name: 'Juru' },
  { code: 'I/d', name: 'Juru Tingkat I' },
  { code: 'II/a', name: 'Pengatur Muda' },
  { code: 'II/b', name: 'Pengatur Muda Tingkat I' },
  { code: 'II/c', name: 'Pengatur' },
  { code: 'II/d', name: 'Pengatur Tingkat I' },
  { code: 'III/a', name: 'Penata Muda' },
  { code: 'III/b', name: 'Penata Muda Tingkat I' },
  { code: 'III/c', name: 'Penata' },
  { code: 'III/d', name: 'Penata Tingkat I' },
  { code: 'IV/a', name: 'Pembina' },
  { code: 'IV/b', name: 'Pembina Tingkat I' },
  { code: 'IV/c', name: 'Pembina Utama Muda' },
  { code: 'IV/d', name: 'Pembina Utama Madya' },
  { code: 'IV/e', name: 'Pembina Utama' },
] as const;

/** PPPK golongan I–XVII. */
export const PPPK_GOLONGAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII'] as const;

export const POSITION_TYPES = ['jpt-utama', 'jpt-madya', 'jpt-pratama', 'administrator', 'pengawas', 'fungsional', 'pelaksana'] as const;
export type PositionType = (typeof POSITION_TYPES)[number];

/** Levels of a functional position: expertise (ahli) and skill (keterampilan) tracks. */
export const FUNCTIONAL_LEVELS = ['ahli-pertama', 'ahli-muda', 'ahli-madya', 'ahli-utama', 'pemula', 'terampil', 'mahir', 'penyelia'] as const;
export type FunctionalLevel = (typeof FUNCTIONAL_LEVELS)[number];

/** WIB, WITA, WIT. */
export const TIME_ZONES = [
  { id: 'Asia/Jakarta', label: 'WIB' },
  { id: 'Asia/Makassar', label: 'WITA' },
  { id: 'Asia/Jayapura', label: 'WIT' },
] as const;
const [firstZone, ...otherZones] = TIME_ZONES;
/** The zone ids as a non-empty tuple, which `z.enum` takes. */
export const TIME_ZONE_IDS = [firstZone.id, ...otherZones.map((z) => z.id)] as const;

/** The golongan codes valid for an employment type (none for staff). */
export function golonganFor(kind: EmploymentType): readonly string[] {
  if (kind === 'pns') return PNS_GOLONGAN.map((g) => g.code);
  if (kind === 'pppk') return PPPK_GOLONGAN;
  return [];
}

/** "I/a" → "I/a – Juru Muda"; a PPPK golongan stays as it is. */
export function golonganLabel(code: string | undefined): string {
  if (!code) return '';
  const pns = PNS_GOLONGAN.find((g) => g.code === code);
  return pns ? `${pns.code} – ${pns.name}` : code;
}

/** A name with its academic titles as an agency writes it: "Dra. Hasnawati, M.Si.". */
export function nameWithTitles(u: { name: string; frontTitle?: string | undefined; backTitle?: string | undefined }): string {
  return `${u.frontTitle ? `${u.frontTitle} ` : ''}${u.name}${u.backTitle ? `, ${u.backTitle}` : ''}`;
}
