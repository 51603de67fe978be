/**
 * The Moodle XML importer and exporter as registry items. Exported by name so the `bina questions parse`
 * command can find them without booting a kernel (docs/plugins.md, "Importers").
 */
import type { QuestionExporter, QuestionImporter } from '../../src/learning/interchange/importer';
import { parseMoodleXml } from './parse-moodlexml';
import { exportMoodleXmlWithProblems } from './export-moodlexml';

export const importer: QuestionImporter = { id: 'moodlexml', label: 'Moodle XML', extensions: ["xml"], parse: parseMoodleXml };

export const exporter: QuestionExporter = {
  id: 'moodlexml', label: 'Moodle XML', extension: 'xml', contentType: 'application/xml; charset=utf-8',
  export: (items) => exportMoodleXmlWithProblems(items),
};
