/**
 * Renders the standard fixture in a fresh process and prints its SHA-256, so a test can prove
 * that determinism does not depend on warm caches (fonts, compiled templates) of one process.
 */
import { renderCertificatePdf, sha256Hex } from '../render-certificate';
import { sampleInput } from './fixtures';

const pdf = await renderCertificatePdf(sampleInput());
process.stdout.write(sha256Hex(pdf));
