import { expect } from 'chai';
import { renderMarkdown } from '../render-markdown';

describe('activity-lesson renderMarkdown', () => {
  it('moves the lesson headings below the page title', () => {
    const html = renderMarkdown('# Bab\n\n## Sub\n\n###### Kecil');
    expect(html).to.contain('<h2>Bab</h2>').and.contain('<h3>Sub</h3>').and.contain('<h6>Kecil</h6>');
    expect(html).not.to.contain('<h1');
  });

  it('shows a lesson video as a player and nothing else as one', () => {
    const ok = renderMarkdown('![Video](/activity-lesson/files/0123456789abcdef01234567/kelas.mp4)');
    expect(ok).to.match(/<video controls preload="metadata" src="\/activity-lesson\/files\/0123456789abcdef01234567\/kelas.mp4"/);
    expect(renderMarkdown('<video src="https://evil.example/x.mp4" autoplay></video>')).not.to.contain('<video');
    expect(renderMarkdown('![x](//evil.example/a.png)')).not.to.contain('evil');
  });

  it('keeps tables, blockquotes and inline images', () => {
    const html = renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n\n> kutipan\n\n![Foto](/activity-lesson/files/0123456789abcdef01234567/foto.png)');
    expect(html).to.contain('<table>').and.contain('<blockquote>').and.contain('<img src="/activity-lesson/files/0123456789abcdef01234567/foto.png" alt="Foto" />');
  });

  it('still strips script', () => {
    expect(renderMarkdown('<script>alert(1)</script><img src="x" onerror="alert(1)">')).not.to.match(/script|onerror/);
  });
});
