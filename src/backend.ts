/**
 * Backend selection. The kit runs on three TensorFlow.js backends, fastest first:
 *
 * 1. `tensorflow` — native libtensorflow through `@tensorflow/tfjs-node`, an
 *    optional dependency whose install script downloads libtensorflow (it is
 *    simply absent on machines without internet access);
 * 2. `wasm` — `@tensorflow/tfjs-backend-wasm`, always installed;
 * 3. `cpu` — tfjs's pure-JavaScript backend.
 *
 * `initBackend()` picks the first that loads, unless one is forced with the
 * `BRN_BACKEND` environment variable or the `backend` argument, in which case
 * failing to load it is an error rather than a silent fallback.
 */
import { tf } from './tf';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/** Null when backend `name`'s package is installed; else what is missing and how to install it. */
export function backendInstalled(name: string): string | null {
  if (!isBackendName(name)) return `Unknown backend '${name}': expected one of ${BACKENDS.join(', ')}`;
  const packages: Record<BackendName, string | null> = {
    tensorflow: '@tensorflow/tfjs-node',
    wasm: '@tensorflow/tfjs-backend-wasm',
    cpu: null,
  };
  const pkg = packages[name];
  if (pkg === null) return null;
  try {
    require.resolve(pkg);
    return null;
  } catch {
    const how =
      name === 'tensorflow' ? ' (its install downloads libtensorflow; where it cannot, use --backend wasm)' : '';
    return `backend '${name}' needs the package ${pkg}, which is not installed: npm install ${pkg}${how}`;
  }
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') require('@tensorflow/tfjs-node');
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return `${name}: ${(err as Error).message.split('\n')[0]}`;
  }
  try {
    // setBackend logs initialization failures itself; keep them off the console.
    const warn = console.warn;
    console.warn = () => undefined;
    let ok: boolean;
    try {
      ok = await tf.setBackend(name);
    } finally {
      console.warn = warn;
    }
    if (!ok) return `${name}: failed to initialize`;
    await tf.ready();
    return null;
  } catch (err) {
    return `${name}: ${(err as Error).message.split('\n')[0]}`;
  }
}

let chosen: BackendName | null = null;
let choosing: Promise<BackendName> | null = null;

/**
 * Selects and initializes the backend, once per process; later calls return the
 * backend already chosen (and throw if a different one is requested).
 *
 * @param preferred A backend to force. Defaults to `process.env.BRN_BACKEND`,
 *   else the first of `tensorflow`, `wasm`, `cpu` that loads.
 * @returns The name of the active backend.
 */
export async function initBackend(preferred: string | undefined = process.env.BRN_BACKEND): Promise<BackendName> {
  const wanted = preferred === undefined || preferred === '' ? undefined : preferred;
  if (wanted !== undefined && !isBackendName(wanted)) {
    throw new Error(`Unknown backend '${wanted}': expected one of ${BACKENDS.join(', ')}`);
  }
  // A call while another is choosing (the notebook helpers start one at import) waits for it, then
  // answers as a later call does: two concurrent choices would race on tfjs's active backend.
  if (choosing !== null) {
    await choosing.catch(() => undefined);
    return initBackend(preferred);
  }
  if (chosen !== null) {
    if (wanted !== undefined && wanted !== chosen) {
      throw new Error(`Backend '${chosen}' is already active in this process; cannot switch to '${wanted}'`);
    }
    return chosen;
  }
  choosing = choose(wanted !== undefined ? [wanted] : [...BACKENDS]);
  try {
    chosen = await choosing;
    return chosen;
  } finally {
    choosing = null;
  }
}

async function choose(candidates: BackendName[]): Promise<BackendName> {
  const failures: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure === null) return name;
    failures.push(failure);
  }
  throw new Error(`No TensorFlow.js backend could be loaded (${failures.join('; ')})`);
}

/** The active backend's name, for logs, results files and figure captions. */
export function activeBackend(): string {
  return tf.getBackend();
}
