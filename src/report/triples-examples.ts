/**
 * The figure of docs/MNIST-TRIPLES.md: a grid of mnist-triples training
 * images, each titled with its class, drawn with vega-lite from the composed
 * task itself (`data/triples.ts`), so the page shows the bytes the jobs train
 * on. Run as `node dist/report/triples-examples.js [out-dir]` (make
 * triples-examples); writes mnist-triples-examples.svg and .png.
 */
import { join } from 'node:path';
import { TRIPLES } from '../data/triples';
import type { ImageSet } from '../data/mnist';
import { writeFileAtomic } from '../io/atomic';
import type { Spec } from './chart';

/** The spec of a grid of the first `count` images of `set`, `columns` to a row, each titled with its three-digit class. */
export function triplesExamplesSpec(set: ImageSet, count = 24, columns = 4): Spec {
  if (!Number.isInteger(count) || count < 1 || count > set.count)
    throw new Error(`triplesExamplesSpec: count must be an integer in [1, ${set.count}], got ${count}`);
  const values: { n: number; caption: string; x: number; y: number; v: number }[] = [];
  const pixels = set.rows * set.cols;
  for (let n = 0; n < count; n++) {
    const caption = `class ${String(set.labels[n]).padStart(3, '0')}`;
    for (let y = 0; y < set.rows; y++)
      for (let x = 0; x < set.cols; x++)
        values.push({ n, caption, x, y, v: set.images[n * pixels + y * set.cols + x] });
  }
  const cell = 4;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `mnist-triples: ${count} training images and their classes (of ${TRIPLES.classes.toLocaleString('en-US')})`,
      subtitle: [
        `Three MNIST digits, each downscaled 2x2 to ${TRIPLES.side}x${TRIPLES.side}, side by side (${set.rows}x${set.cols} = ${pixels} pixels); the class is the number they read.`,
      ],
      anchor: 'start',
      fontSize: 14,
      subtitleFontSize: 11,
      subtitleColor: '#555',
    },
    data: { values },
    facet: {
      field: 'caption',
      type: 'ordinal',
      sort: { field: 'n', op: 'min' },
      header: { title: null, labelFontSize: 12, labelFontWeight: 'bold', labelPadding: 3 },
    },
    columns,
    spacing: { row: 6, column: 10 },
    spec: {
      width: set.cols * cell,
      height: set.rows * cell,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x', type: 'ordinal', axis: null },
        y: { field: 'y', type: 'ordinal', axis: null },
        color: {
          field: 'v',
          type: 'quantitative',
          scale: { domain: [0, 255], range: ['#ffffff', '#000000'] },
          legend: null,
        },
      },
    },
    config: { view: { stroke: '#999' }, background: 'white' },
  };
}

async function main(outDir: string): Promise<void> {
  const { loadImageData } = await import('../data/mnist.js');
  const { validationSplit } = await import('../data/samplers.js');
  const { composeTriples } = await import('../data/triples.js');
  const { renderSvg, svgToPng } = await import('./render.js');
  const mnist = loadImageData();
  const { train } = composeTriples(mnist, validationSplit(mnist.train.count, 5_000, 0).validation);
  const svg = await renderSvg(triplesExamplesSpec(train));
  const base = join(outDir, 'mnist-triples-examples');
  writeFileAtomic(`${base}.svg`, svg);
  writeFileAtomic(`${base}.png`, svgToPng(svg));
  console.log(`wrote ${base}.svg and .png`);
}

if (require.main === module) {
  main(process.argv[2] ?? join(__dirname, '..', '..', 'docs', 'figures')).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
