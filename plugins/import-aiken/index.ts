/** Registers the Aiken importer (parsing is pure: see parse-aiken.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { exporter, importer } from './importer';

export default definePlugin({
  register(ctx) {
    ctx.importers.register(importer);
    if (exporter) ctx.exporters.register(exporter);
  },
});
