/**
 * The layout's rules, read off the source: no import cycle (type-only imports
 * included); protocol ← results ← train, never back, and report reads results
 * but never trains; protocol is pure (no filesystem, no tfjs, not even through
 * what it imports at run time); no source file over 350 lines but the
 * generated SIMD binary.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from './paths';

const SRC = join(KIT_ROOT, 'src');

interface Import {
  /** A module under src/ (relative path without .ts), or a package or node: builtin as written. */
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testdata' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const moduleOf = (path: string) => relative(SRC, path).replace(/\.ts$/, '');

/** Every `import … from '…'` and `export … from '…'` of a file (static ones; `await import()` counts as runtime). */
function importsOf(path: string): Import[] {
  const text = readFileSync(path, 'utf8');
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'|import\('([^']+)'\)/gms;
  for (const m of text.matchAll(pattern)) {
    const spec = m[4] ?? m[5];
    const typeOnly = m[2] !== undefined || (m[3] !== undefined && /^\{[^}]*\}$/s.test(m[3]) && allTypeNames(m[3]));
    const target = spec.startsWith('.') ? moduleOf(join(dirname(path), spec.replace(/\.js$/, ''))) : spec;
    found.push({ target, typeOnly });
  }
  return found;
}

/** Whether `{ type A, type B }` names only types. */
function allTypeNames(braces: string): boolean {
  const names = braces
    .slice(1, -1)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

const FILES = sourceFiles(SRC);
const GRAPH = new Map(FILES.map((f) => [moduleOf(f), importsOf(f)]));
const local = (i: Import) => GRAPH.has(i.target);

describe('the layout', () => {
  it('has no import cycle, type-only imports included', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (m: string, path: string[]) => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'open') {
        cycles.push([...path.slice(path.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'open');
      for (const i of GRAPH.get(m)!.filter(local)) visit(i.target, [...path, m]);
      state.set(m, 'done');
    };
    for (const m of GRAPH.keys()) visit(m, []);
    assert.deepEqual(cycles, []);
  });

  it('imports run one way: protocol ← results ← train; report reads results and never trains', () => {
    const forbidden: [from: string, to: string][] = [
      ['protocol/', 'results/'],
      ['protocol/', 'train/'],
      ['protocol/', 'report/'],
      ['results/', 'train/'],
      ['results/', 'report/'],
      ['report/', 'train/'],
    ];
    const broken = [...GRAPH].flatMap(([m, imports]) =>
      imports
        .filter((i) => forbidden.some(([from, to]) => m.startsWith(from) && i.target.startsWith(to)))
        .map((i) => `${m} imports ${i.target}`),
    );
    assert.deepEqual(broken, []);
  });

  it('protocol is pure: nothing it loads at run time touches the filesystem or tfjs', () => {
    const impure = (target: string) => /^(node:)?fs(\/|$)|^@tensorflow\//.test(target) || target === 'tf';
    const problems: string[] = [];
    for (const m of [...GRAPH.keys()].filter((k) => k.startsWith('protocol/') && !k.endsWith('.test'))) {
      const seen = new Set<string>();
      const walk = (at: string, chain: string[]) => {
        if (seen.has(at)) return;
        seen.add(at);
        for (const i of GRAPH.get(at)!.filter((x) => !x.typeOnly)) {
          if (impure(i.target)) problems.push([...chain, at, i.target].join(' → '));
          else if (local(i)) walk(i.target, [...chain, at]);
        }
      };
      walk(m, []);
    }
    assert.deepEqual(problems, []);
  });

  it('no source file is over 350 lines (the generated SIMD binary aside)', () => {
    const long = FILES.filter((f) => !f.endsWith('simd-binary.ts'))
      .map((f) => ({ f: relative(SRC, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > 350);
    assert.deepEqual(long, []);
  });
});
