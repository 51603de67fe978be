/**
 * Passwords people pick most often (NIST SP 800-63B: refuse passwords from breach corpuses), from
 * the list `@zxcvbn-ts/language-common` ships (about 49,000 passwords, most common first). A
 * password is refused when, lower-cased, it is on the list, or is a listed one with up to four
 * digits or symbols stuck on the end ("Password123!", "qwerty2024"): the commonest way to pass a
 * rule about mixing character classes without choosing anything new.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;

function list(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (list().has(lower)) return true;
  const stem = lower.replace(/[\d\W_]{1,4}$/u, '');
  return stem.length >= 4 && stem !== lower && list().has(stem);
}
