/**
 * The HMAC key of the public forms' stamps and device hashes: generated once, kept in the plugin's
 * collection (so every web process and a restart use the same one, and the backup takes it).
 */
import { randomBytes } from 'node:crypto';
import { Schema, type Model } from 'mongoose';

export interface SecretDoc {
  _id: string;
  key: string;
}

export function secretSchema(): Schema<SecretDoc> {
  return new Schema<SecretDoc>({ _id: { type: String, required: true }, key: { type: String, required: true } }, { versionKey: false });
}

export async function loadFormKey(Secret: Model<SecretDoc>): Promise<Buffer> {
  const fresh = randomBytes(32).toString('base64');
  try {
    await Secret.updateOne({ _id: 'form-key' }, { $setOnInsert: { key: fresh } }, { upsert: true });
  } catch (err) {
    // Two processes starting at once: the other one's insert won.
    if ((err as { code?: number }).code !== 11000) throw err;
  }
  const doc = await Secret.findById('form-key').lean();
  return Buffer.from(doc!.key, 'base64');
}
