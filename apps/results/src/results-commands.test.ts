import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFixtureResults } from './fixture-results.ts';
import { runReport, runTables } from './results-commands.ts';

const now = new Date('2026-11-26T08:00:00Z');

describe('mgta results tables', () => {
  it('writes TABLES.md beside the results by default', () => {
    const { results } = writeFixtureResults(mkdtempSync(join(tmpdir(), 'mgta-results-')));
    const said: string[] = [];
    const file = runTables({ results }, (text) => said.push(text), now);
    expect(file).toBe(`${results}/TABLES.md`);
    expect(said.join('')).toBe(`wrote ${results}/TABLES.md from 2 records\n`);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('on 2026-11-26T08:00:00.000Z');
    expect(markdown).toContain('| `mgta-k4` | ResNet50 MGTA (k=100) | 40.0 | [35.0, 45.0] | 29.7 |');
    expect(markdown).toContain('| `mgta-k4` | ResNet50 MGTA (k=100) | 25.00 | [23.00, 27.00] | 15.88 | 30.00 | [28.00, 32.00] | 21.19 |');
  });
});

describe('mgta results report', () => {
  it('writes one self-contained HTML page with every chart inline', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-results-'));
    const { results, models } = writeFixtureResults(root);
    const out = join(root, 'out', 'report.html');
    await runReport({ results, models, out }, () => {}, now);
    const html = readFileSync(out, 'utf8');
    // Charts: 1 classification AP bar chart + 6 PR grids' charts; detection: per column
    // (07, 07+12) 1 bar chart + 3 PR charts (random diverged); pretraining: mgta-k4 loss and
    // NMI, iae loss only.
    expect(html.match(/<svg/g)).toHaveLength(1 + 6 + 2 * (1 + 3) + 2 + 1);
    // Nothing to fetch: no scripts, no external stylesheets, images or fonts.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<code>random</code>: no pretraining metrics.');
    expect(html).toContain('1 unreadable line skipped; phases iae, mgta; K 4.');
    expect(html).toContain('training diverged (non-finite loss) at iteration 137 of 1000.');
    expect(html).toContain('[35.0, 45.0]');
    expect(html).toContain('SVM costs searched: 0.01, 0.1, 1.');
  });
});
