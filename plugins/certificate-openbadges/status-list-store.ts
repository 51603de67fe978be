/**
 * The published revocation lists (W3C Bitstring Status List), one signed
 * `BitstringStatusListCredential` per list at `/verify/status/<n>`.
 *
 * Invariants:
 * - The database is the truth: a bit is set exactly for the certificates of the list whose state
 *   is `revoked` or `superseded`. A revocation is visible at once to Bina's own checks (which read
 *   the database); the signed list follows within the time one publish job takes.
 * - Publishing is idempotent and order-proof: a change first writes the certificate's state, then
 *   bumps `dirty`; a publish reads `dirty`, then the states, signs, and stores only if it is newer
 *   than what is stored. So a publish that read `dirty = D` covers every change up to D, and a
 *   slower, older publish can never overwrite a newer list.
 * - Signing happens only in the publish job (a worker), never in a request.
 */
import type { Model } from 'mongoose';
import type { DocumentLoader } from './document-loader';
import type { SigningKeyPair } from './signing-keys';
import { buildSignedStatusListCredential, createStatusList, MIN_STATUS_LIST_LENGTH, setStatusBit } from './status-list';
import type { CertificateDoc, StatusListDoc } from './certificate-models';

export const CURRENT_LIST = 1;

export class StatusListStore {
  constructor(
    private List: Model<StatusListDoc>,
    private Cert: Model<CertificateDoc>,
    private publicUrl: string,
  ) {}

  listUrl(n: number): string {
    return `${this.publicUrl}/verify/status/${n}`;
  }

  /** `n` for one of our list URLs, else undefined. */
  listNumber(url: string): number | undefined {
    const prefix = `${this.publicUrl}/verify/status/`;
    if (!url.startsWith(prefix)) return undefined;
    const rest = url.slice(prefix.length);
    return /^[1-9]\d{0,5}$/.test(rest) ? Number(rest) : undefined;
  }

  /** Creates list `n` if missing; returns the version to publish when the last one is not published. */
  async ensure(n = CURRENT_LIST): Promise<number | undefined> {
    await this.List.updateOne({ _id: n }, { $setOnInsert: { length: MIN_STATUS_LIST_LENGTH, dirty: 1, published: 0 } }, { upsert: true }).catch((e: { code?: number }) => {
      if (e.code !== 11000) throw e;
    });
    const doc = await this.List.findById(n).lean();
    return doc && doc.published < doc.dirty ? doc.dirty : undefined;
  }

  async length(n = CURRENT_LIST): Promise<number> {
    return (await this.List.findById(n).lean())?.length ?? MIN_STATUS_LIST_LENGTH;
  }

  /** Records that list `n` must be republished; returns the new version to wait for. */
  async markDirty(n: number): Promise<number> {
    const doc = await this.List.findOneAndUpdate({ _id: n }, { $inc: { dirty: 1 } }, { new: true }).lean();
    return doc?.dirty ?? 0;
  }

  /** Authoritative bit from the database (what Bina's own checks use). */
  async isSet(n: number, index: number): Promise<boolean> {
    return Boolean(await this.Cert.exists({ statusList: n, statusIndex: index, state: { $in: ['revoked', 'superseded'] } }));
  }

  /**
   * The publish job: build the bits from the states, sign, store if newer. Loops until what is
   * stored covers the latest change: on FerretDB an older, slower publish can slip past the
   * `published < version` precondition and store a stale list, which the next round repairs.
   */
  async publish(n: number, keyPair: SigningKeyPair, loader: DocumentLoader, now: () => Date): Promise<'published' | 'up-to-date'> {
    let outcome: 'published' | 'up-to-date' = 'up-to-date';
    for (let round = 0; round < 5; round++) {
      const doc = await this.List.findById(n).lean();
      if (!doc) return outcome;
      const version = doc.dirty;
      if (doc.published >= version) return outcome;
      const list = createStatusList(doc.length);
      const rows = await this.Cert.find({ statusList: n, state: { $in: ['revoked', 'superseded'] } }, { statusIndex: 1 }).lean();
      for (const r of rows) setStatusBit(list, r.statusIndex, true);
      const signed = await buildSignedStatusListCredential({ id: this.listUrl(n), list, keyPair, loader, now: now() });
      await this.List.updateOne(
        { _id: n, published: { $lt: version } },
        { $set: { published: version, credentialJson: JSON.stringify(signed), publishedAt: now() } },
      );
      outcome = 'published';
    }
    return outcome;
  }

  /** The signed list as last published (undefined before the first publish). */
  async signedCredential(n: number): Promise<unknown | undefined> {
    const doc = await this.List.findById(n).lean();
    return doc?.credentialJson ? JSON.parse(doc.credentialJson) : undefined;
  }

  /** Waits (bounded) until list `n` is published at `version` or later. */
  async waitPublished(n: number, version: number, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const doc = await this.List.findById(n).lean();
      if (doc && doc.published >= version) return true;
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
