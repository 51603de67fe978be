/** Registers the ordering question type (pure logic in ordering-type.ts). */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { formValues } from '../../src/learning/attempts/answer-log';
import { orderingType, type OrderingResponse } from './ordering-type';
import { orderingInterchange } from './interchange';
import { orderingEditForm } from './edit-form';

export default definePlugin({
  register(ctx) {
    ctx.questionTypes.register({
      ...orderingType,
      interchange: orderingInterchange,
      editForm: orderingEditForm,
      fromForm: (fields, prefix) => {
        const rows = Object.entries(formValues(fields, prefix).sub).map(([id, pos]) => ({ id, pos: Number(pos) })).filter((r) => Number.isFinite(r.pos));
        return rows.length ? { order: rows.sort((a, b) => a.pos - b.pos).map((r) => r.id) } : undefined;
      },
      // The partial shows, per item, the position saved for it (1-based).
      toFormView: (response: OrderingResponse | null) => ({ orderMap: Object.fromEntries((response?.order ?? []).map((id, i) => [id, i + 1])) }),
      classifyResponse: (response: OrderingResponse) => (response.order.length ? response.order.join('>') : null),
    });
  },
});
