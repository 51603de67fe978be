/**
 * The unit tree (instansi at the top, unit kerja below), read whole: an agency has tens to a few
 * hundred units, and FerretDB reads the whole collection for any filter but `{_id}` anyway
 * (ADR 0017). Gives the units below a unit (a unit head's scope), each unit's path for labels, an
 * indented list for selects, and the cycle check a move needs.
 */
import type { Model } from 'mongoose';
import type { UnitDoc } from './identity-models';

export interface UnitNode {
  id: string;
  code: string;
  name: string;
  parentId?: string;
  region?: string;
  depth: number;
  /** "BKPSDM Kabupaten Mamuju › Bidang Pengembangan". */
  path: string;
}

export class UnitTree {
  readonly byId = new Map<string, UnitNode>();
  private children = new Map<string, string[]>();
  /** Depth-first, children by name: the order of an indented list. */
  readonly ordered: UnitNode[] = [];

  constructor(units: Array<Pick<UnitDoc, '_id' | 'code' | 'name' | 'parentId' | 'region'>>) {
    for (const u of units) {
      this.byId.set(String(u._id), { id: String(u._id), code: u.code, name: u.name, parentId: u.parentId ? String(u.parentId) : undefined, region: u.region, depth: 0, path: u.name });
    }
    const roots: string[] = [];
    for (const n of this.byId.values()) {
      // A parent that no longer exists makes a root rather than an orphan nobody can see.
      if (n.parentId && this.byId.has(n.parentId)) (this.children.get(n.parentId) ?? this.children.set(n.parentId, []).get(n.parentId)!).push(n.id);
      else roots.push(n.id);
    }
    const byName = (a: string, b: string) => this.byId.get(a)!.name.localeCompare(this.byId.get(b)!.name, 'id');
    const seen = new Set<string>();
    const walk = (id: string, depth: number, prefix: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const n = this.byId.get(id)!;
      n.depth = depth;
      n.path = prefix ? `${prefix} › ${n.name}` : n.name;
      this.ordered.push(n);
      for (const c of (this.children.get(id) ?? []).sort(byName)) walk(c, depth + 1, n.path);
    };
    for (const r of roots.sort(byName)) walk(r, 0, '');
  }

  static async load(Unit: Model<UnitDoc>): Promise<UnitTree> {
    return new UnitTree(await Unit.find({}, { code: 1, name: 1, parentId: 1, region: 1 }).lean());
  }

  /** The units given and every unit below them. */
  subtree(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const stack = [...ids].filter((id) => this.byId.has(id));
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...(this.children.get(id) ?? []));
    }
    return out;
  }

  /** Whether `parentId` may become the parent of `unitId` (not itself nor one of its descendants). */
  canMoveUnder(unitId: string, parentId: string): boolean {
    return !this.subtree([unitId]).has(parentId);
  }

  byCode(code: string): UnitNode | undefined {
    for (const n of this.byId.values()) if (n.code === code) return n;
    return undefined;
  }

  /** Options for a select: indented by depth, optionally only some units. */
  options(selected?: string, only?: Set<string>): Array<{ id: string; label: string; selected: boolean }> {
    return this.ordered
      .filter((n) => !only || only.has(n.id))
      .map((n) => ({ id: n.id, label: `${'\u2003'.repeat(n.depth)}${n.name}`, selected: n.id === selected }));
  }
}
