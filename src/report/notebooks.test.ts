/**
 * The committed notebooks show their results without being trusted and on
 * static viewers: figures as PNG (never SVG alone), tables and text as HTML
 * (never Markdown outputs, which untrusted Jupyter hides), no errors, no
 * slow-backend banner, and every code cell numbered in the order it ran.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
}

const DIR = join(KIT_ROOT, 'notebooks');
const NOTEBOOKS = readdirSync(DIR)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();
const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));
const cellsOf = (file: string) => (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { cells: Cell[] }).cells;
/** What untrusted Jupyter Notebook 6 shows of a display: sanitized HTML, images, plain text. */
const SHOWN_UNTRUSTED = ['text/html', 'image/png', 'text/plain'];

describe('the committed notebooks', () => {
  it('are the index and 01 to 08', () => {
    assert.deepEqual(
      NOTEBOOKS.map((f) => f.slice(0, 2)),
      ['00', '01', '02', '03', '04', '05', '06', '07', '08'],
    );
  });

  for (const file of NOTEBOOKS) {
    it(`${file}: every output shows untrusted, every code cell ran in order`, () => {
      const code = cellsOf(file).filter((c) => c.cell_type === 'code');
      assert.deepEqual(
        code.map((c) => c.execution_count),
        code.map((_, i) => i + 1),
        'execution counts 1..n: the notebook ran top to bottom',
      );
      for (const [i, cell] of code.entries()) {
        const where = `${file}, code cell ${i + 1}`;
        const source = text(cell.source);
        for (const out of cell.outputs ?? []) {
          assert.notEqual(out.output_type, 'error', `${where}: an error output`);
          if (out.output_type === 'stream') {
            assert.doesNotMatch(
              text(out.text),
              /running TensorFlow\.js in Node\.js/,
              `${where}: the cpu-backend banner`,
            );
            continue;
          }
          const types = Object.keys(out.data ?? {});
          assert.ok(
            types.some((t) => SHOWN_UNTRUSTED.includes(t) && t !== 'text/plain'),
            `${where}: ${types.join(', ')} shows nothing rich untrusted`,
          );
          assert.ok(!types.includes('text/markdown'), `${where}: a Markdown output (hidden untrusted)`);
          if (types.includes('image/svg+xml')) assert.ok(types.includes('image/png'), `${where}: SVG without PNG`);
        }
        // A cell that shows something holds it (a branch not taken may show another thing).
        const rich = (cell.outputs ?? []).filter(
          (o) => o.data?.['image/png'] !== undefined || o.data?.['text/html'] !== undefined,
        ).length;
        if (/show(Figure|Markdown|Png)\(/.test(source)) assert.ok(rich >= 1, `${where}: shows nothing it was asked to`);
        if (/^await brn\.showFigure\(/m.test(source))
          assert.ok(
            (cell.outputs ?? []).some((o) => o.data?.['image/png'] !== undefined),
            `${where}: draws a figure but holds no PNG`,
          );
      }
    });
  }
});
