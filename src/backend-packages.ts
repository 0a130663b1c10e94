/**
 * Node's half of backend selection: the npm packages that bring the
 * `tensorflow` and `wasm` backends, loaded with `require` when chosen. A
 * browser build replaces this module with `backend-packages.browser.ts`
 * (package.json's "browser" map, and the ESM browser build), where the
 * application imports the backends it wants itself.
 */
/** The package each loadable backend comes from (cpu is part of tfjs). */
export const BACKEND_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
});

/** Null when `name` needs no package or its package is installed; else what is missing and how to install it. */
export function backendPackageMissing(name: string): string | null {
  const pkg = BACKEND_PACKAGES[name];
  if (pkg === undefined) return null;
  try {
    require.resolve(pkg);
    return null;
  } catch {
    const how =
      name === 'tensorflow' ? ' (its install downloads libtensorflow; where it cannot, use --backend wasm)' : '';
    return `backend '${name}' needs the package ${pkg}, which is not installed: npm install ${pkg}${how}`;
  }
}

/** Loads `name`'s package (which registers the backend with tfjs); the error's first line, or null. */
export function loadBackendPackage(name: string): string | null {
  const pkg = BACKEND_PACKAGES[name];
  if (pkg === undefined) return null;
  try {
    require(pkg);
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}
