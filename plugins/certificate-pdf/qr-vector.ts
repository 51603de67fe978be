/**
 * QR codes drawn as vector rectangles on a pdfkit page, straight from the `qrcode` module matrix.
 *
 * Why vector, not a PNG: no raster encode/decode or image XObject per certificate (several times
 * faster), sharp at any zoom or print resolution, and no zlib-compressed image stream whose bytes
 * could differ between zlib builds (the PDF must re-render byte-identically).
 *
 * Invariant: every dark module is covered exactly once, by one rectangle per horizontal run of
 * dark modules, and all rectangles are filled as ONE path — a single fill has no anti-aliasing
 * seams between neighbouring modules, and merged runs keep the content stream small.
 */
import QRCode from 'qrcode';

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface QrMatrix {
  /** Modules per side. */
  size: number;
  /** Row-major, 1 = dark. */
  data: Uint8Array;
}

/** The module matrix for `text` (byte mode as chosen by `qrcode`, deterministic mask choice). */
export function qrMatrix(text: string, errorCorrectionLevel: QrErrorCorrection = 'M'): QrMatrix {
  const qr = QRCode.create(text, { errorCorrectionLevel });
  return { size: qr.modules.size, data: qr.modules.data };
}

/** Runs of dark modules per row: [row, startCol, length]. Exposed for tests. */
export function darkRuns(m: QrMatrix): Array<[number, number, number]> {
  const runs: Array<[number, number, number]> = [];
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (m.data[r * m.size + c]) {
        const start = c;
        while (c < m.size && m.data[r * m.size + c]) c++;
        runs.push([r, start, c - start]);
      } else {
        c++;
      }
    }
  }
  return runs;
}

export interface DrawQrOptions {
  /** Top-left corner of the whole symbol including its quiet zone, in points. */
  x: number;
  y: number;
  /** Side of the whole symbol including its quiet zone, in points. */
  size: number;
  /** Quiet-zone width in modules; the QR spec asks for 4, scanners usually cope with 2. */
  quietZone?: number;
  color?: string;
  /** Fill the quiet zone white so the code scans on tinted paper; null leaves it transparent. */
  background?: string | null;
}

/** Draws `matrix` on the current page of `doc`. Leaves the graphics state as it found it. */
export function drawQrVector(doc: PDFKit.PDFDocument, matrix: QrMatrix, opts: DrawQrOptions): void {
  const quiet = opts.quietZone ?? 4;
  const unit = opts.size / (matrix.size + 2 * quiet);
  const ox = opts.x + quiet * unit;
  const oy = opts.y + quiet * unit;
  doc.save();
  const bg = opts.background === undefined ? '#FFFFFF' : opts.background;
  if (bg !== null) {
    // Colour before the path: colour operators inside a path object are invalid PDF.
    doc.fillColor(bg).rect(opts.x, opts.y, opts.size, opts.size).fill();
  }
  doc.fillColor(opts.color ?? '#000000');
  for (const [r, c, len] of darkRuns(matrix)) {
    doc.rect(ox + c * unit, oy + r * unit, len * unit, unit);
  }
  doc.fill();
  doc.restore();
}
