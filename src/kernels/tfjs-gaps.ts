/**
 * Kernels that `model.fit` on a convolutional model needs and tfjs's wasm
 * backend lacks, registered on import. Today that is `Conv2DBackpropFilter`
 * (∂ℓ/∂W of every `conv2d`, tfjs issue 8474): without it no conv model
 * trains on wasm. Each is registered only where tfjs has none, so a tfjs
 * release that adds its own keeps it (and one imported later replaces ours).
 * The package root imports this module; so do the kit's trainers.
 */
import { tf } from '../tf';
import { conv2DBackpropFilter } from './conv-filter';
import { hostMemory, type HostMemory, type HostMemoryBackend } from './memory';
import type { Info } from './renorm-relu';

type Body = (mem: HostMemory, inputs: Record<string, Info>, attrs: Record<string, unknown>) => Info[];

/** The kernels this module registers where the backend has none, by backend, with their bodies. */
const FILLS: Readonly<Partial<Record<HostMemoryBackend, Readonly<Record<string, Body>>>>> = {
  wasm: { Conv2DBackpropFilter: conv2DBackpropFilter as unknown as Body },
};

/** The kernels this module registers where the backend has none, by backend. */
export const FILLED_KERNELS: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.entries(FILLS).map(([backend, kernels]) => [backend, Object.keys(kernels!)])),
);

/** Which of `FILLED_KERNELS` are the kit's (registered here), not tfjs's own, at this moment. */
export const filledByKit = new Set<string>();

for (const [backendName, kernels] of Object.entries(FILLS)) {
  for (const [kernelName, body] of Object.entries(kernels!)) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) =>
      body(
        hostMemory(backendName as HostMemoryBackend, backend),
        inputs as unknown as Record<string, Info>,
        attrs as Record<string, unknown>,
      )[0] as unknown as tf.TensorInfo;
    tf.registerKernel({ kernelName, backendName, kernelFunc });
    filledByKit.add(`${backendName}/${kernelName}`);
  }
}
