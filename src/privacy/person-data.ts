/**
 * Everything Bina holds about one person, for a data-subject request under UU 27/2022 (ADR 0036):
 * `export` gathers it (the person's account, the core's rows, every plugin's declared stores and
 * the audit rows about them); `erase` removes it store by store as each declares (delete,
 * anonymise, or keep with fields redacted), anonymises the account, ends its sessions and redacts
 * the audit rows about the person without breaking the hash chain.
 *
 * The stores come from data: the core lists its own below, plugins declare theirs in
 * `plugin.json` (`privacy.stores`, docs/plugins.md). Nothing here knows a plugin's code. Erasing
 * is idempotent: running it again (after a crash, or twice) finds nothing left to change.
 */
import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { PERSON_ERASED, type AuditDoc, type AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { PersonStore } from '../kernel/plugins/manifest';
import type { IdentityModels, UserDoc } from '../identity/identity-models';
import type { SessionIndex } from '../identity/session-index';

/** What an erased person's name becomes wherever it stays (certificates on request, the account). */
export const ERASED_NAME = '(dihapus)';

/** A store with who declared it and why it is kept (the plugin's `personalData` purposes). */
export interface DeclaredStore extends PersonStore {
  owner: string;
  purposes: string[];
  /** Fields never exported (secrets such as hashes of recovery codes). */
  omit?: string[];
}

/** The core's own stores (the account itself is handled apart: it is anonymised, never deleted). */
export const CORE_STORES: DeclaredStore[] = [
  { owner: 'core', model: 'identity_api_tokens', person: 'userId', erase: 'delete', redact: [], purposes: ['Personal API tokens (name, hint, dates)'], omit: ['hash'] },
  { owner: 'core', model: 'identity_api_token_use', person: 'userId', erase: 'delete', redact: [], purposes: ['When each personal API token was last used'] },
  { owner: 'core', model: 'core_totp', person: '_id', erase: 'delete', redact: [], purposes: ['Second factor: when it was turned on (the secret and recovery codes are never exported)'], omit: ['secret', 'recovery', 'lastStep'] },
  { owner: 'core', model: 'learning_enrolments', person: 'userId', erase: 'delete', redact: [], purposes: ['Courses the person is enrolled in'] },
  { owner: 'core', model: 'learning_progress', person: 'userId', erase: 'delete', redact: [], purposes: ['Progress through course activities'] },
  { owner: 'core', model: 'learning_imports', person: 'userId', erase: 'anonymise', redact: [], purposes: ['Question imports the person started (the questions stay with the course)'] },
  { owner: 'core', model: 'learning_jp_ledger', person: 'userId', erase: 'delete', redact: [], purposes: ['Learning hours (JP) credited'] },
  { owner: 'core', model: 'competency_evidence', person: 'userId', erase: 'delete', redact: [], purposes: ['Competency evidence: ratings, certificates, exams and self-assessments with their levels (ADR 0045)'] },
  { owner: 'core', model: 'competency_plans', person: 'userId', erase: 'delete', redact: [], purposes: ['Yearly competency development plans and their approval'] },
  { owner: 'core', model: 'learning_jp_claims', person: 'userId', erase: 'delete', redact: [], purposes: ['JP claims for training done outside Bina, with the evidence file\'s name and storage key'] },
  { owner: 'core', model: 'learning_jp_claims', person: 'decidedBy', erase: 'anonymise', redact: [], purposes: ['JP claims the person decided as a supervisor or admin (the decision stays, under a stand-in id)'] },
];

/** The collection of a store: core stores name it; a plugin's is `<plugin-id>_<model>`. */
export const storeCollection = (s: Pick<DeclaredStore, 'owner' | 'model'>) => (s.owner === 'core' ? s.model : `${s.owner}_${s.model}`);

/** Fields of the account never exported. */
const ACCOUNT_OMIT = ['passwordHash'];

export interface PersonExport {
  format: 'bina-personal-data/1';
  generatedAt: string;
  person: Record<string, unknown>;
  sections: Array<{ owner: string; collection: string; person: string; purposes: string[]; erase: DeclaredStore['erase']; rows: Record<string, unknown>[] }>;
  audit: Array<Pick<AuditDoc, 'seq' | 'at' | 'owner' | 'action' | 'actorId' | 'subject' | 'before' | 'after' | 'args'>>;
}

export interface EraseOptions {
  /** Certificates keep the name unless this is set: then it becomes "(dihapus)". */
  removeName: boolean;
  actorId: string;
  /** The lawful request's reference (letter number), kept in the audit row. */
  reference: string;
}

export interface EraseReport {
  stores: Array<{ owner: string; collection: string; person: string; erase: DeclaredStore['erase']; rows: number }>;
  sessionsEnded: number;
  auditRedacted: number;
}

const personFilter = (field: string, userId: string) => ({ [field]: { $in: [new Types.ObjectId(userId), userId] } });

function without(row: object, omit: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const f of omit) delete out[f];
  return out;
}

export class PersonData {
  constructor(
    private conn: Connection,
    private identity: IdentityModels,
    private audit: AuditLog,
    private sessions: SessionIndex,
    private clock: Clock,
    /** Every store, core and plugins (read when asked, so plugins registered later count). */
    private stores: () => DeclaredStore[],
  ) {}

  private collection(s: DeclaredStore) {
    return this.conn.collection(storeCollection(s));
  }

  async account(userId: string): Promise<UserDoc | null> {
    return Types.ObjectId.isValid(userId) ? this.identity.User.findById(userId).lean() : null;
  }

  /** Strings that name the person in free text (audit rows' before/after/args). */
  private identifiers(u: UserDoc): string[] {
    return [String(u._id), u.nip, u.email, u.username, u.name !== ERASED_NAME ? u.name : undefined].filter((x): x is string => typeof x === 'string' && x.length >= 4);
  }

  /** Audit rows about the person: they are the subject, or their id, NIP, e-mail, username or name appears in the values. */
  async auditRows(u: UserDoc, limit = 5000): Promise<AuditDoc[]> {
    const ids = this.identifiers(u);
    const mentions = (r: AuditDoc) => {
      if (r.redaction || r.action === PERSON_ERASED) return false;
      const text = JSON.stringify([r.before ?? null, r.after ?? null, r.args ?? null]);
      return ids.some((x) => text.includes(JSON.stringify(x).slice(1, -1)));
    };
    const out: AuditDoc[] = [];
    // A full pass: rows name people inside free-form values no index covers (a rare, admin-only request).
    for await (const r of this.audit.model.find({}).sort({ seq: 1 }).lean().cursor()) {
      const row = r as AuditDoc;
      // Erasure rows vouch for the redactions (and hold no personal value): never redacted themselves.
      if (row.redaction || row.action === PERSON_ERASED) continue;
      if ((row.subject.type === 'user' && row.subject.id === String(u._id)) || mentions(row)) out.push(row);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Rows per store, for the person's page (how much each part of Bina holds). */
  async counts(userId: string): Promise<Array<{ owner: string; collection: string; person: string; rows: number }>> {
    return Promise.all(this.stores().map(async (s) => ({ owner: s.owner, collection: storeCollection(s), person: s.person, rows: await this.collection(s).countDocuments(personFilter(s.person, userId)) })));
  }

  async export(userId: string): Promise<PersonExport | null> {
    const u = await this.account(userId);
    if (!u) return null;
    const unit = u.unitId ? await this.identity.Unit.findById(u.unitId, { name: 1, code: 1 }).lean() : null;
    const sections: PersonExport['sections'] = [];
    for (const s of this.stores()) {
      const rows = await this.collection(s).find(personFilter(s.person, userId)).limit(10_000).toArray();
      sections.push({ owner: s.owner, collection: storeCollection(s), person: s.person, purposes: s.purposes, erase: s.erase, rows: rows.map((r) => without(r as Record<string, unknown>, s.omit)) });
    }
    const audit = (await this.auditRows(u)).map((r) => ({ seq: r.seq, at: r.at, owner: r.owner, action: r.action, actorId: r.actorId, subject: r.subject, before: r.before, after: r.after, args: r.args }));
    return {
      format: 'bina-personal-data/1',
      generatedAt: this.clock.now().toISOString(),
      person: { ...without(u, ACCOUNT_OMIT), unit: unit ? { id: String(unit._id), code: unit.code, name: unit.name } : null },
      sections,
      audit,
    };
  }

  /**
   * Erases the person as every store declares, then the account (anonymised: the id stays, so
   * certificates, others' supervisors and audit rows still point somewhere), their sessions, and
   * the personal fields of the audit rows about them (chain kept, ADR 0036).
   */
  async erase(userId: string, opts: EraseOptions): Promise<EraseReport | null> {
    const u = await this.account(userId);
    if (!u) return null;
    const auditTargets = await this.auditRows(u, Number.MAX_SAFE_INTEGER);
    const report: EraseReport = { stores: [], sessionsEnded: 0, auditRedacted: 0 };
    // One fresh id stands in for the person in anonymised rows: counts per attempt stay right, and nothing leads back.
    const standIn = new Types.ObjectId();
    for (const s of this.stores()) {
      const filter = personFilter(s.person, userId);
      let rows = 0;
      if (s.erase === 'delete') rows = (await this.collection(s).deleteMany(filter)).deletedCount;
      else {
        const set: Record<string, unknown> = {};
        const unset: Record<string, ''> = {};
        for (const r of s.redact) {
          if (r.onlyWhen === 'removeName' && !opts.removeName) continue;
          if (r.value === null) unset[r.field] = '';
          else set[r.field] = r.value;
        }
        if (s.erase === 'anonymise') set[s.person] = standIn;
        const update = { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) };
        // A kept row with nothing to change (a certificate whose NIP is already gone) is still the person's; count it.
        if (Object.keys(update).length) rows = (await this.collection(s).updateMany(filter, update)).matchedCount;
        else rows = await this.collection(s).countDocuments(filter);
      }
      report.stores.push({ owner: s.owner, collection: storeCollection(s), person: s.person, erase: s.erase, rows });
    }
    await this.identity.User.updateOne(
      { _id: u._id },
      {
        $set: { name: ERASED_NAME, username: `dihapus-${String(u._id)}`, active: false, roles: [], passwordHash: `erased:${randomBytes(24).toString('hex')}`, erasedAt: this.clock.now(), deactivatedAt: u.deactivatedAt ?? this.clock.now() },
        $unset: { nip: '', email: '', phone: '', frontTitle: '', backTitle: '', golongan: '', positionName: '', positionType: '', functionalLevel: '', supervisorId: '', unitId: '', unitHeadOf: '', mustChangePassword: '' },
      },
      { strict: false },
    );
    report.sessionsEnded = await this.sessions.endAll(userId);
    const redaction = await this.audit.redact(auditTargets.map((r) => r.seq), {
      owner: 'core',
      actorId: opts.actorId,
      subject: { type: 'user', id: userId },
      args: { reference: opts.reference, removeName: opts.removeName, stores: report.stores.map((s) => ({ collection: s.collection, person: s.person, erase: s.erase, rows: s.rows })) },
    });
    report.auditRedacted = redaction.redacted;
    if (!redaction.bySeq) {
      // Nothing to redact (a second run, or a person no row names): the erasure is still on record.
      await this.audit.record('core', { action: PERSON_ERASED, actorId: opts.actorId, subject: { type: 'user', id: userId }, args: { reference: opts.reference, removeName: opts.removeName, rows: [], stores: report.stores.map((s) => ({ collection: s.collection, person: s.person, erase: s.erase, rows: s.rows })) } });
    }
    return report;
  }
}
