/**
 * What an agency prints on its certificates and an admin sets on the settings page: the issuing
 * agency's name, the place of issue, the register-number pattern and the signatory (name, NIP,
 * position). One document; plugin settings (`issuerName`, `place`) are the defaults until an admin
 * saves it.
 *
 * A fresh install has no signatory, so its certificates print none (nobody is invented). The demo
 * seed saves one marked `demo`, and the settings page says so until an admin saves real values.
 */
import { Schema, type Model } from 'mongoose';

export interface Signatory {
  name: string;
  nip?: string;
  position?: string;
}

export interface AgencySettings {
  issuerName: string;
  place: string;
  /** e.g. `800/{seq}/BKPSDM/{yyyy}`; empty: no register number (the verification code is printed). */
  registerPattern: string;
  signatory?: Signatory;
  /** Seeded by the demo: shown as such until an admin saves the page. */
  demo: boolean;
}

export interface AgencySettingsDoc {
  _id: string;
  issuerName?: string;
  place?: string;
  registerPattern?: string;
  signatory?: Signatory;
  demo?: boolean;
  updatedAt: Date;
  updatedBy?: string;
}

export const agencySettingsSchema = new Schema<AgencySettingsDoc>(
  {
    _id: { type: String, required: true },
    issuerName: String,
    place: String,
    registerPattern: String,
    signatory: { type: { _id: false, name: String, nip: String, position: String }, default: undefined },
    demo: Boolean,
    updatedAt: { type: Date, required: true },
    updatedBy: String,
  },
  { versionKey: false },
);

const ID = 'agency';

export class AgencySettingsStore {
  constructor(
    private readonly Settings: Model<AgencySettingsDoc>,
    private readonly defaults: { issuerName?: unknown; place?: unknown },
  ) {}

  async get(): Promise<AgencySettings> {
    const doc = await this.Settings.findById(ID).lean();
    const signatory = doc?.signatory?.name ? { name: doc.signatory.name, ...(doc.signatory.nip ? { nip: doc.signatory.nip } : {}), ...(doc.signatory.position ? { position: doc.signatory.position } : {}) } : undefined;
    return {
      issuerName: doc?.issuerName || String(this.defaults.issuerName ?? 'Bina'),
      place: doc?.place ?? String(this.defaults.place ?? ''),
      registerPattern: doc?.registerPattern ?? '',
      ...(signatory ? { signatory } : {}),
      demo: Boolean(doc?.demo),
    };
  }

  /** Replaces the settings (one admin page, rarely saved: the last save wins, and is audited). */
  async save(s: Omit<AgencySettings, 'demo'> & { demo?: boolean }, now: Date, actorId?: string): Promise<void> {
    await this.Settings.replaceOne(
      { _id: ID },
      { issuerName: s.issuerName, place: s.place, registerPattern: s.registerPattern, ...(s.signatory ? { signatory: s.signatory } : {}), demo: Boolean(s.demo), updatedAt: now, ...(actorId ? { updatedBy: actorId } : {}) },
      { upsert: true },
    );
  }
}
