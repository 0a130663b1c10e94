#!/usr/bin/env node
// The package root as ES modules, beside tsc's CommonJS in dist/:
// - dist/esm/browser.mjs: the root bundled for browsers and bundlers (the kit's own code only; tfjs,
//   seedrandom and the rest stay imports, so the application's bundler shares and tree-shakes them),
//   with the Node-only modules replaced by their .browser.ts stand-ins;
// - dist/esm/node.mjs: for `import` in Node, the CommonJS root re-exported by name, so that Node has one
//   instance of the layers whether a program imports or requires the package.
// Run after tsc (make build).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'esm');
mkdirSync(out, { recursive: true });

/** The modules a browser build replaces: `x.ts` by `x.browser.ts` beside it. */
const BROWSER_STAND_INS = ['backend-packages', 'io/file-handlers'].map((m) => join(root, 'src', `${m}.ts`));

const standIns = {
  name: 'browser-stand-ins',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, `${args.path}.ts`);
      if (!BROWSER_STAND_INS.includes(path)) return undefined;
      const standIn = path.replace(/\.ts$/, '.browser.ts');
      if (!existsSync(standIn)) throw new Error(`build-esm: ${standIn} is missing`);
      return { path: standIn };
    });
  },
};

function writeAtomic(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const result = await build({
  entryPoints: [join(root, 'src', 'index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  packages: 'external',
  plugins: [standIns],
  write: false,
  logLevel: 'warning',
  legalComments: 'none',
  banner: { js: '// batch-renorm-kit: the package root for browsers and bundlers (scripts/build-esm.mjs)' },
});
const text = result.outputFiles[0].text;
if (/node:|require\(/.test(text)) throw new Error('build-esm: the browser build still mentions node: or require(');
writeAtomic(join(out, 'browser.mjs'), text);

const require = createRequire(import.meta.url);
const names = Object.keys(require(join(root, 'dist', 'index.js'))).filter((n) => n !== 'default' && n !== '__esModule');
writeAtomic(
  join(out, 'node.mjs'),
  `// batch-renorm-kit for \`import\` in Node: the CommonJS root (dist/index.js), re-exported by name (scripts/build-esm.mjs).\n` +
    `import root from '../index.js';\n` +
    `export const { ${names.join(', ')} } = root;\n`,
);
console.log(`dist/esm/browser.mjs (${(text.length / 1024).toFixed(1)} KiB), dist/esm/node.mjs (${names.length} names)`);
