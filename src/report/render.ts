/**
 * Headless rendering: Vega-Lite spec → SVG (vega's View with renderer 'none')
 * → PNG (@resvg/resvg-js). vega and vega-lite 6 are ESM-only, so they are
 * loaded here with a real dynamic import; nothing else in the kit (and no
 * notebook cell) has to know.
 */
import type { Spec } from './chart';
import { textWidth } from './text-width';

interface VegaLite {
  compile(spec: object): { spec: object };
}
interface TextItem {
  fontSize?: number | null;
  fontWeight?: string | number | null;
  limit?: number | null;
}
interface Vega {
  textMetrics: { width: (item: TextItem, text: unknown) => number };
  parse(spec: object): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

// A dynamic import that TypeScript leaves alone when compiling to CommonJS.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let modules: Promise<{ vl: VegaLite; vega: Vega }> | null = null;

/** What a user who installed only the layer must add to draw figures (optional peers of the package). */
export const FIGURE_PACKAGES = 'npm install vega@6 vega-lite@6 @resvg/resvg-js@2';

const missing = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

function load(): Promise<{ vl: VegaLite; vega: Vega }> {
  modules ??= Promise.all([importEsm('vega-lite'), importEsm('vega')]).then(
    ([vl, v]) => {
      const vega = v as Vega;
      // Lay text out at the widths it is drawn with (DejaVu Sans), not vega's canvas-less 0.8 em a character.
      vega.textMetrics.width = (item, text) => {
        const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
        const width = textWidth(text == null ? '' : String(text).trim(), size, item.fontWeight);
        return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
      };
      return { vl: vl as VegaLite, vega };
    },
    (err: unknown) => {
      modules = null;
      if (missing(err))
        throw new Error(`drawing figures needs vega and vega-lite, which are not installed: ${FIGURE_PACKAGES}`);
      throw err;
    },
  );
  return modules;
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: Spec): Promise<string> {
  const { vl, vega } = await load();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes an SVG to PNG at `scale` times its size, on white. */
export function svgToPng(svg: string, scale = 2): Buffer {
  // Loaded lazily: a native module, needed only for PNGs.
  let resvg: typeof import('@resvg/resvg-js');
  try {
    resvg = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  } catch (err) {
    if (missing(err))
      throw new Error(`drawing PNG figures needs @resvg/resvg-js, which is not installed: ${FIGURE_PACKAGES}`);
    throw err;
  }
  const { Resvg } = resvg;
  return new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}
