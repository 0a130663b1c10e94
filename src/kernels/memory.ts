/**
 * Direct access to a backend's tensor memory, for kernels written in
 * JavaScript. The wasm and cpu backends keep every tensor in memory that
 * JavaScript can address (the wasm heap, or plain typed arrays), so a kernel
 * can read its inputs and write its outputs in place, as those backends' own
 * JavaScript kernels do. Other backends (tfjs-node's `tensorflow`, WebGL) get
 * no such kernels and run the op-composed path instead.
 */
import { tf } from '../tf';
import { simdFor, type Simd, type WasmModule } from './simd';

type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };

/** The backends whose memory a JavaScript kernel can address. */
export const HOST_MEMORY_BACKENDS = ['wasm', 'cpu'] as const;
export type HostMemoryBackend = (typeof HOST_MEMORY_BACKENDS)[number];

/** What a kernel needs from its backend: views of inputs, and fresh outputs with views. */
export interface HostMemory {
  /** A view of `t`'s values (no copy). */
  read(t: TensorInfo): Float32Array;
  /** A view of an int32 tensor's values (no copy). */
  readInt(t: TensorInfo): Int32Array;
  /**
   * New float32 outputs of the given shapes and views of their memory, in that
   * order. Allocate every output of a call at once: on wasm an allocation may
   * grow the heap, which detaches views taken before it.
   */
  alloc(shapes: number[][]): { infos: TensorInfo[]; views: Float32Array[] };
  /** On wasm: the SIMD loops (null elsewhere, or without wasm SIMD), and each tensor's byte offset in the heap. */
  simd: Simd | null;
  offset(t: TensorInfo): number;
}

interface WasmBackend {
  wasm: WasmModule;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  getMemoryOffset(dataId: object): number;
}

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array | Int32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function hostMemory(backendName: HostMemoryBackend, backend: unknown): HostMemory {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackend;
    return {
      simd: simdFor(wasm.wasm),
      offset: (t) => wasm.getMemoryOffset(t.dataId),
      read: (t) => wasm.typedArrayFromHeap(t) as Float32Array,
      readInt: (t) => wasm.typedArrayFromHeap(t) as Int32Array,
      alloc: (shapes) => {
        const infos = shapes.map((s) => wasm.makeOutput(s, 'float32'));
        return { infos, views: infos.map((i) => wasm.typedArrayFromHeap(i) as Float32Array) };
      },
    };
  }
  const cpu = backend as CpuBackend;
  return {
    simd: null,
    offset: () => {
      throw new Error('tensor offsets exist only on the wasm backend');
    },
    read: (t) => cpu.data.get(t.dataId).values as Float32Array,
    readInt: (t) => cpu.data.get(t.dataId).values as Int32Array,
    alloc: (shapes) => {
      const views = shapes.map((s) => new Float32Array(size(s)));
      return { infos: shapes.map((s, i) => cpu.makeTensorInfo(s, 'float32', views[i])), views };
    },
  };
}

/** Whether the active backend runs the kit's JavaScript kernels. */
export function hasHostKernels(): boolean {
  return (HOST_MEMORY_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/** Whether the active backend runs the kit's SIMD loops (wasm, where the runtime has wasm SIMD). */
export function hasSimdKernels(): boolean {
  return tf.getBackend() === 'wasm' && simdFor((tf.backend() as unknown as WasmBackend).wasm) !== null;
}
