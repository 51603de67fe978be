import { expect } from 'chai';
import { safeFileName, sniffType } from '../file-types';

describe('activity-lesson file types', () => {
  it('tells types by their first bytes', () => {
    expect(sniffType(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))?.mime).to.equal('image/png');
    expect(sniffType(Buffer.from('ffd8ffe000104a464946', 'hex'))?.mime).to.equal('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a......'))?.mime).to.equal('image/gif');
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.mime).to.equal('image/webp');
    expect(sniffType(Buffer.from('%PDF-1.7\n'))?.kind).to.equal('pdf');
    expect(sniffType(Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0', 'latin1'))?.mime).to.equal('video/mp4');
    expect(sniffType(Buffer.from('1a45dfa3a3428286', 'hex'))?.mime).to.equal('video/webm');
  });

  it('refuses what is not one of them, whatever its name says', () => {
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>'))).to.equal(undefined);
    expect(sniffType(Buffer.from('<!doctype html><script>alert(1)</script>'))).to.equal(undefined);
    expect(sniffType(Buffer.alloc(0))).to.equal(undefined);
  });

  it('makes names safe for a URL, keeping the sniffed extension', () => {
    expect(safeFileName('Foto Kantor (1).JPG', 'jpg')).to.equal('Foto-Kantor-1.jpg');
    expect(safeFileName('../../etc/passwd.png', 'png')).to.equal('etc-passwd.png');
    expect(safeFileName('ÿ.exe', 'pdf')).to.equal('y.pdf');
    expect(safeFileName('.png', 'png')).to.equal('file.png');
  });
});
