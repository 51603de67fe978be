/** The public satisfaction survey (SKM): wiring only. */
import { definePlugin } from '../../src/host/plugins/define-plugin';

export default definePlugin({
  register() {},
});
