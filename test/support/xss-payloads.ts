/**
 * Stored-XSS payloads and the poisoning of a seeded database (issue 16, ADR 0063).
 *
 * A payload carries a number that names where it was put (a field of a row, or a form's field), so
 * a finding says which field a page forgot to escape. It tries each way text can turn into markup:
 * a marker element (`<b data-xss>`), an image with a handler, an SVG with one, and a quote that
 * closes an attribute (`"><svg onload>`). A page passes when no `[data-xss]` element, no element
 * with a payload's handler and no `window.__xss` exists, and the browser reports no refused inline
 * script (Bina's CSP would stop a handler from running, so the markup itself is what is judged).
 *
 * `poisonDatabase` appends a payload to every human-written text of every collection after the demo
 * seed: any string that holds a space and a letter (names, titles, Markdown, feedback, comments,
 * places…) or sits under a key that names text (`name`, `title`, `fileName`…), except secrets,
 * codes, identifiers and signed credentials (a changed credential would only be reported as forged).
 * New plugins' fields are poisoned without a change here: the rule reads the data, not a list.
 */
import mongoose from 'mongoose';

/** The tag every payload starts with, so a page's text shows whose it is. */
export const XSS_TAG = 'XSS';

/** A payload numbered `n`: text a page must show as text, never as markup. */
export function xssPayload(n: number): string {
  return `${XSS_TAG}${n}"'><b data-xss="${n}">b${n}</b><img src=x onerror="window.__xss='${n}'"><svg onload="window.__xss='${n}'"></svg>`;
}

/**
 * The same in about 50 characters, for stored texts: appended to a row, it must keep the row within
 * the lengths its schema allows (an agency's place is at most 100 characters), or the row is refused
 * where it is read and the pages that show it are never reached.
 */
export function shortXssPayload(n: number): string {
  return `${XSS_TAG}${n}"'><b data-xss=${n}></b><img src=x onerror=__xss=${n}>`;
}

/** The payload's number from any text that holds one (a field's value, an element's attribute). */
export function payloadNumber(text: string): number | undefined {
  const m = new RegExp(`${XSS_TAG}(\\d+)`).exec(text) ?? /__xss=\W?(\d+)/.exec(text) ?? /data-xss="?(\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Keys whose strings are never text a person wrote (secrets, codes, machine values). */
const MACHINE_KEY = /(^_id$|Id$|Ids$|^id$|hash|secret|token|password|salt|^key$|Key$|^code$|Code$|^nip$|email|username|locale|timeZone|zone|^type$|Type$|^kind$|^state$|^status$|^role|roles$|format|mime|contentType|slug|cron|pattern|url$|Url$|href|^path$|Path$|storage|sha|signature|proof|jws|^seq$|^action$|^subject$|^owner$|capabilit|^plugin|^icon$|^color|^font|^align|^size$|^value$|^response$|^answer$|^correct|^html$|^svg$|^data$|json$|^alg|^region$)/i;

/** Keys of text fields that may hold one word (a file name, a place) and still are text people typed. */
const TEXT_KEY = /^(name|title|fileName|filename|originalName|place|label|comment|note|notes|reason|feedback|description|text|stem|caption|signatoryName|agencyName|unitName|positionName)$/i;

/** Subtrees left alone: signed credentials (their signature covers them) and stored renderings. */
const SKIP_SUBTREE = /^(credential|signedCredential|proof|vc|jwt|pdf|chain|layout|seeds?|responses?|answers?|html|encrypted|kdf|cipher)$/i;

/** Collections left alone: sessions and queues live in Redis; these hold machine state only. */
const SKIP_COLLECTION = /(^system\.|_migrations$|^core_demo$|_counters?$|_locks?$|_jobs?$|_chain$|_head$)/;

export interface PoisonReport {
  /** Payload number -> `<collection> <row id> <path>`. */
  where: Map<number, string>;
  /** Fields changed per collection. */
  perCollection: Record<string, number>;
}

const isText = (key: string, v: string) => /\p{L}/u.test(v) && (/\s/.test(v.trim()) || TEXT_KEY.test(key)) && !/^[a-f0-9]{24}$/i.test(v) && !/^https?:\/\//.test(v);

/**
 * Appends a numbered payload to every human text of every collection of the database at `uri`.
 * Numbers start at `first`, so form payloads (numbered by the walk) never clash with these.
 */
export async function poisonDatabase(uri: string, first = 1000): Promise<PoisonReport> {
  const conn = await mongoose.createConnection(uri).asPromise();
  const where = new Map<number, string>();
  const perCollection: Record<string, number> = {};
  let n = first;
  try {
    const collections = (await conn.db!.listCollections().toArray()).map((c) => c.name).filter((c) => !SKIP_COLLECTION.test(c)).sort();
    for (const name of collections) {
      const coll = conn.db!.collection(name);
      for (const doc of await coll.find({}).toArray()) {
        const $set: Record<string, unknown> = {};
        const visit = (value: unknown, path: string[], key: string) => {
          if (typeof value === 'string') {
            if (!MACHINE_KEY.test(key) && isText(key, value)) {
              const p = n++;
              where.set(p, `${name} ${String(doc._id)} ${path.join('.')}`);
              $set[path.join('.')] = `${value} ${shortXssPayload(p)}`;
            }
            return;
          }
          if (Array.isArray(value)) {
            // Whole arrays are rewritten (no positional updates on FerretDB 1.x): strings inside
            // are poisoned in a copy set at the array's path.
            const copy = value.map((item, i) => {
              if (typeof item === 'string') {
                if (MACHINE_KEY.test(key) || !isText(key, item)) return item;
                const p = n++;
                where.set(p, `${name} ${String(doc._id)} ${[...path, String(i)].join('.')}`);
                return `${item} ${shortXssPayload(p)}`;
              }
              if (item && typeof item === 'object' && !(item instanceof Date) && !(item instanceof mongoose.mongo.ObjectId) && !Buffer.isBuffer(item)) return poisonObject(item as Record<string, unknown>, [...path, String(i)]);
              return item;
            });
            if (JSON.stringify(copy) !== JSON.stringify(value)) $set[path.join('.')] = copy;
            return;
          }
          if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof mongoose.mongo.ObjectId) && !Buffer.isBuffer(value) && !(value instanceof mongoose.mongo.Binary)) {
            for (const [k, v] of Object.entries(value)) if (!SKIP_SUBTREE.test(k)) visit(v, [...path, k], k);
          }
        };
        const poisonObject = (obj: Record<string, unknown>, path: string[]): Record<string, unknown> => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(obj)) {
            if (typeof v === 'string' && !MACHINE_KEY.test(k) && !SKIP_SUBTREE.test(k) && isText(k, v)) {
              const p = n++;
              where.set(p, `${name} ${String(doc._id)} ${[...path, k].join('.')}`);
              out[k] = `${v} ${shortXssPayload(p)}`;
            } else if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof mongoose.mongo.ObjectId) && !SKIP_SUBTREE.test(k)) out[k] = poisonObject(v as Record<string, unknown>, [...path, k]);
            else out[k] = v;
          }
          return out;
        };
        for (const [k, v] of Object.entries(doc)) if (k !== '_id' && !SKIP_SUBTREE.test(k)) visit(v, [k], k);
        // A stored rendering (a lesson's HTML) is made again from the poisoned source at start.
        if ('renderVersion' in doc) $set.renderVersion = 0;
        if (Object.keys($set).length) {
          await coll.updateOne({ _id: doc._id }, { $set });
          perCollection[name] = (perCollection[name] ?? 0) + Object.keys($set).length;
        }
      }
    }
  } finally {
    await conn.close();
  }
  return { where, perCollection };
}
