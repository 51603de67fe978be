/** The trainer's form for a description: the common fields say it all (no answer, no mark). */
import type { EditFields } from '../../src/learning/question-edit-fields';
import type { DescriptionData } from './description-type';

export const descriptionEditForm = {
  fromFields(_fields: EditFields): unknown {
    return {};
  },
  toFields(_data: DescriptionData): Record<string, string | string[]> {
    return {};
  },
};
