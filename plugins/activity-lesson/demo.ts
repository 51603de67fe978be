/** The demo lesson in the core's demo course (src/learning/demo.ts), and the lessons other demos ask for (`demo.lessons`). */
import type { PluginContext } from '../../src/host/plugins/context';
import { DEMO_SEED_HOOK, type DemoSeed } from '../../src/learning/demo';

const LESSON = `# Pelayanan Publik Prima

Pelayanan publik adalah kegiatan dalam rangka pemenuhan kebutuhan pelayanan sesuai peraturan
perundang-undangan bagi setiap warga negara dan penduduk (UU 25/2009).

## Nilai dasar BerAKHLAK
- **Berorientasi Pelayanan** — memahami dan memenuhi kebutuhan masyarakat.
- **Akuntabel** — jujur, bertanggung jawab, cermat, disiplin.
- **Kompeten** — terus belajar dan mengembangkan kapabilitas.
- **Harmonis**, **Loyal**, **Adaptif**, **Kolaboratif**.

## Standar pelayanan
Setiap unit pelayanan wajib menetapkan standar pelayanan: persyaratan, prosedur, waktu, biaya,
produk, sarana, kompetensi pelaksana, dan penanganan pengaduan. Kepuasan masyarakat diukur
sekurang-kurangnya sekali setahun melalui Survei Kepuasan Masyarakat (SKM).
`;

export function registerLessonDemo(ctx: PluginContext, createLesson: (i: { courseId: string; title: string; markdown: string }) => Promise<unknown>): void {
  ctx.hooks.filter<DemoSeed>(DEMO_SEED_HOOK, async (demo) => {
    await createLesson({ courseId: demo.courseId, title: 'Materi: Prinsip Pelayanan Publik', markdown: LESSON });
    for (const lesson of demo.lessons ?? []) await createLesson(lesson);
    return demo;
  }, 10);
}
