/**
 * The Aiken importer as registry items. Exported by name so the `bina questions parse`
 * command can find them without booting a kernel (docs/plugins.md, "Importers").
 */
import type { QuestionExporter, QuestionImporter } from '../../src/learning/interchange/importer';
import { parseAiken } from './parse-aiken';

export const importer: QuestionImporter = { id: 'aiken', label: 'Aiken', extensions: ["txt"], parse: parseAiken };

export const exporter: QuestionExporter | undefined = undefined;
