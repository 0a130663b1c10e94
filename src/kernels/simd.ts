/**
 * The SIMD loops of `simd.wat`, instantiated on the wasm backend's own memory
 * (so they read and write tensors in place), with a scratch area for
 * per-feature vectors allocated from the backend's heap.
 */
import { SIMD_WASM_BASE64 } from './simd-binary';

// The slice of the WebAssembly API used here (the kit compiles without the DOM library).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};
interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface SimdLoops {
  rmsprop(
    w: number,
    g: number,
    ms: number,
    mom: number,
    out: number,
    n: number,
    lr: number,
    decay: number,
    momentum: number,
    eps: number,
  ): void;
  ema(s: number, v: number, out: number, n: number, keep: number): void;
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, aRow: number, aK: number): void;
  /** C += A·B, otherwise as `gemm`. */
  gemm_acc(a: number, b: number, c: number, m: number, k: number, n: number, aRow: number, aK: number): void;
  /**
   * A stride-1 'same' convolution's output rows on a zero-framed input: c [m, n] = A·b, row i of A
   * `segs` runs of `seglen` floats from byte frame + table[i], `segStride` bytes apart (n in fours).
   */
  conv_rows(
    frame: number,
    table: number,
    b: number,
    c: number,
    m: number,
    n: number,
    segs: number,
    seglen: number,
    segStride: number,
  ): void;
  /** Its weight gradient over `rows` output rows: out [kk, n] (+)= Aᵀ·dy, summed onto out with `acc`. */
  conv_filter_rows(
    frame: number,
    table: number,
    dy: number,
    out: number,
    rows: number,
    kk: number,
    n: number,
    seglen: number,
    segStride: number,
    acc: number,
  ): void;
  /** 2×2 max-pooling of [N, H, W, C] (C a multiple of 4) as rows = N·H/2 rows of wo = W/2 outputs: y and where. */
  max_pool2(x: number, rows: number, wo: number, c: number, y: number, where: number): void;
  /** ∂ℓ/∂x of max_pool2 from dy and where. */
  max_pool2_back(dy: number, where: number, rows: number, wo: number, c: number, dx: number): void;
  col_mean(x: number, rows: number, cols: number, out: number): void;
  col_var(x: number, rows: number, cols: number, mean: number, out: number): void;
  norm_relu(
    x: number,
    rows: number,
    cols: number,
    mean: number,
    inv: number,
    scale: number,
    shift: number,
    out: number,
    xhat: number,
    outT: number,
    ldT: number,
  ): void;
  norm_relu_nt(
    x: number,
    rows: number,
    cols: number,
    mean: number,
    inv: number,
    scale: number,
    shift: number,
    out: number,
    xhat: number,
  ): void;
  masked_col_sums(dy: number, y: number, xhat: number, rows: number, cols: number, sumG: number, sumGX: number): void;
  masked_dx_affine(
    dy: number,
    y: number,
    xhat: number,
    rows: number,
    cols: number,
    k: number,
    p: number,
    q: number,
    dx: number,
  ): void;
  masked_dx(
    dy: number,
    y: number,
    xhat: number,
    rows: number,
    cols: number,
    k: number,
    meanG: number,
    meanGX: number,
    dx: number,
  ): void;
}

/** What the loops need from the wasm backend's Emscripten module. */
export interface WasmModule {
  asm: { memory: WasmMemory };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

export interface Simd {
  loops: SimdLoops;
  /**
   * A pointer to at least `floats` float32 of scratch memory. Call it before
   * allocating outputs and taking views: it may grow the heap.
   */
  scratch(floats: number): number;
  /** The heap as float32, for the per-feature work done in JavaScript (take it after every allocation). */
  heap(): Float32Array;
  /** The heap as int32 (the row tables of the convolutions). */
  heap32(): Int32Array;
}

/** Base64 to bytes in Node and in browsers (`atob` is global in both; Node has had it since 16). */
function decodeBase64(text: string): Uint8Array {
  const binary = (globalThis as unknown as { atob(s: string): string }).atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const bound = new WeakMap<object, Simd | null>();

/** The loops bound to `wasm`'s memory, or null where this runtime has no wasm SIMD or the memory is shared. */
export function simdFor(wasm: WasmModule): Simd | null {
  if (bound.has(wasm)) return bound.get(wasm)!;
  let simd: Simd | null = null;
  try {
    const memory = wasm.asm.memory;
    if (!(memory.buffer instanceof ArrayBuffer)) throw new Error('shared memory');
    const module = new WebAssembly.Module(decodeBase64(SIMD_WASM_BASE64));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    let pointer = 0;
    let capacity = 0;
    simd = {
      loops: instance.exports as unknown as SimdLoops,
      scratch: (floats) => {
        if (floats > capacity) {
          // One small area per backend, grown to the largest request.
          if (pointer !== 0) wasm._free(pointer);
          capacity = Math.max(floats, 2 * capacity, 1024);
          pointer = wasm._malloc(4 * capacity);
        }
        return pointer;
      },
      heap: () => new Float32Array(memory.buffer),
      heap32: () => new Int32Array(memory.buffer),
    };
  } catch {
    simd = null;
  }
  bound.set(wasm, simd);
  return simd;
}
