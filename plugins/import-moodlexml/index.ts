/** Registers the Moodle XML importer and exporter (parsing is pure: see parse-moodlexml.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { exporter, importer } from './importer';

export default definePlugin({
  register(ctx) {
    ctx.importers.register(importer);
    if (exporter) ctx.exporters.register(exporter);
  },
});
