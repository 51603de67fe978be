/** The activity after this lesson in its course, for the lesson page's "next activity" button. */
import type { LearningService } from '../../src/learning/learning-service';
import type { ActivityType } from '../../src/learning/activity-type';
import type { RegistryView } from '../../src/host/plugins/context';

export async function nextActivity(learning: LearningService, types: RegistryView<ActivityType>, lessonType: string, lessonId: string, courseId: string): Promise<{ title: string; url: string } | undefined> {
  const all = await learning.activities(courseId);
  const here = all.findIndex((a) => a.type === lessonType && a.refId === lessonId);
  for (const a of here < 0 ? [] : all.slice(here + 1)) {
    const type = types.get(a.type);
    // An activity whose plugin is off has no page: skip to the one after it.
    if (type) return { title: a.title, url: type.pageUrl({ id: String(a._id), refId: a.refId }) };
  }
  return undefined;
}
