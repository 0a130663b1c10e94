/** Initializer arguments as tfjs-layers accepts them, and their serialized form. */
import type { Initializer } from './tf-types';
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

/** A weight regularizer as tfjs-layers takes it (e.g. `tf.regularizers.l1l2`). */
export type RegularizerLike = ReturnType<typeof tf.regularizers.l1l2>;
/** A weight constraint as tfjs-layers takes it (e.g. `tf.constraints.maxNorm`). */
export type ConstraintLike = ReturnType<typeof tf.constraints.maxNorm>;

/**
 * A regularizer or constraint from an instance or its serialized form
 * `{className, config}` (as a Keras model.json gives it); null and undefined
 * mean none. An unknown class is an error naming `field` and the class.
 */
export function resolveSerializable<T>(id: unknown, field: string): T | null {
  if (id === null || id === undefined) return null;
  if (typeof id === 'object' && 'className' in id && typeof (id as { className: unknown }).className === 'string') {
    const { className, config } = id as { className: string; config?: Record<string, unknown> };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
    if (entry === undefined)
      throw new Error(`${field}: unknown class '${className}' (tfjs has no such class registered)`);
    const [cls, fromConfig] = entry;
    return fromConfig(cls, (config ?? {}) as tf.serialization.ConfigDict) as T;
  }
  if (typeof id === 'object' && typeof (id as { getClassName?: unknown }).getClassName === 'function') return id as T;
  throw new Error(`${field}: expected an instance or {className, config}, got ${JSON.stringify(id)}`);
}

/** The serialized form of a regularizer or constraint, or null. */
export function serializeSerializable(
  value: tf.serialization.Serializable | null,
): { className: string; config: tf.serialization.ConfigDict } | null {
  return value === null ? null : { className: value.getClassName(), config: value.getConfig() };
}
