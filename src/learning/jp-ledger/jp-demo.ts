/**
 * The JP ledger's demo (`bina seed-demo`): varied history and claims, so every JP page has content
 * for a new user. Muhammad Rizal has a bimtek claim his supervisor Andi approved, an event credit
 * of last year and a seminar claim waiting for Andi; Siti Nurhaliza reached her target with a
 * training claim and has one rejected with a reason; Yohanes Tandi (PPPK) has nothing yet, so the
 * unit head's report shows someone below target. Dates are relative to today, in this year.
 */
import PDFDocument from 'pdfkit';
import type { UploadedFile } from '../../http/multipart-body';
import type { SessionUser } from '../../identity/session-user';
import type { JpParts } from './jp-parts';
import type { ClaimInput } from './jp-claims';

const DAY = 24 * 3600_000;

function evidencePdf(lines: string[]): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A5', layout: 'landscape', info: { Title: lines[0], CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ name: 'sertifikat.pdf', type: 'application/pdf', bytes: Buffer.concat(chunks) })).on('error', reject);
    doc.fontSize(20).text(lines[0]!, { align: 'center' }).moveDown();
    for (const l of lines.slice(1)) doc.fontSize(12).text(l, { align: 'center' });
    doc.end();
  });
}

export async function seedJpDemo(parts: JpParts, sessionUser: (username: string) => Promise<SessionUser | undefined>): Promise<Array<{ label: string; url: string }>> {
  const [rizal, andi, siti, yusuf] = await Promise.all(['199001152015031001', '197805122003121002', '199203102019032005', '197203151998031003'].map(sessionUser));
  if (!rizal || !andi || !siti || !yusuf) return [];
  const now = parts.services.clock.now();
  const year = parts.currentYear(rizal.timeZone);
  const jan1 = Date.parse(`${year}-01-01T00:00:00Z`);
  // `daysAgo` days before today, but never before 1 January (the history is this year's).
  const day = (daysAgo: number) => new Date(Math.max(jan1, now.getTime() - daysAgo * DAY)).toISOString().slice(0, 10);
  const claim = async (who: SessionUser, input: ClaimInput) =>
    parts.claims.submit(who, input, await evidencePdf([input.title, who.name, `${input.provider} · ${input.startDate}`]));

  const bimtek = await claim(rizal, { title: 'Bimbingan Teknis Pengelolaan Data SIASN', provider: 'Kantor Regional IV BKN Makassar', kind: 'bimtek', startDate: day(60), endDate: day(58), jp: 6 });
  await parts.claims.decide(andi, String(bimtek._id), { decision: 'approve' });
  const lastYear = new Date(Date.parse(`${year - 1}-11-20T02:00:00Z`));
  await parts.ledger.credit({ userId: rizal.id, source: 'event', sourceId: `demo-sosialisasi-${year - 1}`, title: 'Sosialisasi Manajemen Kinerja ASN', kind: 'sosialisasi', provider: 'BKPSDM Kabupaten Mamuju', startDate: lastYear, endDate: lastYear, jp: 3 }, 'core');
  const pending = await claim(rizal, { title: 'Seminar Nasional Manajemen Talenta ASN', provider: 'Lembaga Administrasi Negara', kind: 'seminar', startDate: day(5), endDate: day(4), jp: 4 });

  const training = await claim(siti, { title: 'Pelatihan Pelayanan Prima', provider: 'BPSDM Provinsi Sulawesi Barat', kind: 'pelatihan', startDate: day(90), endDate: day(86), jp: 24 });
  await parts.claims.decide(yusuf, String(training._id), { decision: 'approve' });
  const webinar = await claim(siti, { title: 'Webinar Literasi Digital', provider: 'Kementerian Komunikasi dan Digital', kind: 'pembelajaran-jarak-jauh', startDate: day(20), endDate: day(20), jp: 2 });
  await parts.claims.decide(yusuf, String(webinar._id), { decision: 'reject', reason: 'Bukti tidak mencantumkan nama peserta; unggah sertifikat dengan nama Anda.' });

  return [
    { label: 'A JP claim waiting for Andi (Muhammad Rizal\'s supervisor)', url: `/jp/claims/${pending._id}` },
    { label: 'JP compliance of the unit head\'s units', url: '/jp/report' },
  ];
}
