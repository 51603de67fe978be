/**
 * Importers and exporters of question files. A plugin `import-<format>` exports `importer` (and
 * optionally `exporter`) from its `importer.ts` and registers them; the CLI finds them by the same
 * convention without booting a kernel. They speak only the neutral schema.
 */
import type { ExportProblem, NeutralItem, ParseResult } from './neutral-question';

export interface QuestionImporter {
  /** Format id, e.g. `gift`; the plugin is `import-<id>`. */
  id: string;
  label: string;
  extensions: string[];
  parse(text: string): ParseResult;
}

export interface QuestionExporter {
  id: string;
  label: string;
  extension: string;
  contentType: string;
  /** Items that cannot be written faithfully are left out and reported. */
  export(items: readonly NeutralItem[]): { text: string; problems: ExportProblem[] };
}
