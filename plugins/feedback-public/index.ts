/** Public feedback answered (issue 15): wiring only. */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { feedbackSchema, type FeedbackDoc } from './feedback-items';
import { registerFeedbackDemo } from './demo';
import { registerPages } from './pages';
import { registerUnitPanel } from './unit-panel';

export default definePlugin({
  register(ctx) {
    const Item = ctx.models.define<FeedbackDoc>('items', feedbackSchema());
    registerPages(ctx, Item);
    registerFeedbackDemo(ctx, Item);
    registerUnitPanel(ctx, Item);
  },
});
