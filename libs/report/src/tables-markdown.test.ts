import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignPaperRows } from './paper-tables.ts';
import { loadBenchRecords } from './read-records.ts';
import { groupSections } from './sections.ts';
import { renderTablesMarkdown } from './tables-markdown.ts';
import { clsRecord, detDiverged, detOk, detRecord } from './test-fixtures.ts';

function resultsFolder(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'mgta-report-'));
  for (const [path, value] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return root;
}

describe('assignPaperRows', () => {
  it('maps ids to the paper rows, MGTA by rank of K, user models last', () => {
    const rows = assignPaperRows(['zeta', 'supervised', 'mgta-k16', 'random', 'mgta-k8', 'iae', 'mgta-k32']);
    expect(rows.map((row) => [row.id, row.role])).toEqual([
      ['random', 'random'],
      ['iae', 'iae'],
      ['mgta-k8', 'mgta-small-k'],
      ['mgta-k16', 'mgta-large-k'],
      ['supervised', 'supervised'],
      ['mgta-k32', 'user'],
      ['zeta', 'user'],
    ]);
  });

  it('places the iae-long control after the IAE and says what it controls for', () => {
    expect(assignPaperRows(['supervised', 'mgta-k8', 'iae-long', 'iae']).map((row) => [row.id, row.role])).toEqual([
      ['iae', 'iae'], ['iae-long', 'iae-long'], ['mgta-k8', 'mgta-small-k'], ['supervised', 'supervised'],
    ]);
    const markdown = renderTablesMarkdown(groupSections(loadBenchRecords(resultsFolder({ 'voc07-cls/ci.json': clsRecord({ 'iae-long': [0.3, 0.1] }) }))), '2026-12-01');
    expect(markdown).toContain('| `iae-long` | control: the IAE trained on with λ = 0 for as many steps as MGTA (not in paper) | 20.0 |');
  });
});

describe('TABLES.md model widths', () => {
  it('labels a model of width other than 1 "ResNet-50 x<w>" and leaves width 1 (recorded or not) as before', () => {
    const cls = clsRecord({ random: [0.1, 0.06], iae: [0.3, 0.1], mine: [0.25, 0.25] }) as { models: Record<string, { model: { width?: number } }> };
    cls.models.iae.model.width = 0.25;
    cls.models.random.model.width = 1;
    const det = detRecord({ iae: { '07': detOk(0.2, 0.1), '07+12': detOk(0.3, 0.1) } }) as { models: Record<string, { model: { width?: number } }> };
    det.models.iae.model.width = 0.125;
    const root = resultsFolder({ 'voc07-cls/ci.json': cls, 'voc-det/ci.json': det });
    const markdown = renderTablesMarkdown(groupSections(loadBenchRecords(root)), '2026-11-26');
    expect(markdown).toContain('| `random` | ResNet50 Random | 8.0 |');
    expect(markdown).toContain('| `iae` (ResNet-50 x1/4) | ResNet50 IAE (Baseline) | 20.0 |');
    expect(markdown).toContain('| `mine` | (not in paper) | 25.0 |');
    expect(markdown).toContain('| `iae` (ResNet-50 x1/8) | ResNet50 IAE (Baseline) | 15.00 |');
    const bad = clsRecord({ iae: [0.3, 0.1] }) as { models: Record<string, { model: { width?: unknown } }> };
    bad.models.iae.model.width = 'quarter';
    expect(() => loadBenchRecords(resultsFolder({ 'voc07-cls/ci.json': bad }))).toThrow(/models\.iae\.model\.width: must be a finite number/);
  });
});

describe('TABLES.md', () => {
  const cls = clsRecord({ random: [0.1, 0.06], iae: [0.3, 0.1], 'mgta-k4': [0.5, 0.3], 'mgta-k8': [0.6, 0.3], supervised: [0.9, 0.7], mine: [0.25, 0.25] });
  const det = detRecord({
    random: { '07': detDiverged(137), '07+12': detDiverged(90) },
    iae: { '07': detOk(0.2, 0.1), '07+12': detOk(0.3, 0.1) },
  });

  it('prints Table 2 and 3 with our numbers, intervals, the paper beside, footnotes and provenance', () => {
    const root = resultsFolder({
      'voc07-cls/ci.json': cls,
      'voc-det/ci.json': det,
      // Not bench records: ignored.
      'baseline/ci.json': { schemaVersion: 1, preset: 'ci', tolerancePoints: 0.5, metrics: {} },
      'benchmarks/kmeans.json': { anything: true },
      'eval/out.json': { classes: {}, map: null, map07: null },
    });
    const loaded = loadBenchRecords(root);
    expect(loaded.map((r) => r.section)).toEqual(['ci', 'ci']);
    const markdown = renderTablesMarkdown(groupSections(loaded), '2026-11-26');

    // Table 2: mean of the two class APs in %, one decimal; interval ±5 points; paper's figure.
    expect(markdown).toContain('| `random` | ResNet50 Random | 8.0 | [3.0, 13.0] | 8.0 |');
    expect(markdown).toContain('| `mgta-k4` | ResNet50 MGTA (k=100) | 40.0 | [35.0, 45.0] | 29.7 |');
    expect(markdown).toContain('| `mgta-k8` | ResNet50 MGTA (k=300) | 45.0 | [40.0, 50.0] | 31.3 |');
    expect(markdown).toContain('| `supervised` | ResNet50 Supervised | 80.0 | [75.0, 85.0] | 52.8 |');
    expect(markdown).toContain('| `mine` | (not in paper) | 25.0 | [20.0, 30.0] |  |');
    expect(markdown).toContain('- Protocol: layer: res4; costs: 0.01, 0.1, 1; folds: 3');
    expect(markdown).toContain(`- Dataset: fashion-voc-ci, sha256 \`${'ab'.repeat(32)}\``);
    expect(markdown).toContain('- Machine: Test CPU, 2 cores, 24 GiB');
    expect(markdown).toContain('- Date: 2026-11-26T06:00:00.000Z');

    // Table 3: diverged '-' with a footnote naming the iteration; IAE's 11-point mAP, two decimals.
    expect(markdown).toMatch(/\| `random` \| ResNet50 Random \| -\[\^[^\]]+-1\] \|  \| - \| -\[\^[^\]]+-2\] \|  \| - \|/);
    expect(markdown).toContain('| `iae` | ResNet50 IAE (Baseline) | 15.00 | [13.00, 17.00] | 11.27 | 20.00 | [18.00, 22.00] | 17.01 |');
    expect(markdown).toMatch(/\]: `random`, VOC07: training diverged \(non-finite loss\) at iteration 137 of 1000\./);
    expect(markdown).toMatch(/\]: `random`, VOC07\+12: training diverged \(non-finite loss\) at iteration 90 of 1000\./);
    expect(markdown).toContain('- Training iterations per column: VOC07 1000; VOC07+12 1000');
  });

  it('gives each <preset>-<data> file its own section', () => {
    const root = resultsFolder({ 'voc07-cls/ci.json': cls, 'voc07-cls/ci-other.json': cls });
    const sections = groupSections(loadBenchRecords(root));
    expect(sections.map((s) => s.name)).toEqual(['ci', 'ci-other']);
    const markdown = renderTablesMarkdown(sections, 'now');
    expect(markdown).toContain('## `ci-other`: preset ci, data fashion-voc-ci');
    expect(markdown).toContain('_No detection record (results/voc-det/) for this section._');
  });

  it('names the file and field of a bad record', () => {
    const wrongVersion = resultsFolder({ 'voc07-cls/ci.json': { ...cls, schemaVersion: 2 } });
    expect(() => loadBenchRecords(wrongVersion)).toThrow(/voc07-cls\/ci\.json: schemaVersion: is 2; this reader understands version 1/);
    const badStatus = resultsFolder({ 'voc-det/ci.json': detRecord({ iae: { '07': { ...detOk(0.1, 0.1), status: 'weird' as 'ok' } } }) });
    expect(() => loadBenchRecords(badStatus)).toThrow(/voc-det\/ci\.json: models\.iae\.result\.07\.status: must be "ok" or "diverged"/);
    const wrongFolder = resultsFolder({ 'voc-det/ci.json': cls });
    expect(() => loadBenchRecords(wrongFolder)).toThrow(/benchmark: is "voc07-cls" but the file is in results\/voc-det\//);
    const notJson = resultsFolder({ 'voc07-cls/ci.json': '{oops' });
    expect(() => loadBenchRecords(notJson)).toThrow(/ci\.json: is not valid JSON/);
  });
});

describe('learnability diagnostics table', () => {
  it('shows each model\'s held-out NMI, the supervised accuracy, the pixel floor and the pretraining time, from the record', () => {
    const cls = clsRecord({ random: [0.1, 0.06], supervised: [0.5, 0.3], mine: [0.2, 0.2] });
    cls.models.random.model.diagnostics = { feature: 'res4', heldOutImages: 300, heldOutNmi: 0.0825, pixelNmi: 0.3755 };
    cls.models.supervised.model.diagnostics = { feature: 'res4', heldOutImages: 300, heldOutNmi: 0.41, pixelNmi: 0.3755, heldOutAccuracy: 0.812 };
    cls.models.supervised.model.pretrainingSeconds = 780;
    const markdown = renderTablesMarkdown(groupSections(loadBenchRecords(resultsFolder({ 'voc07-cls/ci.json': cls }))), '2026-12-01');
    expect(markdown).toContain('| `random` | GAP-res4 | 0.083 |  |  |');
    expect(markdown).toContain('| `supervised` | GAP-res4 | 0.410 | 81.2% | 13.0 |');
    expect(markdown).not.toContain('| `mine` | GAP');
    expect(markdown).toContain('Raw pixels of the same images: NMI 0.376.');
    expect(markdown).toContain('the 300 held-out pretraining images');
  });

  it('is left out when no model recorded diagnostics', () => {
    const markdown = renderTablesMarkdown(groupSections(loadBenchRecords(resultsFolder({ 'voc07-cls/ci.json': clsRecord({ iae: [0.3, 0.1] }) }))), '2026-12-01');
    expect(markdown).not.toContain('Learnability diagnostics');
  });
});
