import { kFromModelId } from './format.ts';
import paperTables from './paper-tables.json' with { type: 'json' };

/** Which paper row a model stands for; `user` models have no paper number. */
export type PaperRole = 'random' | 'iae' | 'iae-long' | 'mgta-small-k' | 'mgta-large-k' | 'supervised' | 'user';

export interface PaperTables {
  citation: string;
  table2: { caption: string; protocol: string; rows: Array<{ role: PaperRole; label: string; k?: number; map: number }> };
  table3: {
    caption: string;
    protocol: string;
    columns: string[];
    columnLabels: string[];
    note: string;
    rows: Array<{ role: PaperRole; label: string; k?: number; map07: Array<number | null> }>;
  };
}

/** The paper's Tables 2 and 3 (copied into the repo; see `citation`). */
export const PAPER_TABLES = paperTables as PaperTables;

const ROW_ORDER: PaperRole[] = ['random', 'iae', 'iae-long', 'mgta-small-k', 'mgta-large-k', 'supervised', 'user'];

export interface ModelRow {
  id: string;
  role: PaperRole;
  /** K of an `mgta-k<K>` model. */
  k?: number;
}

/**
 * Maps our model ids to the paper's rows: `random`, `iae`, `supervised` by name, and the
 * `mgta-k<K>` models by rank of K, since our presets use smaller K than the paper's 100 and
 * 300 (the smallest K stands beside "k=100", the next beside "k=300"). A third MGTA K, and
 * every other id, is a user model: printed, without a paper number. Rows come in the
 * paper's order, user models last in id order.
 */
export function assignPaperRows(modelIds: readonly string[]): ModelRow[] {
  const rows: ModelRow[] = [];
  const mgta: ModelRow[] = [];
  for (const id of modelIds) {
    const k = kFromModelId(id);
    if (k !== undefined) mgta.push({ id, role: 'user', k });
    else if (id === 'random' || id === 'iae' || id === 'iae-long' || id === 'supervised') rows.push({ id, role: id });
    else rows.push({ id, role: 'user' });
  }
  mgta.sort((a, b) => a.k! - b.k!);
  if (mgta[0]) mgta[0].role = 'mgta-small-k';
  if (mgta[1]) mgta[1].role = 'mgta-large-k';
  rows.push(...mgta);
  return rows.sort((a, b) => ROW_ORDER.indexOf(a.role) - ROW_ORDER.indexOf(b.role) || a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** The "Paper row" cell of a row the paper does not have; the iae-long control says what it controls for. */
export function notInPaperLabel(role: PaperRole): string {
  return role === 'iae-long' ? 'control: the IAE trained on with λ = 0 for as many steps as MGTA (not in paper)' : '(not in paper)';
}

export function paperTable2(role: PaperRole): { label: string; map: number } | undefined {
  return PAPER_TABLES.table2.rows.find((row) => row.role === role);
}

/** The paper's Table 3 number for a role and our column (`07`, `07+12`); null is its '-'. */
export function paperTable3(role: PaperRole, column: string): { label: string; map07: number | null } | undefined {
  const row = PAPER_TABLES.table3.rows.find((r) => r.role === role);
  const index = PAPER_TABLES.table3.columns.indexOf(column);
  if (!row || index < 0) return undefined;
  return { label: row.label, map07: row.map07[index] };
}
