/** Initializer arguments as tfjs-layers accepts them, and their serialized form. */
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import { tf } from './tf';

/** An initializer: an instance, 'zeros' or 'ones', or its serialized form `{className, config}`. */
export type InitializerLike = Initializer | 'zeros' | 'ones' | { className: string; config: Record<string, unknown> };

/** Turns an `InitializerLike` into an initializer, naming `field` in errors. */
export function resolveInitializer(id: InitializerLike, field: string): Initializer {
  if (id === 'zeros') return tf.initializers.zeros();
  if (id === 'ones') return tf.initializers.ones();
  if (typeof id === 'object' && id !== null && 'className' in id && typeof id.className === 'string') {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[id.className];
    if (entry === undefined) throw new Error(`${field}: unknown initializer class '${id.className}'`);
    const [cls, fromConfig] = entry;
    return fromConfig(cls, id.config as tf.serialization.ConfigDict) as Initializer;
  }
  if (typeof id === 'object' && id !== null && typeof (id as Initializer).apply === 'function')
    return id as Initializer;
  throw new Error(`${field}: expected an Initializer, 'zeros' or 'ones', got ${JSON.stringify(id)}`);
}

export function serializeInitializer(init: Initializer): { className: string; config: tf.serialization.ConfigDict } {
  return { className: init.getClassName(), config: init.getConfig() };
}
