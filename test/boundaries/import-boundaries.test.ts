/**
 * The import boundaries of ADR 0039, as `npm test` (and so CI) enforces them: dependency-cruiser
 * with .dependency-cruiser.cjs over src, plugins and workers. A violation fails this test and
 * prints the offending import and the rule it breaks.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../src/kernel/core-version';

function depcruise(): Promise<{ code: number; output: string }> {
  const bin = join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const args = [bin, 'src', 'plugins', 'workers', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, timeout: 120_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('import boundaries (dependency-cruiser)', function () {
  this.timeout(120_000);

  it('does find no import that crosses a layer or another plugin’s private files', async () => {
    const { code, output } = await depcruise();
    expect(code, output).to.equal(0);
  });
});
