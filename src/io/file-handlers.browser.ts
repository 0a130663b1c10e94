/**
 * The browser's stand-in for `file-handlers.ts` (package.json's "browser" map,
 * and the ESM browser build): a page has no file system, so `file://` saving
 * and loading get an error that names the schemes a browser has, instead of
 * tfjs's generic "no handler" (or a Node-only crash).
 */
import { tf } from '../tf';

const SCHEME = 'file://';

/** What a browser says when asked for `file://`. */
export function fileSchemeUnavailable(url: string): Error {
  return new Error(
    `'${url}': file:// saving and loading need Node (the file system); in a browser use indexeddb://, localstorage:// or downloads:// (and tf.io.browserFiles or http(s):// to load)`,
  );
}

function refusing(url: string): tf.io.IOHandler {
  return {
    save: async () => {
      throw fileSchemeUnavailable(url);
    },
    load: async () => {
      throw fileSchemeUnavailable(url);
    },
  };
}

export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return refusing(`${SCHEME}${dir}`);
}

export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return refusing(`${SCHEME}${modelJsonPath}`);
}

let registered = false;

/** Registers routers that answer every file:// URL with the error above, once. */
export function registerFileHandlers(): void {
  if (registered) return;
  registered = true;
  type Router = Parameters<typeof tf.io.registerSaveRouter>[0];
  const router = ((url: string | string[]) =>
    !Array.isArray(url) && url.startsWith(SCHEME) ? refusing(url) : null) as Router;
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}
