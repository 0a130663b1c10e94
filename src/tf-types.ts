/**
 * The tfjs-layers types the kit's layers are written against, taken from the
 * public `tf` namespace only: the package's declaration files name no module
 * but its declared peer, @tensorflow/tfjs (tfjs-layers' `dist/` paths are its
 * internals, and not a dependency of ours).
 */
import type { tf } from './tf';

/** The arguments every layer takes (name, inputShape, trainable, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
/** A weight initializer instance. */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;
/** A layer's weight. */
export type LayerVariable = tf.LayerVariable;
/** The keyword arguments of `Layer.call` (`training`, …). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Kwargs = { [key: string]: any };
