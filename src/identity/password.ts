/** Password hashing with argon2id (a slow, memory-hard hash). The cost comes from config. */
import argon2 from 'argon2';
import { isCommonPassword } from './common-passwords';

export class PasswordHasher {
  constructor(private memoryCost: number) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: this.memoryCost });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    // Hash anyway when the user is unknown so timing does not reveal which usernames exist.
    if (!hash) {
      await argon2.hash(password, { type: argon2.argon2id, memoryCost: this.memoryCost });
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}

/** Our minimum: 10 characters (NIST SP 800-63B asks ≥ 8), not all one character class, not a common password. */
export function passwordProblem(pw: string): string | undefined {
  if (pw.length < 10) return 'must be at least 10 characters';
  if (pw.length > 256) return 'must be at most 256 characters';
  if (/^\d+$/.test(pw) || /^[a-zA-Z]+$/.test(pw)) return 'must mix letters with digits or symbols';
  if (isCommonPassword(pw)) return 'is one of the most common passwords; choose another';
  return undefined;
}
