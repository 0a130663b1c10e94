/**
 * The one TensorFlow.js instance the kit uses. Everything in the library, and
 * every notebook that imports `tf` from the package root, shares it, so layers,
 * tensors and backends never come from two copies of tfjs.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
