/**
 * The unit dashboard (issue 15, "closing the loop"): for a unit head their units and those below,
 * for an admin every unit, side by side: JP compliance and competency gaps (the core's), and what
 * plugins add through the filter hook `learning.unit-dashboard.panels` (the SKM plugin: the IKM
 * with its trend and the low elements that recommend development; the public feedback: the items
 * still open). A panel is data (figures, a table, notes, links), so the page and its CSV export
 * render every panel the same way and the core names no plugin.
 */
import type { SessionUser } from '../../identity/session-user';
import type { Cell } from '../table-export';

export const UNIT_DASHBOARD_HOOK = 'learning.unit-dashboard.panels';
export const UNIT_DASHBOARD = 'learning:unit-dashboard';

export interface DashboardPanel {
  /** `<owner>.<name>`, also the panel's test id. */
  id: string;
  title: string;
  /** Panels are shown by order (the core's JP 10, competency 20; plugins in between or after). */
  order: number;
  /** A number is written in the reader's language on the page and as is in the CSV; `suffix` follows it on the page (%). */
  figures?: Array<{ label: string; value: string | number; suffix?: string }>;
  table?: {
    caption: string;
    head: string[];
    /** `bar`: 0–100, drawn as a bar after the row's last cell (a trend without script). */
    rows: Array<{ cells: Cell[]; bar?: number; tone?: 'warning' }>;
  };
  /** Findings in words (the SKM's low elements), each with its links. */
  notes?: Array<{ text: string; links?: Array<{ href: string; label: string }> }>;
  links?: Array<{ href: string; label: string }>;
  /** Shown when the panel has nothing for this scope. */
  empty?: string;
}

/** The hook's value: a filter appends its panels for the units in `units`. */
export interface UnitDashboard {
  user: SessionUser;
  locale: 'id' | 'en';
  /** Organisation unit ids in scope, or `all` (an admin without a chosen unit). */
  units: 'all' | Set<string>;
  panels: DashboardPanel[];
}

/** Every panel as rows of one table (the CSV export): the panel's title, then its figures and table. */
export function dashboardTable(panels: readonly DashboardPanel[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const p of panels) {
    for (const f of p.figures ?? []) rows.push([p.title, f.label, f.value]);
    if (p.table) {
      rows.push([p.title, ...p.table.head]);
      for (const r of p.table.rows) rows.push([p.title, ...r.cells]);
    }
    for (const n of p.notes ?? []) rows.push([p.title, n.text]);
  }
  return rows;
}
