import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Charts as standalone SVG strings, rendered in Node (vega's headless View), so the HTML
 * report needs no script and no network to show them.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/**
 * Per-class AP bars, one bar per model inside each class group. AP in percent. `colorDomain`
 * lists every model of the section in table order, so a model keeps its colour (and its
 * place in the legend) across the classification and detection charts.
 */
export function apBarsSpec(rows: Array<{ model: string; cls: string; ap: number }>, title: string, yTitle: string, colorDomain: string[]): TopLevelSpec {
  const classes = [...new Set(rows.map((row) => row.cls))];
  const models = colorDomain.filter((model) => rows.some((row) => row.model === model));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: Math.max(360, Math.min(880, classes.length * 70)),
    height: 220,
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'cls', type: 'nominal', title: 'Class', sort: classes, axis: { labelAngle: -30 } },
      xOffset: { field: 'model', type: 'nominal', sort: models },
      y: { field: 'ap', type: 'quantitative', title: yTitle, scale: { domain: [0, 100] } },
      color: { field: 'model', type: 'nominal', title: 'Model', scale: { domain: colorDomain } },
      tooltip: [{ field: 'model' }, { field: 'cls' }, { field: 'ap', format: '.1f' }],
    },
  };
}

/** One model's precision–recall curves, one line per class. */
export function prCurvesSpec(points: Array<{ cls: string; recall: number; precision: number; order: number }>, title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: 260,
    height: 200,
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'Recall', scale: { domain: [0, 1] } },
      y: { field: 'precision', type: 'quantitative', title: 'Precision', scale: { domain: [0, 1] } },
      color: { field: 'cls', type: 'nominal', title: 'Class', legend: { orient: 'bottom', columns: 5 } },
      order: { field: 'order', type: 'quantitative' },
    },
  };
}

/** Values of several series over training steps (loss components, or NMI and purity). */
export function seriesOverStepsSpec(
  points: Array<{ step: number; series: string; value: number }>,
  title: string,
  yTitle: string,
  options: { logScale?: boolean; unitDomain?: boolean } = {},
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: 360,
    height: 200,
    data: { values: points },
    mark: { type: 'line', point: points.length <= 60, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'Step' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: yTitle,
        scale: options.unitDomain ? { domain: [0, 1] } : options.logScale ? { type: 'log' } : { zero: false },
      },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } },
    },
  };
}

/** Goyal et al. 2019's low-shot figure: test mAP against k (log₂ axis), one line per model, a ± std band over the samples. */
export function lowShotSpec(points: Array<{ model: string; k: number; mean: number; low: number; high: number; std: number }>, title: string, colorDomain: string[]): TopLevelSpec {
  const ks = [...new Set(points.map((p) => p.k))].sort((a, b) => a - b);
  const x = { field: 'k', type: 'quantitative' as const, title: 'Positives per class (k)', scale: { type: 'log' as const, base: 2 }, axis: { values: ks } };
  const color = { field: 'model', type: 'nominal' as const, title: 'Model', scale: { domain: colorDomain } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: 420,
    height: 240,
    data: { values: points },
    layer: [
      { mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'mAP (%)' }, y2: { field: 'high' }, color } },
      {
        mark: { type: 'line', point: true, strokeWidth: 1.5 },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'mAP (%)' }, color, tooltip: [{ field: 'model' }, { field: 'k' }, { field: 'mean', format: '.1f' }, { field: 'std', format: '.1f' }] },
      },
    ],
  };
}

/** Goyal et al. 2019's per-layer figure: mAP against the layer the features come from, one line per model. */
export function layerSweepSpec(points: Array<{ model: string; layer: string; map: number }>, layers: string[], title: string, colorDomain: string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: 360,
    height: 220,
    data: { values: points },
    mark: { type: 'line', point: true, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'layer', type: 'ordinal', title: 'Layer', sort: layers },
      y: { field: 'map', type: 'quantitative', title: 'mAP (%)' },
      color: { field: 'model', type: 'nominal', title: 'Model', scale: { domain: colorDomain } },
      tooltip: [{ field: 'model' }, { field: 'layer' }, { field: 'map', format: '.1f' }],
    },
  };
}
