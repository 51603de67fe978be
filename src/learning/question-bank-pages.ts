/**
 * The trainer's question-bank pages, server-rendered and usable without JavaScript: my banks; a
 * bank with its category tree and a filtered, paginated question list (preview, edit, versions,
 * move, copy, hide/show, delete); the authoring form of every question type (common fields plus
 * the type's `question-<type>/edit` partial, mapped by its `editForm`); the preview as a learner
 * and as a trainer, with a "try an answer" grader and the versions; and the import wizard
 * (paste or upload, preview table with line-numbered problems, confirm, progress, report).
 *
 * Every change goes through QuestionBank, QuestionImport and LearningService, the same services
 * as the JSON API, so a page can do nothing the API would refuse. A bank the user may not edit is
 * a 404, as in the API. The form fields are read with the helpers of question-edit-fields.ts,
 * which the types' `edit-form.ts` modules use too.
 *
 * Wiring only: each part is a module of bank-pages/.
 */
import type { KernelServices } from '../host/kernel-services';
import type { LearningService } from './learning-service';
import type { QuestionBank } from './question-bank';
import type { QuestionImport } from './interchange/question-import';
import { bankPagesKit } from './bank-pages/bank-pages-kit';
import { registerBankListPages } from './bank-pages/bank-list-pages';
import { registerBankPage } from './bank-pages/bank-page';
import { registerQuestionFormPages } from './bank-pages/question-form-pages';
import { registerQuestionPreviewPage } from './bank-pages/question-preview-page';
import { registerQuestionImportPages } from './bank-pages/question-import-pages';

export function registerQuestionBankPages(kernel: KernelServices, learning: LearningService, bank: QuestionBank, imports: QuestionImport): void {
  const kit = bankPagesKit(kernel, learning, bank, imports);
  registerBankListPages(kit);
  registerBankPage(kit);
  registerQuestionFormPages(kit);
  registerQuestionPreviewPage(kit);
  registerQuestionImportPages(kit);
}
