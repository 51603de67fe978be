/**
 * Strings in Bahasa Indonesia (default) and English via i18next. The core's strings live in
 * namespace `core`; each plugin's `lang/{id,en}.json` in the namespace of its id, so a template
 * writes `{{t "activity-quiz:attempt.start"}}`.
 */
import i18next, { type i18n as I18n } from 'i18next';

export type Locale = 'id' | 'en';
export const LOCALES: Locale[] = ['id', 'en'];

export class Translator {
  private inst: I18n;
  constructor(defaultLocale: Locale) {
    this.inst = i18next.createInstance();
    void this.inst.init({
      lng: defaultLocale,
      fallbackLng: 'id',
      supportedLngs: LOCALES,
      ns: ['core'],
      defaultNS: 'core',
      initImmediate: false,
      interpolation: { escapeValue: false },
      resources: {},
      returnNull: false,
      showSupportNotice: false,
    });
  }

  addBundle(ns: string, locale: Locale, strings: Record<string, unknown>): void {
    this.inst.addResourceBundle(locale, ns, strings, true, true);
  }

  t(locale: Locale, key: string, args: Record<string, unknown> = {}): string {
    return this.inst.t(key, { ...args, lng: locale }) as string;
  }

  exists(locale: Locale, key: string): boolean {
    return this.inst.exists(key, { lng: locale });
  }
}

export function pickLocale(...candidates: Array<string | undefined>): Locale | undefined {
  for (const c of candidates) {
    const v = c?.slice(0, 2).toLowerCase();
    if (v === 'id' || v === 'en') return v;
  }
  return undefined;
}
