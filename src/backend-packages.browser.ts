/**
 * The browser's stand-in for `backend-packages.ts`: a page imports the
 * backends it wants itself (`@tensorflow/tfjs` brings webgl and cpu;
 * `@tensorflow/tfjs-backend-wasm` and `-webgpu` are one import each), so
 * nothing is loaded here and nothing is missing.
 */
export const BACKEND_PACKAGES: Readonly<Record<string, string>> = Object.freeze({});

export function backendPackageMissing(_name: string): string | null {
  return null;
}

export function loadBackendPackage(_name: string): string | null {
  return null;
}
