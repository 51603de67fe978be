/**
 * Built-in templates keep their earlier versions: a certificate rendered with version 1 of the
 * built-in template re-renders from version 1 (ADR 0013, 0052); new ones get the latest.
 */
import { expect } from 'chai';
import type { Model } from 'mongoose';
import type { RegistryView } from '../../../src/host/plugins/context';
import { BUILT_IN_TEMPLATES, TemplateStore, type TemplateVersionDoc } from '../template-store';

function builtIns(): RegistryView<{ id: string } & Record<string, unknown>> {
  const items = new Map(BUILT_IN_TEMPLATES.map((t) => [t.id, t as unknown as { id: string } & Record<string, unknown>]));
  return { register: () => undefined, get: (id: string) => items.get(id), list: () => [...items.values()] } as unknown as RegistryView<{ id: string } & Record<string, unknown>>;
}

describe('certificate-pdf / built-in template versions', () => {
  // Built-ins never touch the database; the model is not used.
  const store = new TemplateStore(undefined as unknown as Model<TemplateVersionDoc>, builtIns());

  it('resolves the latest built-in version for new certificates: the signatory from the settings', async () => {
    const t = await store.resolve('default');
    expect(t.ref).to.deep.equal({ id: 'default', version: 2 });
    expect(JSON.stringify(t.template)).to.include('{{signatoryName}}').and.not.include('Andi Rahman');
  });

  it('resolves version 1 unchanged for certificates rendered with it', async () => {
    const t = await store.resolve('default', 1);
    expect(t.ref).to.deep.equal({ id: 'default', version: 1 });
    expect(JSON.stringify(t.template)).to.include('Dr. Andi Rahman, S.Sos., M.Si.').and.not.include('registerNumber');
    expect((await store.resolve('default-en', 1)).template.name).to.equal('Certificate of Competency (default)');
  });

  it('answers 404 for a version that never existed', async () => {
    let status = 0;
    await store.resolve('default', 3).catch((e: { status?: number }) => (status = e.status ?? 0));
    expect(status).to.equal(404);
  });
});
