/**
 * Reads the signed credential back out of a certificate PDF (the `credential.json` attachment
 * written by render-certificate.ts), e.g. when someone uploads a PDF to the verify page.
 *
 * Invariants:
 * - Never throws anything but `CertificatePdfError` (code BINA_ERR_CERT_PDF_UNREADABLE), whatever
 *   bytes it is given; a readable PDF without the attachment gives null.
 * - Bounded work on hostile input: a size cap on the PDF, on the name-tree walk, and on the
 *   inflated attachment (a small Flate stream can expand to gigabytes).
 * - Returns the attachment's exact UTF-8 text, so a verifier checks the very bytes that were
 *   signed and attached.
 *
 * Async because pdf-lib's parser is; the walk itself is the low-level one: catalog → Names →
 * EmbeddedFiles name tree → file specification → EF → F stream, with the catalog's /AF array as
 * a fallback for attachments hidden from the name tree.
 */
import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
  ParseSpeeds,
  decodePDFRawStream,
  type PDFObject,
} from 'pdf-lib';
import { BinaError } from '../../src/kernel/errors';
import { CREDENTIAL_ATTACHMENT_NAME } from './render-certificate';

export const CERT_PDF_UNREADABLE = 'BINA_ERR_CERT_PDF_UNREADABLE';

/** Local coded error; extends the kernel's BinaError so the HTTP layer maps it like any other. */
export class CertificatePdfError extends BinaError {
  constructor(message: string, cause?: unknown) {
    super(CERT_PDF_UNREADABLE, 422, 'certificate-pdf:errors.pdfUnreadable', message, cause === undefined ? {} : { cause });
    this.name = 'CertificatePdfError';
  }
}

/** Certificates are ~100 KB; anything far larger is not one of ours. */
export const MAX_PDF_BYTES = 20 * 1024 * 1024;
/** Signed credentials are a few KB; generous, yet stops decompression bombs. */
export const MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024;
const MAX_TREE_NODES = 2000;
const MAX_TREE_DEPTH = 16;

const N = (s: string) => PDFName.of(s);

// pdf-lib's lookupMaybe throws on a type mismatch; hostile PDFs put anything anywhere, so check.
// (`{ prototype: T }` because pdf-lib's object classes have private constructors.)
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function lookup<T>(dict: PDFDict, key: string, type: Function & { prototype: T }): T | undefined {
  const v: unknown = dict.lookup(N(key));
  return v instanceof type ? (v as T) : undefined;
}

function text(o: PDFObject | undefined): string | undefined {
  if (o instanceof PDFString || o instanceof PDFHexString) return o.decodeText();
  return undefined;
}

/** Collects [name, filespec] pairs from a name tree, depth- and size-bounded. */
function walkNameTree(node: PDFDict, out: Array<[string | undefined, PDFDict]>, depth: number, budget: { n: number }): void {
  if (depth > MAX_TREE_DEPTH || --budget.n < 0) return;
  const names = lookup(node, 'Names', PDFArray);
  if (names) {
    for (let i = 0; i + 1 < names.size() && budget.n-- > 0; i += 2) {
      const spec = names.lookup(i + 1);
      if (spec instanceof PDFDict) out.push([text(names.lookup(i)), spec]);
    }
  }
  const kids = lookup(node, 'Kids', PDFArray);
  if (kids) {
    for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) walkNameTree(kid, out, depth + 1, budget);
    }
  }
}

function filespecName(spec: PDFDict): string | undefined {
  return text(spec.lookup(N('UF'))) ?? text(spec.lookup(N('F')));
}

function streamBytes(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.lookup(N('Filter'));
  const filters: string[] = [];
  if (filter instanceof PDFName) filters.push(filter.asString());
  else if (filter instanceof PDFArray) {
    for (let i = 0; i < filter.size(); i++) {
      const f = filter.lookup(i);
      if (f instanceof PDFName) filters.push(f.asString());
    }
  }
  if (filters.length === 0) return stream.contents;
  if (filters.length === 1 && (filters[0] === '/FlateDecode' || filters[0] === '/Fl') && !stream.dict.has(N('DecodeParms'))) {
    // node:zlib rather than pdf-lib here only for maxOutputLength, the decompression-bomb guard.
    return inflateSync(stream.contents, { maxOutputLength: MAX_CREDENTIAL_BYTES });
  }
  // Other filter chains (predictors, ASCII85, LZW…) are rare for attachments; pdf-lib decodes
  // them, and we check the size afterwards.
  const decoded = decodePDFRawStream(stream).decode();
  if (decoded.length > MAX_CREDENTIAL_BYTES) throw new CertificatePdfError('embedded credential too large');
  return decoded;
}

/**
 * The text of the embedded `credential.json`, or null when the PDF has none.
 * Throws CertificatePdfError for anything that is not a readable PDF.
 */
export async function extractEmbeddedCredential(pdf: Uint8Array): Promise<string | null> {
  if (!(pdf instanceof Uint8Array)) throw new CertificatePdfError('not a PDF: expected bytes');
  if (pdf.length > MAX_PDF_BYTES) throw new CertificatePdfError('PDF too large');
  // Cheap sniff before the parser: the header must appear within the first KB (PDF spec allows
  // leading junk there), which turns most garbage away without parsing it.
  const head = Buffer.from(pdf.buffer, pdf.byteOffset, Math.min(pdf.length, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw new CertificatePdfError('not a PDF: no %PDF header');

  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, {
      ignoreEncryption: true,
      updateMetadata: false,
      // Fail on malformed objects instead of pdf-lib's console-logging recovery: our PDFs are
      // well-formed, so a damaged one is unreadable, not something to guess at.
      throwOnInvalidObject: true,
      parseSpeed: ParseSpeeds.Fastest,
    });
  } catch (e) {
    throw new CertificatePdfError('unreadable PDF', e);
  }
  if (doc.isEncrypted) throw new CertificatePdfError('encrypted PDF');

  try {
    const specs: Array<[string | undefined, PDFDict]> = [];
    const catalog = doc.catalog;
    const names = lookup(catalog, 'Names', PDFDict);
    const embedded = names ? lookup(names, 'EmbeddedFiles', PDFDict) : undefined;
    if (embedded) walkNameTree(embedded, specs, 0, { n: MAX_TREE_NODES });
    const af = lookup(catalog, 'AF', PDFArray);
    if (af) {
      for (let i = 0; i < Math.min(af.size(), MAX_TREE_NODES); i++) {
        const spec = af.lookup(i);
        if (spec instanceof PDFDict) specs.push([undefined, spec]);
      }
    }
    const match = specs.find(([key, spec]) => (key ?? filespecName(spec)) === CREDENTIAL_ATTACHMENT_NAME);
    if (!match) return null;
    const ef = lookup(match[1], 'EF', PDFDict);
    const stream = ef ? (ef.lookup(N('F')) ?? ef.lookup(N('UF'))) : undefined;
    if (!(stream instanceof PDFRawStream)) throw new CertificatePdfError('credential attachment has no file stream');
    const bytes = streamBytes(stream);
    if (bytes.length > MAX_CREDENTIAL_BYTES) throw new CertificatePdfError('embedded credential too large');
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    if (e instanceof CertificatePdfError) throw e;
    throw new CertificatePdfError('unreadable credential attachment', e);
  }
}
