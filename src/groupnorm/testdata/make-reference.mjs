// Float64 reference cases for the GroupNormalization tests and kernels.
//
// How the numbers are made: plain JavaScript numbers (IEEE float64), loops
// written straight from the Group Normalization paper's definition (Wu & He
// 2018, eq. 1-3 with S_i the channels of one group of one example) and the
// standard normalization backward pass; no TensorFlow.js involved. Each
// analytic gradient is checked here against central finite differences before
// the case is written.
//
// Run: node src/groupnorm/testdata/make-reference.mjs > src/groupnorm/testdata/reference.json
// (deterministic: a fixed-seed mulberry32 generator makes the inputs).

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20180322);
const uniform = (lo, hi) => lo + (hi - lo) * rand();

// x is flat, row-major [N, S, C] (S the spatial positions, 1 for dense inputs).
function forward(x, shape, p) {
  const [N, S, C] = shape;
  const G = p.groups;
  const cg = C / G;
  const y = new Array(x.length);
  const xhat = new Array(x.length);
  const mean = [];
  const std = [];
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const idx = [];
      for (let s = 0; s < S; s++) for (let c = g * cg; c < (g + 1) * cg; c++) idx.push((n * S + s) * C + c);
      let mu = 0;
      for (const i of idx) mu += x[i];
      mu /= idx.length;
      let v = 0;
      for (const i of idx) v += (x[i] - mu) ** 2;
      v /= idx.length;
      const sd = Math.sqrt(v + p.epsilon);
      mean.push(mu);
      std.push(sd);
      for (const i of idx) {
        const c = i % C;
        xhat[i] = (x[i] - mu) / sd;
        y[i] = p.gamma[c] * xhat[i] + p.beta[c];
      }
    }
  }
  return { y, xhat, mean, std };
}

// Loss ℓ = Σ y·w, so ∂ℓ/∂y = w.
function backward(x, shape, p, f, w) {
  const [N, S, C] = shape;
  const G = p.groups;
  const cg = C / G;
  const dx = new Array(x.length);
  const dgamma = new Array(C).fill(0);
  const dbeta = new Array(C).fill(0);
  for (let i = 0; i < x.length; i++) {
    dgamma[i % C] += w[i] * f.xhat[i];
    dbeta[i % C] += w[i];
  }
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const idx = [];
      for (let s = 0; s < S; s++) for (let c = g * cg; c < (g + 1) * cg; c++) idx.push((n * S + s) * C + c);
      const m = idx.length;
      const sd = f.std[n * G + g];
      let a = 0;
      let b = 0;
      for (const i of idx) {
        const gx = w[i] * p.gamma[i % C];
        a += gx;
        b += gx * f.xhat[i];
      }
      a /= m;
      b /= m;
      for (const i of idx) dx[i] = (w[i] * p.gamma[i % C] - a - f.xhat[i] * b) / sd;
    }
  }
  return { dx, dgamma, dbeta };
}

function checkFiniteDifferences(name, x, shape, p, w, dx) {
  const loss = (xs) => forward(xs, shape, p).y.reduce((acc, y, i) => acc + y * w[i], 0);
  const h = 1e-6;
  for (let i = 0; i < x.length; i++) {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] += h;
    minus[i] -= h;
    const numeric = (loss(plus) - loss(minus)) / (2 * h);
    const scale = Math.max(1, ...dx.map(Math.abs));
    if (Math.abs(numeric - dx[i]) > 1e-5 * scale) {
      throw new Error(`${name}: dx[${i}] analytic ${dx[i]} vs finite difference ${numeric}`);
    }
  }
}

function makeCase(name, shape, groups, options = {}) {
  const [N, S, C] = [shape[0], shape.slice(1, -1).reduce((a, b) => a * b, 1), shape[shape.length - 1]];
  const size = N * S * C;
  const x = Array.from({ length: size }, () => (options.constant ? 0.7 + 1e-4 * uniform(-1, 1) : uniform(-2, 3)));
  const w = Array.from({ length: size }, () => uniform(-1, 1));
  const p = {
    groups,
    epsilon: options.epsilon ?? 1e-3,
    gamma: Array.from({ length: C }, () => uniform(0.5, 1.5)),
    beta: Array.from({ length: C }, () => uniform(-0.5, 0.5)),
  };
  const f = forward(x, [N, S, C], p);
  const g = backward(x, [N, S, C], p, f, w);
  checkFiniteDifferences(name, x, [N, S, C], p, w, g.dx);
  return { name, shape, x, upstream: w, params: p, expected: { y: f.y, mean: f.mean, std: f.std, ...g } };
}

const cases = [
  makeCase('dense [6, 8], 2 groups', [6, 8], 2),
  makeCase('dense [4, 12], 1 group (layer norm)', [4, 12], 1),
  makeCase('NHWC [3, 3, 3, 8], 4 groups', [3, 3, 3, 8], 4),
  makeCase('NHWC [2, 2, 3, 6], 6 groups (instance norm)', [2, 2, 3, 6], 6),
  makeCase('near-constant groups: ε dominates', [2, 2, 2, 4], 2, { constant: true }),
  makeCase('NHW C [2, 4, 4, 16], 4 groups, ε = 1e-5', [2, 4, 4, 16], 4, { epsilon: 1e-5 }),
];
console.log(JSON.stringify({ note: 'made by make-reference.mjs; do not edit', cases }));
