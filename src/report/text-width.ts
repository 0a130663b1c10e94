/**
 * Text widths for vega's layout, in the font the figures are drawn in
 * (DejaVu Sans, which resvg renders them with). Without a canvas, vega
 * estimates every character at 0.8 em, about 40% wider than DejaVu Sans, so
 * each figure reserved empty space to the right of its longest caption line.
 * The advances below (in em, measured once through resvg) are data in the
 * code, not read from the font at run time: the SVGs come out the same on a
 * machine without the font.
 */

const CHARS =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~·±−×→≤≥δ–—…é°';
const NORMAL = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.317, 0.337, 0.636, 0.636,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1, 0.711, 0.686,
  0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635,
  0.594, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615,
  0.344, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.394, 0.521, 0.392, 0.634, 0.592,
  0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838, 0.318, 0.838, 0.838, 0.838, 0.838, 0.838, 0.838, 0.612, 0.5,
  1, 1, 0.615, 0.5,
];
const BOLD = [
  0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415, 0.38, 0.365, 0.696,
  0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.58, 1, 0.774, 0.762,
  0.734, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.678,
  0.704, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716,
  0.678, 0.405, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716, 0.493, 0.595, 0.478, 0.712,
  0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838, 0.38, 0.838, 0.838, 0.838, 0.838, 0.838, 0.838, 0.687,
  0.5, 1, 1, 0.678, 0.5,
];
/** An unknown character: as wide as the widest common ones. */
const OTHER = 0.838;

const advance = new Map<string, [number, number]>([...CHARS].map((c, i) => [c, [NORMAL[i], BOLD[i]]]));

/** The width in pixels of `text` at `fontSize`, in DejaVu Sans (bold for weights of 600 and up, or 'bold'). */
export function textWidth(text: string, fontSize: number, fontWeight?: string | number | null): number {
  const bold = fontWeight === 'bold' || fontWeight === 'bolder' || Number(fontWeight) >= 600 ? 1 : 0;
  let em = 0;
  for (const c of text) em += advance.get(c)?.[bold] ?? OTHER;
  return em * fontSize;
}
