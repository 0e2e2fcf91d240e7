/**
 * The SVM stage's inner loops as WebAssembly SIMD (128-bit, two float64 lanes), for V8's
 * wasm compiler to turn into packed SSE/AVX instructions: plain JavaScript loops over a
 * Float64Array run one scalar operation at a time.
 *
 * The module is assembled here from its bytes (a few dozen instructions; no toolchain in the
 * build) and imports one memory, `env.mem`, a shared WebAssembly.Memory that holds the
 * features, the Gram matrix and every worker's scratch (see arena.ts), so all workers run
 * the same kernels on the same buffers. Every pointer argument is a byte offset into it,
 * 16-byte aligned where it starts a row.
 *
 *   axpy(dst, src, n, a)          dst[0..n) += a · src[0..n)     (same rounding as the JS loop:
 *                                                               a multiply, then an add)
 *   dot(a, b, n) → f64            Σ a[k] b[k]                    (8 partial sums, then added)
 *   dot4x2(a, b, stride, n, out)  out[2r + c] = Σ_k a_r[k] b_c[k] for the rows a_r = a + r·stride
 *                                 (r < 4) and b_c = b + c·stride (c < 2), n even: the register
 *                                 block of the Gram kernel (2 partial sums per entry)
 */

// ---- a tiny WebAssembly encoder ------------------------------------------------------------

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

/** Instructions (each returns its bytes). */
const get = (local: number) => [0x20, ...uleb(local)];
const set = (local: number) => [0x21, ...uleb(local)];
const i32 = (value: number) => [0x41, ...sleb(value)];
const I32_ADD = [0x6a];
const I32_SHL = [0x74];
const I32_GT_U = [0x4b];
const I32_GE_U = [0x4f];
const F64_ADD = [0xa0];
const F64_MUL = [0xa2];
const memarg = (offset: number) => [3, ...uleb(offset)]; // align 2^3 = 8 bytes (a hint only)
const f64Load = (offset = 0) => [0x2b, ...memarg(offset)];
const f64Store = (offset = 0) => [0x39, ...memarg(offset)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128Load = (offset = 0) => [...simd(0x00), ...memarg(offset)];
const v128Store = (offset = 0) => [...simd(0x0b), ...memarg(offset)];
const F64X2_SPLAT = simd(0x14);
const lane = (index: number) => [...simd(0x21), index];
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const br = (depth: number) => [0x0c, ...uleb(depth)];

/** `while (pointer + step <= end) { body }`: block { loop { if (pointer + step > end) break; body; continue } }. */
function whileFits(pointer: number, step: number, end: number, body: number[]): number[] {
  const exit = step === 0 ? [...get(pointer), ...get(end), ...I32_GE_U] : [...get(pointer), ...i32(step), ...I32_ADD, ...get(end), ...I32_GT_U];
  return [...BLOCK, ...LOOP, ...exit, ...brIf(1), ...body, ...br(0), ...END, ...END];
}
/** local += step */
const advance = (local: number, step: number) => [...get(local), ...i32(step), ...I32_ADD, ...set(local)];
/** the f64 sum of the two lanes of a v128 local */
const laneSum = (local: number) => [...get(local), ...lane(0), ...get(local), ...lane(1), ...F64_ADD];

interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals, in order after the parameters. */
  locals: number[];
  body: number[];
}

function axpyFunction(): WasmFunction {
  // params: dst 0, src 1, n 2, a 3; locals: end 4, av 5
  const [dst, src, n, a, end, av] = [0, 1, 2, 3, 4, 5];
  const step = (offset: number) => [...get(dst), ...get(dst), ...v128Load(offset), ...get(src), ...v128Load(offset), ...get(av), ...F64X2_MUL, ...F64X2_ADD, ...v128Store(offset)];
  return {
    name: 'axpy',
    params: [I32, I32, I32, F64],
    results: [],
    locals: [I32, V128],
    body: [
      ...get(a), ...F64X2_SPLAT, ...set(av),
      ...get(dst), ...get(n), ...i32(3), ...I32_SHL, ...I32_ADD, ...set(end),
      ...whileFits(dst, 64, end, [...step(0), ...step(16), ...step(32), ...step(48), ...advance(dst, 64), ...advance(src, 64)]),
      ...whileFits(dst, 0, end, [
        ...get(dst), ...get(dst), ...f64Load(), ...get(src), ...f64Load(), ...get(a), ...F64_MUL, ...F64_ADD, ...f64Store(),
        ...advance(dst, 8), ...advance(src, 8),
      ]),
    ],
  };
}

function dotFunction(): WasmFunction {
  // params: a 0, b 1, n 2; locals: end 3, acc 4..7 (v128), tail 8 (f64)
  const [a, b, n, end, tail] = [0, 1, 2, 3, 8];
  const acc = [4, 5, 6, 7];
  const step = (k: number) => [...get(acc[k]), ...get(a), ...v128Load(16 * k), ...get(b), ...v128Load(16 * k), ...F64X2_MUL, ...F64X2_ADD, ...set(acc[k])];
  return {
    name: 'dot',
    params: [I32, I32, I32],
    results: [F64],
    locals: [I32, V128, V128, V128, V128, F64],
    body: [
      ...get(a), ...get(n), ...i32(3), ...I32_SHL, ...I32_ADD, ...set(end),
      ...whileFits(a, 64, end, [...step(0), ...step(1), ...step(2), ...step(3), ...advance(a, 64), ...advance(b, 64)]),
      ...get(acc[0]), ...get(acc[1]), ...F64X2_ADD, ...get(acc[2]), ...get(acc[3]), ...F64X2_ADD, ...F64X2_ADD, ...set(acc[0]),
      ...laneSum(acc[0]), ...set(tail),
      ...whileFits(a, 0, end, [
        ...get(tail), ...get(a), ...f64Load(), ...get(b), ...f64Load(), ...F64_MUL, ...F64_ADD, ...set(tail),
        ...advance(a, 8), ...advance(b, 8),
      ]),
      ...get(tail),
    ],
  };
}

function dot4x2Function(): WasmFunction {
  // params: a 0, b 1, stride 2, n 3, out 4
  // locals: a1 5, a2 6, a3 7, b1 8, end 9 (i32); acc 10..17, va 18..21, vb 22..23 (v128)
  const [a, b, stride, n, out, a1, a2, a3, b1, end] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const rows = [a, a1, a2, a3];
  const cols = [b, b1];
  const acc = (r: number, c: number) => 10 + 2 * r + c;
  const va = (r: number) => 18 + r;
  const vb = (c: number) => 22 + c;
  const step = (offset: number) => [
    ...rows.flatMap((row, r) => [...get(row), ...v128Load(offset), ...set(va(r))]),
    ...cols.flatMap((col, c) => [...get(col), ...v128Load(offset), ...set(vb(c))]),
    ...[0, 1, 2, 3].flatMap((r) => [0, 1].flatMap((c) => [...get(acc(r, c)), ...get(va(r)), ...get(vb(c)), ...F64X2_MUL, ...F64X2_ADD, ...set(acc(r, c))])),
  ];
  return {
    name: 'dot4x2',
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, ...Array<number>(14).fill(V128)],
    body: [
      ...get(a), ...get(stride), ...I32_ADD, ...set(a1),
      ...get(a1), ...get(stride), ...I32_ADD, ...set(a2),
      ...get(a2), ...get(stride), ...I32_ADD, ...set(a3),
      ...get(b), ...get(stride), ...I32_ADD, ...set(b1),
      ...get(a), ...get(n), ...i32(3), ...I32_SHL, ...I32_ADD, ...set(end),
      // one pair of features per iteration: unrolling further measured slower (register spills)
      ...whileFits(a, 16, end, [...step(0), ...[...rows, ...cols].flatMap((p) => advance(p, 16))]),
      ...[0, 1, 2, 3].flatMap((r) => [0, 1].flatMap((c) => [...get(out), ...laneSum(acc(r, c)), ...f64Store(8 * (2 * r + c))])),
    ],
  };
}

function assemble(functions: WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const codes = functions.map((f) => {
    // locals as (count, type) runs
    const runs: number[][] = [];
    for (const type of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    const body = [...vector(runs.map(([count, type]) => [...uleb(count), type])), ...f.body, ...END];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    // import env.mem: shared memory (limits flag 3: min and max, shared), min 1 page, max 65536 pages
    ...section(2, vector([[...name('env'), ...name('mem'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(codes)),
  ]);
}

// ---- the kernels ---------------------------------------------------------------------------

export interface SimdKernels {
  axpy(dst: number, src: number, n: number, a: number): void;
  dot(a: number, b: number, n: number): number;
  dot4x2(a: number, b: number, stride: number, n: number, out: number): void;
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs carry no DOM types). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WasmModule {
  readonly __module: unique symbol;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

/** The compiled module, or null where this engine has no wasm SIMD (or no WebAssembly). */
export function simdModule(): WasmModule | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const bytes = assemble([axpyFunction(), dotFunction(), dot4x2Function()]);
      if (wasm !== undefined && wasm.validate(bytes)) compiled = new wasm.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** A shared memory of `pages` × 64 KiB, or null where it cannot be had. */
export function sharedMemory(pages: number): WasmMemory | null {
  if (wasm === undefined) return null;
  try {
    return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
}

/** The kernels bound to a shared memory (one instance per thread). */
export function simdKernels(memory: WasmMemory): SimdKernels {
  const module = simdModule();
  if (module === null || wasm === undefined) throw new Error('WebAssembly SIMD is not available');
  const instance = new wasm.Instance(module, { env: { mem: memory } });
  return instance.exports as SimdKernels;
}
