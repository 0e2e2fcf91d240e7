import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder.ts';
import { checkModelStructure } from './graph-check.ts';
import { decodeModel, encodeModel, toNumber } from './onnx-proto.ts';
import { runModel } from './test-support/features.ts';

describe('GraphBuilder', () => {
  it('builds a model ORT runs, with hand-computed Conv + Relu + MaxPool + Add output', async () => {
    const g = new GraphBuilder('tiny');
    g.addInput('x', 'float32', ['N', 1, 3, 3]);
    // 2x2 kernel [[1, 0], [0, -1]], bias 0.5, stride 1, no padding.
    const w = g.addInitializer('w', [1, 1, 2, 2], Float32Array.from([1, 0, 0, -1]));
    const b = g.addInitializer('b', [1], Float32Array.from([0.5]));
    g.addNode('Conv', ['x', w, b], ['c'], { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0] });
    g.addNode('Relu', ['c'], ['r']);
    g.addNode('MaxPool', ['r'], ['m'], { kernel_shape: [2, 2], strides: [1, 1] });
    g.addNode('Add', ['m', 'm'], ['y']);
    g.addOutput('y', 'float32', ['N', 1, 1, 1]);
    const bytes = g.toModelBytes({ opset: 17 });
    expect(checkModelStructure(bytes)).toEqual([]);

    // x = [[1,2,3],[4,5,6],[7,9,8]]: conv = x[i][j] − x[i+1][j+1] + 0.5 = [[-3.5,-3.5],[-4.5,-2.5]],
    // all negative, so relu → 0, max 0, sum 0.
    const zero = await runModel(bytes, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 9, 8]), [1, 1, 3, 3]);
    expect([...zero.data]).toEqual([0]);
    // x = [[9,1,0],[2,3,0],[0,0,1]]: conv = [[9−3, 1−0],[2−0, 3−1]] + 0.5 = [[6.5,1.5],[2.5,2.5]]; max 6.5; ×2 = 13.
    const out = await runModel(bytes, Float32Array.from([9, 1, 0, 2, 3, 0, 0, 0, 1]), [1, 1, 3, 3]);
    expect(out.dims).toEqual([1, 1, 1, 1]);
    expect([...out.data]).toEqual([13]);
  });

  it('writes opset, IR version, dynamic dims and typed attributes', () => {
    const g = new GraphBuilder();
    g.addInput('x', 'float32', ['N', 3]);
    g.addNode('LeakyRelu', ['x'], ['y'], { alpha: { float: 0.25 } });
    g.addOutput('y', 'float32', ['N', 3]);
    const model = decodeModel(g.toModelBytes({ opset: 13 }));
    expect(toNumber(model.ir_version)).toBe(8);
    expect(toNumber(model.opset_import[0].version)).toBe(13);
    expect(model.graph.input[0].type?.tensor_type?.shape?.dim?.map((d) => d.dim_param || toNumber(d.dim_value))).toEqual(['N', 3]);
    const alpha = model.graph.node[0].attribute![0];
    expect(alpha.type).toBe(1); // FLOAT
    expect(alpha.f).toBeCloseTo(0.25);
  });

  it('rejects undefined inputs, duplicate tensors and unproduced outputs', () => {
    const g = new GraphBuilder();
    g.addInput('x', 'float32', [1]);
    expect(() => g.addNode('Relu', ['nope'], ['y'])).toThrow(/input nope is not defined yet/);
    expect(() => g.addInitializer('x', [1], new Float32Array(1))).toThrow(/defined twice/);
    expect(() => g.addInitializer('w', [2], new Float32Array(1))).toThrow(/1 values for shape \[2\]/);
    expect(() => g.addNode('Relu', ['x'], ['y'], { alpha: 0.5 })).toThrow(/not an integer/);
    g.addOutput('z', 'float32', [1]);
    expect(() => g.toModelBytes({ opset: 17 })).toThrow(/z is not produced/);
  });
});

describe('checkModelStructure', () => {
  it('finds out-of-order nodes, redefinitions and dangling outputs', () => {
    const g = new GraphBuilder();
    g.addInput('x', 'float32', [1]);
    g.addNode('Relu', ['x'], ['a'], {}, 'first');
    g.addNode('Relu', ['a'], ['b'], {}, 'second');
    g.addOutput('b', 'float32', [1]);
    const model = decodeModel(g.toModelBytes({ opset: 17 }));
    model.graph.node.reverse();
    model.graph.node.push({ op_type: 'Relu', input: ['x'], output: ['a'], name: 'first' });
    model.graph.output.push({ name: 'ghost' });
    const problems = checkModelStructure(encodeModel(model));
    expect(problems).toContainEqual(expect.stringMatching(/second.*input a is not defined before/));
    expect(problems).toContainEqual(expect.stringMatching(/duplicate node name/));
    expect(problems).toContainEqual(expect.stringMatching(/redefines an existing tensor/));
    expect(problems).toContainEqual('graph output ghost is never produced');
  });
});
