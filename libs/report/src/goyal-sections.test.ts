import { describe, expect, it } from 'vitest';
import type { LowShotRecord, Voc07ClsRecord } from '@mgta/results-schema';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHtmlReport } from './html-report.ts';
import { loadBenchRecords } from './read-records.ts';
import { groupSections } from './sections.ts';
import { renderTablesMarkdown } from './tables-markdown.ts';
import { clsRecord, evaluation } from './test-fixtures.ts';

function lowShot(means: Record<number, [number, number]>, skipped: number[] = []): LowShotRecord {
  const ks = Object.keys(means).map(Number);
  return {
    kValues: [...ks, ...skipped], samples: 2, seed: 0,
    byK: ks.map((k) => {
      const [mean, std] = means[k];
      return { k, cost: 0.1, costIndex: 0, mean, std, min: mean - std, max: mean + std, perSample: [mean - std, mean + std], meanByCost: [mean], seeds: [k, 1000 + k] };
    }),
    skipped: skipped.map((k) => ({ k, className: 'bag', pool: 'positives' as const, available: 3, needed: k, reason: `k ${k}: class bag has 3 positive training images, ${k} needed` })),
    unconverged: 0, seconds: 1,
  };
}

/** random and iae with low-shot results; iae also swept over three layers. */
function record(): Voc07ClsRecord {
  const rec = clsRecord({ random: [0.1, 0.06], iae: [0.3, 0.1] });
  rec.models.random.result.lowShot = lowShot({ 1: [0.1, 0.02], 4: [0.15, 0.01] }, [8]);
  rec.models.iae.result.lowShot = lowShot({ 1: [0.2, 0.04], 4: [0.3, 0.005] }, [8]);
  const at = (map: number) => ({ ...rec.models.iae.result, evaluation: evaluation(map, map), lowShot: undefined });
  rec.models.iae.layers = { res5: at(0.15), conv1: at(0.05), res4: rec.models.iae.result };
  return rec;
}

const sections = (rec: Voc07ClsRecord) => groupSections([{ file: 'results/voc07-cls/ci.json', section: 'ci', record: rec }]);

describe('report: Goyal low-shot and layer sections', () => {
  it('TABLES.md gives mean ± std per model and k, the skipped k once, and mAP per layer in network order', () => {
    const markdown = renderTablesMarkdown(sections(record()), '2026-12-01');
    expect(markdown).toContain('### Low-shot VOC07 linear SVM (Goyal et al. 2019)');
    expect(markdown).toContain('mean ± std over 2 independent samples');
    expect(markdown).toContain('| Model | k=1 | k=4 |');
    expect(markdown).toContain('| `random` | 10.0 ± 2.0 | 15.0 ± 1.0 |');
    expect(markdown).toContain('| `iae` | 20.0 ± 4.0 | 30.0 ± 0.5 |');
    expect(markdown.match(/- Skipped k 8: class bag has 3 positive training images, 8 needed\./g)).toHaveLength(1);
    expect(markdown).toContain('### VOC07 linear-SVM mAP per layer (Goyal et al. 2019 pooling)');
    expect(markdown).toContain('| Model | conv1 (%) | res4 (%) | res5 (%) |');
    expect(markdown).toContain('| `iae` | 5.0 | 20.0 | 15.0 |');
    expect(markdown).not.toContain('| `random` | -'); // random has no sweep: no row
  });

  it('TABLES.md has neither section for a record without them (the existing records)', () => {
    const markdown = renderTablesMarkdown(sections(clsRecord({ random: [0.1, 0.06] })), '2026-12-01');
    expect(markdown).not.toContain('Low-shot');
    expect(markdown).not.toContain('per layer');
  });

  it('report.html draws mAP against k (log2 axis, one line per model) and mAP against the layer', async () => {
    const html = await renderHtmlReport(sections(record()), { modelsDir: '/nonexistent', generatedAt: '2026-12-01' });
    expect(html).toContain('<h4>Low-shot VOC07 linear SVM (Goyal et al. 2019)</h4>');
    expect(html).toContain('<td class="num">30.0 ± 0.5</td>');
    expect(html).toContain('<li>Skipped k 8: class bag has 3 positive training images, 8 needed.</li>');
    expect(html).toContain('Low-shot VOC07 mAP against k (mean ± std over samples)');
    expect(html).toContain('Positives per class (k)');
    expect(html).toContain('<h4>mAP per layer (Goyal et al. 2019 pooling)</h4>');
    expect(html).toContain('VOC07 linear-SVM mAP per layer');
    const layerChart = html.slice(html.indexOf('<figure>', html.indexOf('<h4>mAP per layer')));
    // the layer axis in network order
    expect(layerChart.indexOf('>conv1<')).toBeLessThan(layerChart.indexOf('>res4<'));
    expect(layerChart.indexOf('>res4<')).toBeLessThan(layerChart.indexOf('>res5<'));
    const plain = await renderHtmlReport(sections(clsRecord({ random: [0.1, 0.06] })), { modelsDir: '/nonexistent', generatedAt: '2026-12-01' });
    expect(plain).not.toContain('Low-shot');
    expect(plain).not.toContain('mAP per layer');
  });

  it('a record with them loads; a malformed low-shot or layer entry fails naming the field', () => {
    const load = (rec: unknown) => {
      const root = mkdtempSync(join(tmpdir(), 'mgta-goyal-'));
      mkdirSync(join(root, 'voc07-cls'));
      writeFileSync(join(root, 'voc07-cls', 'ci.json'), JSON.stringify(rec));
      return loadBenchRecords(root);
    };
    expect(load(record())).toHaveLength(1);
    const badMean = record() as unknown as { models: Record<string, { result: { lowShot: { byK: Array<{ mean: unknown }> } }; layers?: Record<string, unknown> }> };
    badMean.models.iae.result.lowShot.byK[1].mean = 'high';
    expect(() => load(badMean)).toThrow(/models\.iae\.result\.lowShot\.byK\[1\]\.mean: must be a finite number/);
    const badLayer = record() as unknown as { models: Record<string, { layers?: Record<string, unknown> }> };
    badLayer.models.iae.layers!.res5 = { evaluation: null };
    expect(() => load(badLayer)).toThrow(/models\.iae\.layers\.res5\.evaluation: must be an object/);
  });
});
