/**
 * What the page sweep's walks are given (test/browser/page-sweep.test.ts, and the stored-XSS sweep
 * test/browser/stored-xss-sweep.test.ts): the roles, the values forms need from the demo data, the
 * forms not to submit. One place, so both sweeps walk the same Bina the same way.
 */
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/cli/demo-seed';
import type { ExpectedStatus, SweepRole } from './page-sweep';

const demoUser = (role: string) => {
  const u = DEMO_USERS.find((x) => (x.roles as readonly string[]).includes(role))!;
  return (u as { email?: string }).email ?? (u as { nip?: string }).nip!;
};

export const ROLES: SweepRole[] = [
  { role: 'anonymous' },
  { role: 'learner', username: demoUser('learner'), password: DEMO_PASSWORD },
  { role: 'mentor', username: demoUser('mentor'), password: DEMO_PASSWORD },
  { role: 'trainer', username: demoUser('trainer'), password: DEMO_PASSWORD },
  { role: 'admin', username: demoUser('admin'), password: DEMO_PASSWORD },
];

/** A page nobody links to on purpose: the error page, rendered by asking for a page that does not exist. */
export const MISSING_PAGE = '/halaman-yang-tidak-ada';

export const EXPECTED_STATUSES: ExpectedStatus[] = [{ where: new RegExp(`^${MISSING_PAGE}$`), status: 404, why: 'renders the error page' }];

/**
 * Valid values the forms' fields cannot declare themselves (they depend on the demo data), by
 * `<form key>|<field>`; the rest is derived from each field (test/support/page-sweep.ts valueFor).
 */
export const FIELD_VALUES: Record<string, string | string[]> = {
  // A new exam: its first section draws one question from the first bank offered (`*`).
  'POST /activity-exam/exams|title': 'Simulasi Sapu',
  'POST /activity-exam/exams|s1_key': 'umum',
  'POST /activity-exam/exams|s1_title': 'Umum',
  'POST /activity-exam/exams|s1_source': '*',
  'POST /activity-exam/exams|s1_count': '1',
  // A multiple-choice question needs its options.
  'POST /activity-quiz/quizzes/:id/questions|option1': 'Melayani dengan ramah',
  'POST /activity-quiz/quizzes/:id/questions|option2': 'Menunda layanan',
  // A new bank question of the first type offered (multiple choice): a right and a wrong option.
  'POST /banks/:id/questions action=save|opt_text': ['Mamuju', 'Majene'],
  'POST /banks/:id/questions action=save|opt_value': ['100', '0'],
  // Bank questions to add to a quiz: tick them.
  'POST /activity-quiz/quizzes/:id/bank-questions|questionId': 'on',
  // A personal API token needs a name.
  'POST /profile/tokens|name': 'Skrip laporan',
  // Pasted questions to import (GIFT, the format selected first).
  'POST /banks/:id/import action=preview|text': '::Sapu:: Ibu kota provinsi Sulawesi Barat adalah {=Mamuju ~Majene ~Polewali}',
};

/** Values that must differ between the two walks of a role (a unit, an import or a certificate made once). */
export const LOCALE_VALUES: Record<'id' | 'en', Record<string, string>> = {
  id: {
    // An import of one unit and one person.
    'POST /admin/people-import action=preview|units': 'code,name,parent_code\nSAPU-ID,Unit Sapu Bahasa Indonesia,BKPSDM-MAMUJU',
    'POST /admin/people-import action=preview|users': 'nip,name,unit_code\n199601012021121001,Peserta Sapu Satu,SAPU-ID',
    // A new unit's code (the field is named like the certificate check's `code`, which is global).
    'POST /admin/units|code': 'SAPU-UNIT-ID',
    // A learner without the demo certificate (the three demo learners earned it on the demo quiz),
    // a different one per walk, picked by NIP.
    'POST /certificate-openbadges/admin/issue|learner': '198805202011012004',
    'POST /courses/:id/participants|person': '199203102019032005',
  },
  en: {
    'POST /admin/people-import action=preview|units': 'code,name,parent_code\nSAPU-EN,Unit Sapu English,BKPSDM-MAMUJU',
    'POST /admin/people-import action=preview|users': 'nip,name,unit_code\n199602022021122002,Peserta Sapu Dua,SAPU-EN',
    'POST /admin/units|code': 'SAPU-UNIT-EN',
    // Not a learner: the Indonesian walk's bulk issue may already have reached every learner of a cohort.
    'POST /certificate-openbadges/admin/issue|learner': '198111032006042001',
    'POST /courses/:id/participants|person': '199406152022211001',
  },
};

/**
 * A new person's NIP, its own for every walk that may create people (admins, and unit heads such
 * as the demo mentor): born 1 January 1995, appointed December 2020, a man, numbered by walk.
 */
export const newNip = (role: string, locale: 'id' | 'en') => `199501012020121${String(ROLES.findIndex((r) => r.role === role) * 2 + (locale === 'en' ? 2 : 1)).padStart(3, '0')}`;

/** Forms the walks do not submit, with why (each is covered by the test named). */
export const SKIP_FORMS: Record<string, string> = {
  'POST /profile/password': 'changes the password the later walks log in with; test/browser/people-admin.test.ts changes it',
  'POST /admin/users/:id/active': 'deactivates a demo user a later walk logs in as; test/browser/people-admin.test.ts deactivates one',
  'POST /admin/users/:id/password': 'resets a demo user\'s password (a later walk logs in with it); test/browser/people-admin.test.ts resets one',
};

/** Other applications mounted inside Bina: checked for status, not walked. */
export const FOREIGN_APPS = [/^\/admin\/queues(\/|$)/];
