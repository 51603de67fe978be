import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetUrls } from './asset-urls';

describe('versioned asset URLs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bina-assets-'));
  writeFileSync(join(dir, 'room.js'), 'console.log(1);');

  it('gives a served file a version from its content, and a changed file a new one', () => {
    const assets = new AssetUrls(false);
    assets.add('/assets/core', dir);
    const first = assets.url('/assets/core/room.js');
    expect(first).to.match(/^\/assets\/core\/room\.js\?v=[0-9a-f]{12}$/);
    expect(assets.url('/assets/core/room.js')).to.equal(first);
    writeFileSync(join(dir, 'room.js'), 'console.log(2);');
    expect(assets.url('/assets/core/room.js')).to.not.equal(first);
  });

  it('keeps the first digest for the process when told to (production)', () => {
    writeFileSync(join(dir, 'style.css'), 'a{}');
    const assets = new AssetUrls(true);
    assets.add('/assets/core/', dir);
    const first = assets.url('/assets/core/style.css');
    writeFileSync(join(dir, 'style.css'), 'b{}');
    expect(assets.url('/assets/core/style.css')).to.equal(first);
  });

  it('leaves a missing file, an unknown prefix and a way out of the folder unchanged', () => {
    const assets = new AssetUrls(false);
    assets.add('/assets/core', dir);
    expect(assets.url('/assets/core/missing.js')).to.equal('/assets/core/missing.js');
    expect(assets.url('/assets/other/room.js')).to.equal('/assets/other/room.js');
    expect(assets.url('/assets/core/../../etc/passwd')).to.equal('/assets/core/../../etc/passwd');
  });
});
