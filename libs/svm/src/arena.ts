import { sharedMemory, simdKernels, simdModule, type SimdKernels, type WasmMemory } from './simd.ts';

/**
 * One shared WebAssembly.Memory holding everything the SIMD kernels touch, so every worker
 * runs them on the same buffers without copies: the normalised training rows x (n × d),
 * the normalised test rows (m × d), the Gram matrix K̃ (n × n, Gram engine only), and one
 * scratch slot per thread. A slot holds the kernels' output block, the decision values f
 * (n), the explicit weights w (d + 1), and, for cross-validation with the Gram engine, the
 * fold's Gram rows in fold order (at most `foldRows` × n; see SimdGramModel).
 * A wasm memory is at most 4 GiB; a run that needs more uses the plain JavaScript path.
 */
export interface ArenaLayout {
  n: number;
  d: number;
  testRows: number;
  xOffset: number;
  testOffset: number;
  /** −1 without a Gram matrix. */
  gramOffset: number;
  slotOffset: number;
  slotBytes: number;
  slots: number;
  /** Training rows of a fold that the slot's fold-Gram area can hold (0: none). */
  foldRows: number;
  bytes: number;
}

/** Offsets inside a slot, in bytes from the slot's start. */
export interface SlotLayout {
  out: number;
  f: number;
  w: number;
  fold: number;
}

const PAGE = 65536;
export const MAX_ARENA_BYTES = 65536 * PAGE; // 4 GiB: wasm32's limit
const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

export function slotLayout(n: number, d: number): SlotLayout {
  const out = 0;
  const f = align(out + 8 * 8);
  const w = align(f + 8 * n);
  const fold = align(w + 8 * (d + 1));
  return { out, f, w, fold };
}

/**
 * The layout for a run, or null where it does not fit in a wasm memory. With the Gram engine
 * each slot also gets room for a fold's Gram rows (`foldRows` × n) when that fits.
 */
export function planArena(n: number, d: number, testRows: number, gram: boolean, slots: number, foldRows: number, maxBytes = MAX_ARENA_BYTES): ArenaLayout | null {
  const xOffset = 0;
  const testOffset = align(xOffset + 8 * n * d);
  const gramOffset = gram ? align(testOffset + 8 * testRows * d) : -1;
  const slotOffset = align(gram ? gramOffset + 8 * n * n : testOffset + 8 * testRows * d);
  const base = slotLayout(n, d).fold;
  for (const rows of gram ? [foldRows, 0] : [0]) {
    const slotBytes = align(base + 8 * rows * n);
    const bytes = Math.ceil((slotOffset + slots * slotBytes) / PAGE) * PAGE;
    if (bytes <= maxBytes) return { n, d, testRows, xOffset, testOffset, gramOffset, slotOffset, slotBytes, slots: Math.max(1, slots), foldRows: rows, bytes };
  }
  return null;
}

export interface SharedArena {
  memory: WasmMemory;
  layout: ArenaLayout;
}

/** Allocates the memory (zeroed; the OS commits pages as they are written). Null without wasm SIMD. */
export function allocateArena(layout: ArenaLayout): SharedArena | null {
  if (simdModule() === null) return null;
  const memory = sharedMemory(layout.bytes / PAGE);
  return memory === null ? null : { memory, layout }; // null: address space refused, the JavaScript path
}

/** A thread's views onto the arena and its kernels. */
export interface ArenaViews {
  arena: SharedArena;
  kernels: SimdKernels;
  /** The whole memory as float64 (index = byte offset / 8). */
  heap: Float64Array;
  x: Float64Array;
  test: Float64Array;
  gram: Float64Array | undefined;
  /** Byte offset of this thread's slot, and the offsets inside it. */
  slot: number;
  slotLayout: SlotLayout;
}

export function arenaViews(arena: SharedArena, slotIndex: number): ArenaViews {
  const { layout, memory } = arena;
  if (slotIndex < 0 || slotIndex >= layout.slots) throw new RangeError(`arena slot ${slotIndex} of ${layout.slots}`);
  const buffer = memory.buffer;
  return {
    arena,
    kernels: simdKernels(memory),
    heap: new Float64Array(buffer),
    x: new Float64Array(buffer, layout.xOffset, layout.n * layout.d),
    test: new Float64Array(buffer, layout.testOffset, layout.testRows * layout.d),
    gram: layout.gramOffset >= 0 ? new Float64Array(buffer, layout.gramOffset, layout.n * layout.n) : undefined,
    slot: layout.slotOffset + slotIndex * layout.slotBytes,
    slotLayout: slotLayout(layout.n, layout.d),
  };
}
