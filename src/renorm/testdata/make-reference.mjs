// Float64 reference cases for the BatchRenormalization tests.
//
// How the numbers are made: plain JavaScript numbers (IEEE float64), loops
// written straight from Algorithm 1 of Ioffe (2017) and the backprop formulas
// the paper gives for r and d held constant; no TensorFlow.js involved. Each
// analytic gradient is checked here against central finite differences (with r
// and d frozen at their computed values) before the case is written.
//
// Run: node src/renorm/testdata/make-reference.mjs > src/renorm/testdata/reference.json
// (the output is deterministic: a fixed-seed mulberry32 generator makes the inputs).

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20170210);
const uniform = (lo, hi) => lo + (hi - lo) * rand();
const clip = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

// x is given as rows of features: an input of shape [...rest, C] flattens to m rows of C.
function forward(rows, p) {
  const m = rows.length;
  const C = rows[0].length;
  const out = { mean: [], std: [], r: [], d: [], y: rows.map(() => new Array(C)), xhat: rows.map(() => new Array(C)) };
  for (let c = 0; c < C; c++) {
    let mu = 0;
    for (let i = 0; i < m; i++) mu += rows[i][c];
    mu /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (rows[i][c] - mu) ** 2;
    v /= m;
    const sigmaB = Math.sqrt(v + p.epsilon);
    const r = p.fixed ? p.fixed.r[c] : clip(sigmaB / p.movingStd[c], 1 / p.rmax, p.rmax);
    const d = p.fixed ? p.fixed.d[c] : clip((mu - p.movingMean[c]) / p.movingStd[c], -p.dmax, p.dmax);
    out.mean.push(mu);
    out.std.push(sigmaB);
    out.r.push(r);
    out.d.push(d);
    for (let i = 0; i < m; i++) {
      const xh = ((rows[i][c] - mu) / sigmaB) * r + d;
      out.xhat[i][c] = xh;
      out.y[i][c] = p.gamma[c] * xh + p.beta[c];
    }
  }
  return out;
}

// Loss ℓ = Σ y·w, so ∂ℓ/∂y = w. The paper's formulas, r and d constant.
function backward(rows, p, f, w) {
  const m = rows.length;
  const C = rows[0].length;
  const dx = rows.map(() => new Array(C));
  const dgamma = [];
  const dbeta = [];
  for (let c = 0; c < C; c++) {
    const mu = f.mean[c];
    const s = f.std[c];
    const r = f.r[c];
    let dSigma = 0;
    let dMu = 0;
    let dg = 0;
    let db = 0;
    for (let i = 0; i < m; i++) {
      const dxh = w[i][c] * p.gamma[c];
      dSigma += dxh * (rows[i][c] - mu) * (-r / (s * s));
      dMu += dxh * (-r / s);
      dg += w[i][c] * f.xhat[i][c];
      db += w[i][c];
    }
    for (let i = 0; i < m; i++) {
      const dxh = w[i][c] * p.gamma[c];
      dx[i][c] = (dxh * r) / s + (dSigma * (rows[i][c] - mu)) / (m * s) + dMu / m;
    }
    dgamma.push(dg);
    dbeta.push(db);
  }
  return { dx, dgamma, dbeta };
}

function loss(rows, p, w) {
  const y = forward(rows, p).y;
  let l = 0;
  for (let i = 0; i < y.length; i++) for (let c = 0; c < y[i].length; c++) l += y[i][c] * w[i][c];
  return l;
}

function checkFiniteDifferences(rows, p, f, w, g, name) {
  const frozen = { ...p, fixed: { r: f.r, d: f.d } };
  const h = 1e-6;
  const worst = { err: 0 };
  const compare = (analytic, plus, minus, what) => {
    const numeric = (plus - minus) / (2 * h);
    const err = Math.abs(numeric - analytic) / Math.max(1, Math.abs(numeric));
    if (err > worst.err) Object.assign(worst, { err, what });
  };
  for (let i = 0; i < rows.length; i++) {
    for (let c = 0; c < rows[0].length; c++) {
      const at = (delta) =>
        loss(
          rows.map((row, k) => row.map((v, j) => (k === i && j === c ? v + delta : v))),
          frozen,
          w,
        );
      compare(g.dx[i][c], at(h), at(-h), `dx[${i}][${c}]`);
    }
  }
  for (let c = 0; c < rows[0].length; c++) {
    const withParam = (key, delta) =>
      loss(rows, { ...frozen, [key]: frozen[key].map((v, j) => (j === c ? v + delta : v)) }, w);
    compare(g.dgamma[c], withParam('gamma', h), withParam('gamma', -h), `dgamma[${c}]`);
    compare(g.dbeta[c], withParam('beta', h), withParam('beta', -h), `dbeta[${c}]`);
  }
  if (worst.err > 1e-5)
    throw new Error(`${name}: analytic gradient disagrees with finite differences at ${worst.what} (${worst.err})`);
  return worst.err;
}

function makeCase(name, shape, opts) {
  const C = shape[shape.length - 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const x = Array.from({ length: size }, () => (opts.x ? opts.x() : uniform(-2, 3)));
  const rows = [];
  for (let i = 0; i < size; i += C) rows.push(x.slice(i, i + C));
  const p = {
    epsilon: opts.epsilon ?? 1e-3,
    momentum: opts.momentum ?? 0.99,
    rmax: opts.rmax,
    dmax: opts.dmax,
    gamma: Array.from({ length: C }, () => uniform(0.5, 1.5)),
    beta: Array.from({ length: C }, () => uniform(-0.5, 0.5)),
    movingMean: opts.movingMean ?? Array.from({ length: C }, () => uniform(-0.5, 0.5)),
    movingStd: opts.movingStd ?? Array.from({ length: C }, () => uniform(0.8, 1.6)),
  };
  const w = rows.map((row) => row.map(() => uniform(-1, 1)));
  const f = forward(rows, p);
  const g = backward(rows, p, f, w);
  const fdError = checkFiniteDifferences(rows, p, f, w, g, name);
  const alpha = 1 - p.momentum;
  const flat = (a) => a.flat();
  return {
    name,
    shape,
    x,
    upstream: flat(w),
    params: {
      epsilon: p.epsilon,
      momentum: p.momentum,
      rmax: p.rmax,
      dmax: p.dmax,
      gamma: p.gamma,
      beta: p.beta,
      movingMean: p.movingMean,
      movingStd: p.movingStd,
    },
    expected: {
      y: flat(f.y),
      r: f.r,
      d: f.d,
      batchMean: f.mean,
      batchStd: f.std,
      movingMean: p.movingMean.map((mu, c) => mu + alpha * (f.mean[c] - mu)),
      movingStd: p.movingStd.map((s, c) => s + alpha * (f.std[c] - s)),
      inference: rows.flatMap((row) =>
        row.map((v, c) => (p.gamma[c] * (v - p.movingMean[c])) / p.movingStd[c] + p.beta[c]),
      ),
      dx: flat(g.dx),
      dgamma: g.dgamma,
      dbeta: g.dbeta,
    },
    finiteDifferenceRelError: fdError,
  };
}

const cases = [
  makeCase('dense, unclipped', [6, 3], { rmax: 3, dmax: 5 }),
  makeCase('dense, r and d clipped', [8, 4], {
    rmax: 1.5,
    dmax: 0.5,
    movingMean: [3, -3, 0.2, 1],
    movingStd: [0.2, 6, 1, 0.9],
  }),
  makeCase('dense, batch variance near epsilon', [5, 2], { rmax: 3, dmax: 5, x: () => 0.7 + uniform(-1e-3, 1e-3) }),
  makeCase('dense, batch of 2', [2, 3], { rmax: 3, dmax: 5 }),
  makeCase('conv NHWC', [2, 3, 3, 2], { rmax: 2, dmax: 1 }),
];
process.stdout.write(JSON.stringify({ generator: 'src/renorm/testdata/make-reference.mjs', cases }, null, 1) + '\n');
