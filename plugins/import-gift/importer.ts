/**
 * The GIFT (Moodle) importer and exporter as registry items. Exported by name so the `bina questions parse`
 * command can find them without booting a kernel (docs/plugins.md, "Importers").
 */
import type { QuestionExporter, QuestionImporter } from '../../src/learning/interchange/importer';
import { parseGift } from './parse-gift';
import { exportGiftWithProblems } from './export-gift';

export const importer: QuestionImporter = { id: 'gift', label: 'GIFT (Moodle)', extensions: ["gift", "txt"], parse: parseGift };

export const exporter: QuestionExporter = {
  id: 'gift', label: 'GIFT (Moodle)', extension: 'gift', contentType: 'text/plain; charset=utf-8',
  export: (items) => exportGiftWithProblems(items),
};
