/**
 * The managerial and socio-cultural competencies of PermenPANRB 38/2017 (Standar Kompetensi
 * Jabatan ASN), with a short description and the behavioural indicator of each level 1–5, in
 * Indonesian as the regulation writes them (abridged to one sentence per level). Seeded once;
 * admins may edit the text afterwards (seeding never overwrites an edit). Teknis competencies are
 * the agency's own and are not seeded.
 */
import type { CompetencyLevelText } from '../learning-models';

export interface SeedCompetency {
  code: string;
  name: string;
  group: 'manajerial' | 'sosial_kultural';
  description: string;
  levels: CompetencyLevelText[];
}

const levels = (...texts: [string, string, string, string, string]): CompetencyLevelText[] => texts.map((indicator, i) => ({ level: i + 1, indicator }));

export const PERMENPANRB_38_2017: SeedCompetency[] = [
  {
    code: 'MNJ-INT', name: 'Integritas', group: 'manajerial',
    description: 'Konsisten berperilaku selaras dengan nilai, norma dan/atau etika organisasi, dan jujur dalam hubungan dengan manajemen, rekan kerja, bawahan langsung, dan pemangku kepentingan; menciptakan budaya etika tinggi; bertanggung jawab atas tindakan atau keputusan beserta risiko yang menyertainya.',
    levels: levels(
      'Mampu bertindak sesuai nilai, norma, dan etika organisasi dalam kapasitas pribadi.',
      'Mampu mengingatkan dan mengajak rekan kerja untuk bertindak sesuai nilai, norma, dan etika organisasi.',
      'Mampu memastikan dan menanamkan keyakinan bersama agar anggota yang dipimpin bertindak sesuai nilai, norma, dan etika organisasi dalam lingkup formal.',
      'Mampu menciptakan situasi kerja yang membuat rekan kerja konsisten mempertahankan tindakan sesuai nilai, norma, dan etika organisasi.',
      'Mampu menjadi teladan dalam penerapan standar keadilan dan etika di tingkat nasional.',
    ),
  },
  {
    code: 'MNJ-KS', name: 'Kerja Sama', group: 'manajerial',
    description: 'Kemampuan menjalin, membina, mempertahankan hubungan kerja yang efektif, memiliki komitmen saling membantu dalam penyelesaian tugas, dan mengoptimalkan segala sumber daya untuk mencapai tujuan strategis organisasi.',
    levels: levels(
      'Berpartisipasi sebagai anggota tim yang baik, melakukan tugas dan bagiannya, serta mendukung keputusan tim.',
      'Menumbuhkan tim kerja yang partisipatif dan efektif.',
      'Efektif membangun tim kerja untuk peningkatan kinerja organisasi.',
      'Membangun komitmen tim dan sinergi antarunit kerja.',
      'Menciptakan situasi kerja sama secara konsisten, baik di dalam maupun di luar instansi.',
    ),
  },
  {
    code: 'MNJ-KOM', name: 'Komunikasi', group: 'manajerial',
    description: 'Kemampuan menerangkan pandangan dan gagasan secara jelas, sistematis disertai argumentasi yang logis dengan cara-cara yang sesuai, baik secara lisan maupun tertulis; memastikan pemahaman; mendengarkan secara aktif dan efektif.',
    levels: levels(
      'Menyampaikan informasi dengan jelas, lengkap, dan pemahaman yang sama.',
      'Aktif menjalankan komunikasi secara formal dan informal, bersedia mendengarkan orang lain, dan menumbuhkan hubungan baik.',
      'Berkomunikasi secara asertif, terampil berkomunikasi lisan dan tertulis untuk menyampaikan informasi yang sensitif, rumit, atau kompleks.',
      'Mampu mengemukakan pemikiran multidimensi secara lisan dan tertulis untuk mendorong kesepakatan dengan tujuan meningkatkan kinerja secara keseluruhan.',
      'Menggagas sistem komunikasi yang terbuka secara strategis untuk mencari solusi dengan tujuan meningkatkan kinerja.',
    ),
  },
  {
    code: 'MNJ-OPH', name: 'Orientasi pada Hasil', group: 'manajerial',
    description: 'Kemampuan mempertahankan komitmen pribadi yang tinggi untuk menyelesaikan tugas, dapat diandalkan, bertanggung jawab, mampu secara sistematis mengidentifikasi risiko dan peluang dengan memperhatikan keterhubungan antara perencanaan dan hasil, untuk keberhasilan organisasi.',
    levels: levels(
      'Bertanggung jawab untuk memenuhi standar kerja.',
      'Berupaya meningkatkan hasil kerja pribadi yang lebih tinggi dari standar yang ditetapkan, mencari, mencoba metode alternatif untuk peningkatan kinerja.',
      'Menetapkan target kerja yang menantang bagi unit kerja, memberi apresiasi dan teguran untuk mendorong kinerja.',
      'Mendorong unit kerja mencapai target yang ditetapkan atau melebihi hasil kerja sebelumnya.',
      'Meningkatkan mutu pencapaian kerja organisasi.',
    ),
  },
  {
    code: 'MNJ-PP', name: 'Pelayanan Publik', group: 'manajerial',
    description: 'Kemampuan dalam melaksanakan tugas-tugas pemerintahan, pembangunan dan kegiatan pemenuhan kebutuhan pelayanan publik secara profesional, transparan, mengikuti standar pelayanan yang objektif, netral, tidak memihak, tidak diskriminatif, serta tidak terpengaruh kepentingan pribadi/kelompok/golongan/partai politik.',
    levels: levels(
      'Menjalankan pelayanan sesuai standar.',
      'Mampu mensupervisi/mengawasi/menyelia dan menjelaskan proses pelaksanaan tugas-tugas pemerintahan/pelayanan publik secara transparan.',
      'Mampu memanfaatkan kekuatan kelompok serta memperbaiki standar pelayanan publik di lingkup unit kerja.',
      'Mampu memonitor, mengevaluasi, memperhitungkan dan mengantisipasi dampak dari isu-isu jangka panjang, kesempatan, atau kekuatan politik dalam hal pelayanan kebutuhan pemangku kepentingan yang transparan, objektif, dan profesional.',
      'Mampu memastikan kebijakan-kebijakan pelayanan publik yang menjamin terselenggaranya pelayanan publik yang objektif, netral, tidak memihak, tidak diskriminatif, serta tidak terpengaruh kepentingan pribadi/kelompok/partai politik.',
    ),
  },
  {
    code: 'MNJ-PDO', name: 'Pengembangan Diri dan Orang Lain', group: 'manajerial',
    description: 'Kemampuan untuk meningkatkan pengetahuan dan menyempurnakan keterampilan diri; menginspirasi orang lain untuk mengembangkan dan menyempurnakan pengetahuan dan keterampilan yang relevan dengan kerja dan pengembangan karier jangka panjang, mendorong kemauan belajar sepanjang hidup, memberikan saran/bantuan, umpan balik, bimbingan untuk membantu orang lain untuk mengembangkan potensi dirinya.',
    levels: levels(
      'Pengembangan diri: mampu meningkatkan kemampuan bidang kerja dan tugasnya melalui belajar.',
      'Meningkatkan kemampuan bawahan dengan memberikan contoh dan penjelasan cara melaksanakan suatu pekerjaan.',
      'Memberikan umpan balik, membimbing.',
      'Menyusun program pengembangan jangka panjang dalam rangka mendorong manajemen pembelajaran.',
      'Menciptakan situasi yang mendorong organisasi untuk mengembangkan kemampuan belajar secara berkelanjutan dalam rangka mendukung pencapaian hasil.',
    ),
  },
  {
    code: 'MNJ-MP', name: 'Mengelola Perubahan', group: 'manajerial',
    description: 'Kemampuan dalam menyesuaikan diri dengan situasi yang baru atau berubah dan tidak bergantung secara berlebihan pada metode dan proses lama, mengambil tindakan untuk mendukung dan melaksanakan insiatif perubahan, memimpin usaha perubahan, mengambil tanggung jawab pribadi untuk memastikan perubahan berhasil diimplementasikan secara efektif.',
    levels: levels(
      'Sadar mengenai perubahan yang terjadi di organisasi dan berusaha menyesuaikan diri dengan perubahan tersebut.',
      'Proaktif beradaptasi mengikuti perubahan.',
      'Membantu orang lain mengikuti perubahan, mengantisipasi perubahan secara tepat.',
      'Memimpin perubahan pada unit kerja.',
      'Mengarahkan perubahan untuk membangun budaya organisasi.',
    ),
  },
  {
    code: 'MNJ-PK', name: 'Pengambilan Keputusan', group: 'manajerial',
    description: 'Kemampuan membuat keputusan yang baik secara tepat waktu dan dengan keyakinan diri setelah mempertimbangkan prinsip kehati-hatian, dirumuskan secara sistematis dan seksama berdasarkan berbagai informasi, alternatif pemecahan masalah dan konsekuensinya, serta bertanggung jawab atas keputusan yang diambil.',
    levels: levels(
      'Mengumpulkan informasi untuk bertindak sesuai kewenangan.',
      'Menganalisis masalah secara mendalam.',
      'Membandingkan berbagai alternatif, menyeimbangkan risiko keberhasilan dalam implementasi.',
      'Menyelesaikan masalah yang mengandung risiko tinggi, mengantisipasi dampak keputusan, membuat tindakan pengamanan; mitigasi risiko.',
      'Menghasilkan solusi dan mengambil keputusan untuk mengatasi permasalahan jangka panjang/strategis yang berdampak nasional.',
    ),
  },
  {
    code: 'SK-PB', name: 'Perekat Bangsa', group: 'sosial_kultural',
    description: 'Kemampuan dalam mempromosikan sikap toleransi, keterbukaan, peka terhadap perbedaan individu/kelompok masyarakat; mampu menjadi perpanjangan tangan pemerintah dalam mempersatukan masyarakat dan membangun hubungan sosial psikologis dengan masyarakat di tengah kemajemukan Indonesia sehingga menciptakan kelekatan yang kuat antara ASN dan para pemangku kepentingan serta di antara para pemangku kepentingan itu sendiri.',
    levels: levels(
      'Peka memahami dan menerima kemajemukan.',
      'Aktif mengembangkan sikap saling menghargai, menekankan persamaan dan persatuan.',
      'Mempromosikan, mengembangkan sikap toleransi dan persatuan.',
      'Mendayagunakan perbedaan secara konstruktif dan kreatif untuk meningkatkan efektivitas organisasi.',
      'Wakil pemerintah untuk membangun hubungan sosial psikologis.',
    ),
  },
];
