import { expect } from 'chai';
import { backupsToDelete } from './retention';

const at = (iso: string) => ({ name: `bina-${iso}.age`, time: new Date(iso) });

describe('backup retention', () => {
  it('keeps the newest backup of each of N days and of M older weeks', () => {
    // One backup a night for 40 nights, ending on Monday 2026-12-07, plus a second one on the last day.
    const files = Array.from({ length: 40 }, (_, i) => at(new Date(Date.UTC(2026, 11, 7 - i, 1, 30)).toISOString()));
    files.push(at('2026-12-07T09:00:00.000Z'));
    const gone = new Set(backupsToDelete(files, 7, 4));
    const kept = files.filter((f) => !gone.has(f.name)).map((f) => f.name.slice(5, 15)).sort();
    // 7 days: Dec 1–7 (the later backup of Dec 7); then the newest of 4 earlier weeks (their Sundays).
    expect(kept).to.deep.equal(['2026-11-08', '2026-11-15', '2026-11-22', '2026-11-29', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07']);
    expect(gone.has('bina-2026-12-07T09:00:00.000Z.age')).to.equal(false);
    expect(gone.has('bina-2026-12-07T01:30:00.000Z.age')).to.equal(true);
  });

  it('deletes nothing while there are fewer backups than it keeps', () => {
    expect(backupsToDelete([at('2026-12-06T01:30:00.000Z'), at('2026-12-07T01:30:00.000Z')], 7, 4)).to.deep.equal([]);
  });
});
