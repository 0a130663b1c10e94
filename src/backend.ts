/**
 * Backend selection, in Node and in browsers.
 *
 * In Node the kit runs on three TensorFlow.js backends, fastest first:
 * 1. `tensorflow` — native libtensorflow through `@tensorflow/tfjs-node`, an
 *    optional dependency whose install script downloads libtensorflow (it is
 *    simply absent on machines without internet access);
 * 2. `wasm` — `@tensorflow/tfjs-backend-wasm`;
 * 3. `cpu` — tfjs's pure-JavaScript backend.
 * `initBackend()` loads the packages itself, in that order.
 *
 * In a browser it tries `webgpu`, `webgl`, `wasm`, `cpu`: each that the page
 * has registered with tfjs (by importing `@tensorflow/tfjs`, and
 * `@tensorflow/tfjs-backend-wasm` or `-webgpu` where wanted).
 *
 * A backend given by name (the argument, or `BRN_BACKEND` in Node) is an order
 * of one: failing to start it is an error, not a silent fallback. Any backend
 * registered with tfjs is accepted by name.
 */
import { BACKEND_PACKAGES, backendPackageMissing, loadBackendPackage } from './backend-packages';
import { tf } from './tf';

/** The backends tried in Node, fastest first. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
/** The backends tried in a browser, fastest first. */
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number] | (typeof BROWSER_BACKENDS)[number];

/** Whether this is Node (not a browser, or a bundler's `process` shim there). */
export function runsInNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** The order `initBackend()` tries when given none: Node's or the browser's. */
export function defaultBackendOrder(): readonly string[] {
  return runsInNode() ? BACKENDS : BROWSER_BACKENDS;
}

/** One of the kit's Node backends (what the CLI's --backend takes). */
export function isBackendName(name: string): name is (typeof BACKENDS)[number] {
  return (BACKENDS as readonly string[]).includes(name);
}

function registered(name: string): boolean {
  return tf.findBackendFactory(name) != null;
}

/** Whether `initBackend` can be asked for `name` here: a backend it knows how to load, or one registered with tfjs. */
function known(name: string): boolean {
  return (
    (runsInNode() ? isBackendName(name) : (BROWSER_BACKENDS as readonly string[]).includes(name)) || registered(name)
  );
}

/** Null when backend `name`'s package is installed; else what is missing and how to install it. */
export function backendInstalled(name: string): string | null {
  if (!known(name)) return unknownBackend(name);
  return backendPackageMissing(name);
}

function unknownBackend(name: string): string {
  const tfjs = tf
    .engine()
    .backendNames()
    .filter((b) => !defaultBackendOrder().includes(b));
  const also = tfjs.length > 0 ? ` (or one registered with tfjs: ${tfjs.join(', ')})` : '';
  return `Unknown backend '${name}': expected one of ${defaultBackendOrder().join(', ')}${also}`;
}

function hint(name: string): string {
  if (runsInNode()) return BACKEND_PACKAGES[name] !== undefined ? ` (npm install ${BACKEND_PACKAGES[name]})` : '';
  if (name === 'wasm') return " (import '@tensorflow/tfjs-backend-wasm' and call its setWasmPaths)";
  if (name === 'webgpu') return " (import '@tensorflow/tfjs-backend-webgpu')";
  return " (import '@tensorflow/tfjs')";
}

async function tryBackend(name: string): Promise<string | null> {
  const failedLoad = loadBackendPackage(name);
  if (failedLoad !== null) return `${name}: ${failedLoad}`;
  if (!registered(name)) return `${name}: not registered with tfjs${hint(name)}`;
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

let chosen: string | null = null;
let choosing: Promise<string> | null = null;

function environmentChoice(): string | undefined {
  if (!runsInNode()) return undefined;
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BRN_BACKEND;
  return value === '' ? undefined : value;
}

/**
 * Selects and initializes the backend, once per process (or page); later calls
 * return the backend already chosen (and throw if a different one is requested).
 *
 * @param preferred A backend to force, or the order to try. Defaults to
 *   `BRN_BACKEND` in Node, else `BACKENDS` in Node and `BROWSER_BACKENDS` in a browser.
 * @returns The name of the backend now active.
 */
export async function initBackend(preferred?: string | readonly string[]): Promise<string> {
  const given = typeof preferred === 'string' ? (preferred === '' ? undefined : [preferred]) : preferred;
  const fromEnv = environmentChoice();
  const order = given ?? (fromEnv !== undefined ? [fromEnv] : undefined);
  if (order !== undefined) {
    if (order.length === 0) throw new Error('initBackend: the order of backends to try is empty');
    for (const name of order) if (!known(name)) throw new Error(unknownBackend(name));
  }
  // A call while another is choosing (the notebook helpers start one at import) waits for it, then
  // answers as a later call does: two concurrent choices would race on tfjs's active backend.
  if (choosing !== null) {
    await choosing.catch(() => undefined);
    return initBackend(preferred);
  }
  if (chosen !== null) {
    if (order !== undefined && !order.includes(chosen)) {
      throw new Error(`Backend '${chosen}' is already active here; cannot switch to '${order.join("' or '")}'`);
    }
    return chosen;
  }
  choosing = choose(order ?? defaultBackendOrder());
  try {
    chosen = await choosing;
    return chosen;
  } finally {
    choosing = null;
  }
}

async function choose(candidates: readonly string[]): Promise<string> {
  const failures: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name);
    if (failure === null) return name;
    failures.push(failure);
  }
  throw new Error(`No TensorFlow.js backend could be started (${failures.join('; ')})`);
}

/** The active backend's name, for logs, results files and figure captions. */
export function activeBackend(): string {
  return tf.getBackend();
}
