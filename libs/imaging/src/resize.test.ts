import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image.ts';
import { resizeBilinearCv2, resizeBilinearPil, resizeGreyBilinearPil } from './resize.ts';

/** A grey image (R = G = B) from rows of values. */
function grey(rows: number[][]): RgbImage {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height * 3);
  rows.flat().forEach((v, i) => data.fill(v, i * 3, i * 3 + 3));
  return { data, width, height, channels: 3 };
}

function rowsOf(image: RgbImage): number[][] {
  const rows: number[][] = [];
  for (let y = 0; y < image.height; y++) {
    const row: number[] = [];
    for (let x = 0; x < image.width; x++) {
      const p = (y * image.width + x) * 3;
      expect(image.data[p + 1]).toBe(image.data[p]);
      expect(image.data[p + 2]).toBe(image.data[p]);
      row.push(image.data[p]);
    }
    rows.push(row);
  }
  return rows;
}

describe('resizeBilinearPil (torchvision / PIL bilinear)', () => {
  it('2x2 → 3x3 by hand: horizontal pass, rounded, then vertical', () => {
    // Output centre x = (xx + 0.5) * 2/3: 1/3, 1, 5/3. Triangle taps after clamping give
    // weights [1], [1/2, 1/2], [1] → row 0: 0, 45, 90; row 1: 180, 217.5 → 218, 255.
    // Vertical the same: middle row = (row0 + row1) / 2 = 90, 131.5 → 132, 172.5 → 173.
    const out = resizeBilinearPil(grey([[0, 90], [180, 255]]), 3, 3);
    expect(rowsOf(out)).toEqual([[0, 45, 90], [90, 132, 173], [180, 218, 255]]);
  });

  it('is antialiased when shrinking: 4 → 2 averages three taps', () => {
    // scale 2, support 2. Output 0: centre 1, taps x=0,1,2 weights 0.75, 0.75, 0.25 (÷1.75)
    //   → (0*3 + 70*3 + 140) / 7 = 50. Output 1: centre 3, taps 1,2,3 weights 0.25, 0.75, 0.75
    //   → (70 + 140*3 + 210*3) / 7 = 160. (Two-tap bilinear would give 35 and 175.)
    const out = resizeBilinearPil(grey([[0, 70, 140, 210]]), 2, 1);
    expect(rowsOf(out)).toEqual([[50, 160]]);
  });

  it('keeps an image of the target size unchanged', () => {
    const image = grey([[1, 2], [3, 4]]);
    expect(rowsOf(resizeBilinearPil(image, 2, 2))).toEqual([[1, 2], [3, 4]]);
  });
});

describe('resizeBilinearCv2 (Detectron / OpenCV INTER_LINEAR)', () => {
  it('2 → 4 samples at (x + 0.5) / 2 - 0.5, clamped', () => {
    // Sources -0.25 (→ 0), 0.25, 0.75, 1.25 (→ 1): 0, 25, 75, 100.
    const out = resizeBilinearCv2(grey([[0, 100]]), 2);
    expect(out.width).toBe(4);
    expect(out.height).toBe(2);
    expect(rowsOf(out)).toEqual([[0, 25, 75, 100], [0, 25, 75, 100]]);
  });

  it('is not antialiased when shrinking: 4 → 2 takes two taps', () => {
    // Sources 0.5 and 2.5: (0 + 70) / 2 = 35, (140 + 210) / 2 = 175; rows 0.5 → mean of the two rows.
    const out = resizeBilinearCv2(grey([[0, 70, 140, 210], [0, 70, 140, 210]]), 0.5);
    expect(rowsOf(out)).toEqual([[35, 175]]);
  });
});

describe('resizeGreyBilinearPil', () => {
  it('matches the RGB resizer on one channel', () => {
    const out = resizeGreyBilinearPil({ data: Uint8Array.from([0, 90, 180, 255]), width: 2, height: 2 }, 3, 3);
    expect([...out.data]).toEqual([0, 45, 90, 90, 132, 173, 180, 218, 255]);
  });
});

/** Pillow's own outputs (libs/imaging/fixtures/pil-bilinear.json; its `generator` says how they were made): doubles, not Pillow's fixed point (resize.ts says why). */
describe('resizeBilinearPil against Pillow', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/pil-bilinear.json', import.meta.url), 'utf8')) as {
    cases: Array<{ mode: 'RGB' | 'L'; in: [number, number]; out: [number, number]; input: string; expected: string }>;
  };
  const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

  it("stays within one grey level of Pillow's bytes, and differs in under 1% of them, enlarging, shrinking and mixing", () => {
    expect(fixture.cases.length).toBe(16);
    let differing = 0;
    let total = 0;
    for (const c of fixture.cases) {
      const [w, h] = c.in;
      const [outW, outH] = c.out;
      const got = c.mode === 'RGB'
        ? resizeBilinearPil({ data: bytes(c.input), width: w, height: h, channels: 3 }, outW, outH).data
        : resizeGreyBilinearPil({ data: bytes(c.input), width: w, height: h }, outW, outH).data;
      const expected = bytes(c.expected);
      expect(got.length).toBe(expected.length);
      const worst = expected.reduce((m, v, i) => Math.max(m, Math.abs(got[i] - v)), 0);
      expect(worst, `${c.mode} ${w}x${h} -> ${outW}x${outH}`).toBeLessThanOrEqual(1);
      differing += expected.reduce((count, v, i) => count + (got[i] === v ? 0 : 1), 0);
      total += expected.length;
    }
    expect(differing / total).toBeLessThan(0.01);
  });
});
